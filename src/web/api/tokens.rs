//! Personal access tokens for integrations: created by a street admin for the street, read or
//! read-write, shown once, stored hashed, revocable, audited.

use axum::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::db::{self as queries, NewToken};
use super::forms::TokenForm;
use super::view::{TokensPage, tokens_page};
use crate::audit;
use crate::auth::bearer::TOKEN_PREFIX;
use crate::auth::{SessionUser, StreetAdmin, Tenant};
use crate::domain::ids::TokenId;
use crate::error::{AppError, Result};
use crate::links;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::{PathId, required_text};

/// The page in a transaction of its own.
async fn page(
    tenant: &Tenant,
    admin: &SessionUser,
    ctx: PageCtx,
    new_token: Option<String>,
    error: Option<&'static str>,
) -> Result<TokensPage> {
    let mut tx = tenant.begin().await?;
    let page = tokens_page(&mut tx, admin.street_id, ctx, new_token, error).await?;
    tx.commit().await?;
    Ok(page)
}

pub async fn list_tokens(
    tenant: Tenant,
    ctx: PageCtx,
    StreetAdmin(admin): StreetAdmin,
) -> Result<TokensPage> {
    page(&tenant, &admin, ctx, None, None).await
}

pub async fn create_token(
    tenant: Tenant,
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    Form(form): Form<TokenForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let ctx = PageCtx::from(rctx);
    let checked = required_text(&form.name, 100)
        .and_then(|name| form.expires_in_days().map(|days| (name, days)));
    let (name, expires_in_days) = match checked {
        Ok(n) => n,
        Err(key) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&tenant, &admin, ctx, None, Some(key)).await?,
            )
                .into_response());
        }
    };
    let access = form.access();
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let mut raw = admin.street_id.0.as_bytes().to_vec();
    raw.extend_from_slice(&secret);
    let token = format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(raw));
    let id = TokenId::new();
    let mut tx = tenant.begin().await?;
    let new = NewToken {
        id,
        name: &name,
        hash: Sha256::digest(secret).to_vec(),
        access,
        created_by: admin.user_id,
        expires_in_days,
    };
    queries::insert_token(&mut tx, admin.street_id, &new).await?;
    audit::record(
        &mut tx,
        "api_token_created",
        "api_token",
        Some(id.0),
        &ip,
        json!({ "access": access, "expires_in_days": expires_in_days }),
    )
    .await?;
    tx.commit().await?;
    // Shown this once; only its hash is kept.
    Ok(page(&tenant, &admin, ctx, Some(token), None)
        .await?
        .into_response())
}

pub async fn revoke_token(
    tenant: Tenant,
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    PathId(id): PathId<TokenId>,
) -> Result<Redirect> {
    let mut tx = tenant.begin().await?;
    if !queries::revoke_token(&mut tx, admin.street_id, id).await? {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut tx,
        "api_token_revoked",
        "api_token",
        Some(id.0),
        &rctx.ip.to_string(),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(links::api::API_TOKENS))
}
