//! The access-token page.

use askama::Template;
use askama_web::WebTemplate;
use chrono::{DateTime, FixedOffset, Utc};

use super::db::{self as queries, TokenRow};
use super::forms::EXPIRIES;
use crate::db::Tx;
use crate::domain::ids::StreetId;
use crate::error::Result;
use crate::web::context::PageCtx;

impl TokenRow {
    /// When it was last used, in Beijing time.
    pub fn last_used(&self) -> Option<DateTime<FixedOffset>> {
        self.last_used_at
            .map(|t| t.with_timezone(&crate::domain::semester::china_offset()))
    }

    /// When it expires, in Beijing time.
    pub fn expires(&self) -> Option<DateTime<FixedOffset>> {
        self.expires_at
            .map(|t| t.with_timezone(&crate::domain::semester::china_offset()))
    }

    pub fn expired(&self) -> bool {
        self.expires_at.is_some_and(|t| t <= Utc::now())
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "api/tokens.html")]
pub struct TokensPage {
    ctx: PageCtx,
    expiries: [i32; 3],
    tokens: Vec<TokenRow>,
    new_token: Option<String>,
    error: Option<&'static str>,
}

/// The street's tokens, with a new token shown once or what was wrong with the form.
pub async fn tokens_page(
    tx: &mut Tx,
    street: StreetId,
    ctx: PageCtx,
    new_token: Option<String>,
    error: Option<&'static str>,
) -> Result<TokensPage> {
    Ok(TokensPage {
        ctx,
        expiries: EXPIRIES,
        tokens: queries::tokens(tx, street).await?,
        new_token,
        error,
    })
}
