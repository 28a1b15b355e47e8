//! Who calls the API: a logged-in user (session cookie) or a personal access token.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;

use super::db;
use super::error::ApiError;
use crate::auth::bearer::{bearer_token, parse_token};
use crate::auth::extract::{CommunityScope, Reach};
use crate::auth::request::RequestContext;
use crate::auth::{Anonymous, Tenant};
use crate::domain::ids::{StreetId, TokenId, UserId};
use crate::domain::role::Role;
use crate::state::AppState;

/// What the caller may see and do.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub street: StreetId,
    /// The acting user: the session's user, or the token's creator.
    pub user: UserId,
    pub scope: Reach,
    pub can_write: bool,
    pub token: Option<TokenId>,
    /// The client address, for audit events.
    pub ip: String,
    /// Transactions in the caller's street, as the acting user.
    pub tenant: Tenant,
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let unauthorised = || {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Log in or send a valid access token.",
            )
        };
        let ip = parts
            .extensions
            .get::<RequestContext>()
            .map(|ctx| ctx.ip.to_string())
            .unwrap_or_default();
        let anonymous = Anonymous::from(&state.requests);
        if let Some(token) = bearer_token(&parts.headers) {
            let (street, hash) = parse_token(token).ok_or_else(unauthorised)?;
            let mut tx = anonymous.tenant(street, None).begin().await?;
            let token = db::live_token(&mut tx, street, &hash)
                .await?
                .ok_or_else(unauthorised)?;
            db::token_used(&mut tx, street, token.id).await?;
            tx.commit().await?;
            return Ok(ApiCaller {
                street,
                user: token.created_by,
                scope: Reach::Staff(CommunityScope::All),
                can_write: token.access == "read_write",
                token: Some(token.id),
                ip,
                tenant: anonymous.tenant(street, Some(token.created_by)),
            });
        }
        let ctx = parts
            .extensions
            .get::<RequestContext>()
            .ok_or_else(unauthorised)?;
        let user = ctx
            .user
            .clone()
            .filter(|u| !u.must_change_password && !u.must_enrol_totp)
            .ok_or_else(unauthorised)?;
        let scope = match (user.role, user.community_id, user.volunteer_id) {
            (Role::StreetAdmin, _, _) => Reach::Staff(CommunityScope::All),
            (Role::CommunityStaff, Some(c), _) => Reach::Staff(CommunityScope::One(c)),
            (Role::Volunteer, _, Some(v)) => Reach::Volunteer(v),
            _ => return Err(unauthorised()),
        };
        Ok(ApiCaller {
            street: user.street_id,
            user: user.user_id,
            scope,
            can_write: true,
            token: None,
            ip,
            tenant: anonymous.tenant(user.street_id, Some(user.user_id)),
        })
    }
}
