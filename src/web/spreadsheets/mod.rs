//! Spreadsheets in and out: the roster template, importing children with their guardians
//! (preview first, then all rows or none), and exports of the children list, volunteers and the
//! duty grid. Every export is audited.

mod cells;
mod children;
pub mod columns;
pub mod db;
pub mod export;
pub mod forms;
pub mod handlers;
pub mod import_db;
pub mod layout;
pub mod read;
mod read_xls;
mod read_xlsx;
pub mod view;
mod volunteers;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/children/template.xlsx", get(export::template))
        .route("/children/export.xlsx", get(export::export_children))
        .route("/volunteers/export.xlsx", get(export::export_volunteers))
        .route("/pairings/duties/export.xlsx", get(export::export_duties))
        .route(
            "/children/import",
            get(handlers::import_children_form)
                .post(handlers::upload_children)
                .layer(DefaultBodyLimit::max(read::MAX_BYTES + 64 * 1024)),
        )
        .route(
            "/children/import/{id}",
            get(handlers::preview).post(handlers::confirm),
        )
        .route(
            "/children/import/{id}/mapping",
            post(handlers::save_mapping),
        )
        .route(
            "/volunteers/import",
            get(handlers::import_volunteers_form)
                .post(handlers::upload_volunteers)
                .layer(DefaultBodyLimit::max(read::MAX_BYTES + 64 * 1024)),
        )
        .route(
            "/volunteers/import/{id}",
            get(handlers::preview).post(handlers::confirm),
        )
        .route(
            "/volunteers/import/{id}/mapping",
            post(handlers::save_mapping),
        )
}
