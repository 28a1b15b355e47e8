//! Aid (资助/慰问) to children: one at a time, or the same aid for every child who attended an
//! activity; the year's totals. Money is kept in fen.

mod db;
mod forms;
mod handlers;
mod view;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/children/{id}/aid", post(handlers::record_child_aid))
        .route("/activities/{id}/aid", post(handlers::record_activity_aid))
        .route("/aid", get(handlers::aid_totals))
}
