//! User accounts: a street admin creates staff and volunteer accounts, disables them and
//! resets their passwords.

pub mod db;
mod forms;
mod handlers;
pub mod view;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/users",
            get(handlers::list_users).post(handlers::create_user),
        )
        .route("/users/new", get(handlers::new_user_form))
        .route("/users/{id}/disable", post(handlers::disable_user))
        .route("/users/{id}/enable", post(handlers::enable_user))
        .route("/users/{id}/reset-password", post(handlers::reset_password))
}
