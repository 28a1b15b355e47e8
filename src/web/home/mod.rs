//! The home page of each role.

mod db;
mod handlers;
mod view;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(handlers::home))
}
