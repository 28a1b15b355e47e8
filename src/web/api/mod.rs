//! The JSON API under `/api/v1`: for the web app (session cookie, CSRF header on writes) and for
//! integrations (personal access tokens of a street). Errors are JSON with a stable code.
//! Scope is exactly the pages' scope; out of scope is 404.

mod auth;
mod db;
mod error;
pub use error::json_errors;
mod forms;
mod handlers;
mod openapi;
mod paging;
mod tokens;
mod types;
mod view;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi::document))
        .route("/api/v1/children", get(handlers::list_children))
        .route("/api/v1/children/{id}", get(handlers::get_child))
        .route(
            "/api/v1/visits",
            get(handlers::list_visits).post(handlers::create_visit),
        )
        .route("/api/v1/pairings", get(handlers::list_pairings))
        .route("/api/v1/activities", get(handlers::list_activities))
        .route("/api/v1/reports", get(handlers::list_reports))
        .route(
            "/api-tokens",
            get(tokens::list_tokens).post(tokens::create_token),
        )
        .route("/api-tokens/{id}/revoke", post(tokens::revoke_token))
}
