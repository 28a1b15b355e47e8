//! Paths of the API's pages: access tokens and the OpenAPI document.

use crate::domain::ids::TokenId;

pub const API_TOKENS: &str = "/api-tokens";
pub const OPENAPI: &str = "/api/v1/openapi.json";

pub fn revoke_token(id: impl Into<TokenId>) -> String {
    let id = id.into();
    format!("/api-tokens/{id}/revoke")
}
