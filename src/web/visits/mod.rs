//! Visits (走访记录), comments and follow-ups: logged by volunteers on a phone for their paired
//! children, and by staff for any child in scope.

pub mod db;
mod follow_ups;
pub mod forms;
mod handlers;
mod phone;
mod view;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v/children/{id}", get(phone::child_card))
        .route("/v/children/{id}/visit", get(phone::visit_form))
        .route("/v/children/{id}/credits", post(phone::credit_duty))
        .route("/v/visits", post(phone::log_visit))
        .route("/v/hours", get(phone::my_hours))
        .route("/children/{id}/visits/new", get(handlers::visit_form))
        .route("/children/{id}/visits", post(handlers::log_visit))
        .route("/follow-ups", get(follow_ups::list_follow_ups))
        .route("/follow-ups/{id}/close", post(follow_ups::close_follow_up))
}
