//! What every handler can reach: the request pool, the keys, the limits and the caches.

use std::sync::Arc;

use crate::auth;
use crate::auth::throttle::Throttle;
use crate::cache;
use crate::domain::crypto::DataKey;
use crate::web;

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
