//! The audit viewer of a street admin: every event of the street, filtered by user, child,
//! action and date range, 50 a page, exported to .xlsx; and whether the hash chain is intact.

pub mod db;
pub mod forms;
pub mod handlers;
pub mod view;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/audit", get(handlers::audit_page))
        .route("/audit/export.xlsx", get(handlers::export_audit))
}
