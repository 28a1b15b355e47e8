//! Communities (社区) and their grids (网格).

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
            "/communities",
            get(handlers::list_communities).post(handlers::create_community),
        )
        .route("/communities/{id}", get(handlers::show_community))
        .route("/communities/{id}/grids", post(handlers::create_grid))
}
