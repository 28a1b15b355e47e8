//! Personal access tokens for integrations: created by a street admin for the street, read or
//! read-write, shown once, stored hashed, revocable, audited.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::audit;
use crate::auth::StreetAdmin;
use crate::auth::Tenant;
use crate::auth::bearer::TOKEN_PREFIX;
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::PathId;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::required_text;

pub struct TokenRow {
    pub id: Uuid,
    pub name: String,
    pub access: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl TokenRow {
    /// When it was last used, in Beijing time.
    pub fn last_used(&self) -> Option<DateTime<chrono::FixedOffset>> {
        self.last_used_at
            .map(|t| t.with_timezone(&crate::domain::semester::china_offset()))
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "api/tokens.html")]
pub struct TokensPage {
    ctx: PageCtx,
    tokens: Vec<TokenRow>,
    new_token: Option<String>,
    error: Option<&'static str>,
}

async fn page(
    tenant: &Tenant,
    _state: &AppState,
    admin: &crate::auth::SessionUser,
    ctx: PageCtx,
    new_token: Option<String>,
    error: Option<&'static str>,
) -> Result<TokensPage> {
    let mut tx = tenant.begin().await?;
    let tokens = sqlx::query_as!(
        TokenRow,
        r#"SELECT id, name, access::text AS "access!", created_at, last_used_at, revoked_at FROM api_token
           WHERE street_id = $1 ORDER BY created_at DESC"#,
        admin.street_id.0
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(TokensPage {
        ctx,
        tokens,
        new_token,
        error,
    })
}

pub async fn list_tokens(
    tenant: Tenant,
    State(state): State<AppState>,
    ctx: PageCtx,
    StreetAdmin(admin): StreetAdmin,
) -> Result<TokensPage> {
    page(&tenant, &state, &admin, ctx, None, None).await
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    access: String,
}

pub async fn create_token(
    tenant: Tenant,
    State(state): State<AppState>,
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    Form(form): Form<TokenForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let ctx = PageCtx::from(rctx);
    let name = match required_text(&form.name, 100) {
        Ok(n) => n,
        Err(key) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&tenant, &state, &admin, ctx, None, Some(key)).await?,
            )
                .into_response());
        }
    };
    let access = if form.access == "read_write" {
        "read_write"
    } else {
        "read"
    };
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let mut raw = admin.street_id.0.as_bytes().to_vec();
    raw.extend_from_slice(&secret);
    let token = format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(raw));
    let id = Uuid::now_v7();
    let mut tx = tenant.begin().await?;
    sqlx::query!(
        "INSERT INTO api_token (street_id, id, name, token_hash, access, created_by) VALUES ($1, $2, $3, $4, $5::text::token_access, $6)",
        admin.street_id.0,
        id,
        name,
        Sha256::digest(secret).to_vec(),
        access,
        admin.user_id.0
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        "api_token_created",
        "api_token",
        Some(id),
        &ip,
        json!({ "access": access }),
    )
    .await?;
    tx.commit().await?;
    // Shown this once; only its hash is kept.
    Ok(page(&tenant, &state, &admin, ctx, Some(token), None)
        .await?
        .into_response())
}

pub async fn revoke_token(
    tenant: Tenant,
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    PathId(id): PathId<Uuid>,
) -> Result<Redirect> {
    let mut tx = tenant.begin().await?;
    let done = sqlx::query!(
        "UPDATE api_token SET revoked_at = now() WHERE street_id = $1 AND id = $2 AND revoked_at IS NULL",
        admin.street_id.0,
        id
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut tx,
        "api_token_revoked",
        "api_token",
        Some(id),
        &rctx.ip.to_string(),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/api-tokens"))
}
