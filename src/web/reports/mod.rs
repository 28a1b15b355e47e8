//! Quarterly reports (季度报告): drafted from the records, submitted by staff, returned or
//! approved (frozen) by the street admin; the street's side-by-side view, the annual
//! evaluation, the data-quality view, exports and printing.

pub mod db;
mod export;
pub mod figures;
mod forms;
mod handlers;
mod overview;
pub mod street;
mod view;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports", get(overview::reports_overview))
        .route("/reports/export.xlsx", get(export::export_street))
        .route(
            "/reports/evaluation",
            get(street::evaluation).post(street::save_weights),
        )
        .route("/reports/{community}/{period}", get(handlers::show_report))
        .route(
            "/reports/{community}/{period}/narrative",
            post(handlers::save_narrative),
        )
        .route(
            "/reports/{community}/{period}/transition",
            post(handlers::transition),
        )
        .route(
            "/reports/{community}/{period}/export.xlsx",
            get(export::export_report),
        )
        .route("/quality", get(street::data_quality))
}
