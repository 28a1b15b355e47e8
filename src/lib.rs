//! Shouhu (守护): care programmes for left-behind children, for street offices and communities.

pub mod audit;
pub mod auth;
pub mod cache;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod links;
pub mod metrics;
pub mod records;
pub mod retention;
pub mod state;
pub mod streets;
pub mod telemetry;
pub mod web;

use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::response::Response;
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::error::AppError;
pub use crate::state::AppState;

/// The whole application as one router, so tests can drive it without a socket.
pub fn app(state: AppState) -> Router {
    let pages = Router::new()
        .merge(web::account::router())
        .merge(web::home::router())
        .merge(web::communities::router())
        .merge(web::children::router())
        .merge(web::volunteers::router())
        .merge(web::pairings::router())
        .merge(web::visits::router())
        .merge(web::activities::router())
        .merge(web::aid::router())
        .merge(web::reports::router())
        .merge(web::spreadsheets::router())
        .merge(web::api::router())
        .merge(web::users::router())
        .merge(web::audit_log::router())
        .merge(web::compliance::router())
        .fallback(|| async { AppError::NotFound });

    Router::new()
        .merge(pages)
        .merge(web::assets::router())
        .layer(axum::middleware::from_fn(web::guard::reject_nul))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            web::context::middleware,
        ))
        .merge(web::ops::router())
        .layer(axum::middleware::from_fn_with_state(
            state.body_timeouts,
            web::guard::body_deadline,
        ))
        // Outside every guard, so that their refusals under `/api/` are JSON too.
        .layer(axum::middleware::from_fn(web::api::json_errors))
        .layer(axum::middleware::from_fn(metrics::track))
        // gzip or br when the client accepts it (pages, the API, assets).
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::middleware::map_response(
            |mut response: Response| async move {
                web::context::security_headers(response.headers_mut());
                response
            },
        ))
        .layer(
            // Spans carry method, matched route, status and latency: never the raw path or query
            // (they may hold names), never bodies.
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let route = req
                        .extensions()
                        .get::<MatchedPath>()
                        .map(|p| p.as_str().to_string())
                        .unwrap_or_default();
                    tracing::info_span!("request", method = %req.method(), route = %route)
                })
                .on_request(())
                .on_response(|res: &Response, latency: Duration, _span: &Span| {
                    tracing::info!(
                        status = res.status().as_u16(),
                        latency_ms = latency.as_millis() as u64,
                        "response"
                    );
                }),
        )
        .with_state(state)
}
