//! Volunteers (志愿者): registration by staff, the safeguarding checklist, logins, hours.

pub mod db;
mod forms;
mod handlers;
mod view;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/volunteers",
            get(handlers::list_volunteers).post(handlers::create_volunteer),
        )
        .route("/volunteers/new", get(handlers::new_volunteer_form))
        .route(
            "/volunteers/{id}",
            get(handlers::show_volunteer).post(handlers::update_volunteer),
        )
        .route("/volunteers/{id}/account", post(handlers::create_account))
        .route(
            "/conduct",
            get(handlers::conduct_page).post(handlers::accept_conduct),
        )
}
