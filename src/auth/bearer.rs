//! Personal access tokens as they arrive: the `Authorization: Bearer` header and the token's
//! street and secret hash. Issuing and listing tokens is the API's token pages.

use axum::http::header;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::domain::ids::StreetId;

pub const TOKEN_PREFIX: &str = "shouhu_";

/// The bearer token of a request, if it carries one.
pub fn bearer_token(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The street and secret hash a token names.
pub fn parse_token(token: &str) -> Option<(StreetId, Vec<u8>)> {
    let raw = URL_SAFE_NO_PAD
        .decode(token.strip_prefix(TOKEN_PREFIX)?)
        .ok()?;
    if raw.len() != 48 {
        return None;
    }
    Some((
        StreetId(Uuid::from_slice(&raw[..16]).ok()?),
        Sha256::digest(&raw[16..]).to_vec(),
    ))
}
