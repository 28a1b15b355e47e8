//! One-to-one pairings (结对帮扶) of a volunteer with a child, the five-duty grid, and the
//! street's settings (the caseload cap among them).

pub mod db;
mod forms;
mod handlers;
mod settings;
mod view;

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
            get(settings::settings_form).post(settings::update_settings),
        )
}
