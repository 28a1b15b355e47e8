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
pub mod retention;
pub mod streets;
pub mod telemetry;
pub mod web;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::response::Response;
use axum::routing::post;
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::auth::throttle::Throttle;
use crate::domain::crypto::DataKey;
use crate::error::AppError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// Requests' way into the database (as the app role; see `auth::tenant`).
    pub requests: auth::RequestPool,
    /// Mark cookies `Secure` (HTTPS).
    pub secure_cookies: bool,
    /// Password and code guessing, per address and login.
    pub throttle: Arc<Throttle>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<Vec<auth::request::IpNet>>,
    /// Encrypts and hashes ID numbers; never stored in the database.
    pub data_key: Arc<DataKey>,
    /// Uploaded files (activity photos) live below this folder.
    pub data_dir: Arc<std::path::PathBuf>,
    /// When set, `/metrics` answers only `Authorization: Bearer <token>`.
    pub metrics_token: Option<Arc<String>>,
    /// Street-wide figures that may be a minute old (dashboards, registration rates).
    pub cache: Arc<cache::TtlCache>,
    /// How long a request body may take.
    pub body_timeouts: web::guard::BodyTimeouts,
}

impl AppState {
    pub fn new(requests: auth::RequestPool, secure_cookies: bool, data_key: DataKey) -> AppState {
        AppState {
            requests,
            secure_cookies,
            throttle: Arc::new(Throttle::default()),
            trusted_proxies: Arc::new(Vec::new()),
            data_key: Arc::new(data_key),
            data_dir: Arc::new(std::path::PathBuf::from("data")),
            metrics_token: None,
            cache: Arc::new(cache::TtlCache::new(std::time::Duration::from_secs(60))),
            body_timeouts: web::guard::BodyTimeouts::default(),
        }
    }

    pub fn with_trusted_proxies(mut self, proxies: Vec<auth::request::IpNet>) -> AppState {
        self.trusted_proxies = Arc::new(proxies);
        self
    }

    pub fn with_body_timeouts(mut self, timeouts: web::guard::BodyTimeouts) -> AppState {
        self.body_timeouts = timeouts;
        self
    }

    /// How long dashboards and registration rates are kept (0: not at all).
    pub fn with_cache_seconds(mut self, seconds: u64) -> AppState {
        self.cache = Arc::new(cache::TtlCache::new(std::time::Duration::from_secs(
            seconds,
        )));
        self
    }

    pub fn with_metrics_token(mut self, token: Option<String>) -> AppState {
        self.metrics_token = token.filter(|t| !t.is_empty()).map(Arc::new);
        self
    }

    pub fn with_data_dir(mut self, dir: std::path::PathBuf) -> AppState {
        self.data_dir = Arc::new(dir);
        self
    }
}

impl axum::extract::FromRef<AppState> for auth::RequestPool {
    fn from_ref(state: &AppState) -> auth::RequestPool {
        state.requests.clone()
    }
}

/// The whole application as one router, so tests can drive it without a socket.
pub fn app(state: AppState) -> Router {
    let pages = Router::new()
        .route(
            "/login",
            axum::routing::get(auth::handlers::login_form).post(auth::handlers::login),
        )
        .route("/logout", post(auth::handlers::logout))
        .route(
            "/password",
            axum::routing::get(auth::handlers::password_form).post(auth::handlers::change_password),
        )
        .route("/locale", post(auth::handlers::set_locale))
        .merge(web::home::router())
        .merge(web::communities::router())
        .merge(web::children::router())
        .merge(web::volunteers::router())
        .merge(web::pairings::router())
        .merge(web::visits::router())
        .merge(web::activities::router())
        .merge(web::reports::router())
        .merge(web::spreadsheets::router())
        .merge(web::api::router())
        .merge(web::users::router())
        .merge(web::audit_log::router())
        .merge(web::account::router())
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
        .route("/metrics", axum::routing::get(metrics::endpoint))
        .layer(axum::middleware::from_fn_with_state(
            state.body_timeouts,
            web::guard::body_deadline,
        ))
        .layer(axum::middleware::from_fn(metrics::track))
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
