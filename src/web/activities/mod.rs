//! Activities (活动), attendance and person-times (人次), duty credits, and the summary with
//! photos. Aid recorded for an activity's children is the aid resource.

mod attendance;
pub mod db;
mod forms;
mod handlers;
pub mod photos;
pub mod view;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/activities",
            get(handlers::list_activities).post(handlers::create_activity),
        )
        .route("/activities/new", get(handlers::new_activity_form))
        .route(
            "/activities/{id}",
            get(handlers::show_activity).post(handlers::update_activity),
        )
        .route("/activities/{id}/edit", get(handlers::edit_activity_form))
        .route("/activities/{id}/cancel", post(handlers::cancel_activity))
        .route("/activities/{id}/summary", post(handlers::save_summary))
        .route(
            "/activities/{id}/attendance",
            get(attendance::attendance_form).post(attendance::save_attendance),
        )
        .route("/activities/{id}/walk-in", post(attendance::add_walk_in))
        .route("/activities/{id}/credits", post(attendance::credit_duty))
        // Photos up to 5 MB each, plus the form around them.
        .route(
            "/activities/{id}/photos",
            post(photos::upload_photo).layer(DefaultBodyLimit::max(photos::MAX_BYTES + 64 * 1024)),
        )
        .route("/photos/{id}", get(photos::photo))
        .route("/photos/{id}/thumb", get(photos::thumbnail))
}
