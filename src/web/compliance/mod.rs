//! The annual compliance export (PIPL Art. 54 audits; the 2019 CAC provisions on children's
//! personal information): for one year, files held, consents given and withdrawn, file views,
//! ID-number reveals, exports, anonymisations and the accounts with access by role, in one
//! .xlsx. Street admins only; the export itself is audited.

pub mod db;
pub mod forms;
pub mod handlers;
pub mod view;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/compliance", get(handlers::compliance_page))
        .route("/compliance/export.xlsx", get(handlers::export_compliance))
}
