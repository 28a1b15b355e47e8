//! One-to-one pairings (结对帮扶) of a volunteer with a child, and the five-duty grid.

pub mod db;
pub mod handlers;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/pairings",
            get(handlers::list_pairings).post(handlers::create_pairing),
        )
        .route("/pairings/new", get(handlers::new_pairing_form))
        .route("/pairings/duties", get(handlers::duty_grid))
        .route("/pairings/{id}/end", post(handlers::end_pairing))
        .route(
            "/settings",
            get(handlers::settings_form).post(handlers::update_settings),
        )
}
