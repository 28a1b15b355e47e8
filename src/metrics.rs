//! Prometheus metrics at `/metrics`: requests and latency by matched route and status, the
//! database pool (in use, idle, waiting), and the process's resident memory. Routes are the
//! matched patterns (`/children/{id}`), never raw paths, so no name or id reaches a label.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Latency buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

#[derive(Default)]
struct Registry {
    /// (method, route, status) -> requests
    requests: BTreeMap<(String, String, u16), u64>,
    /// (method, route) -> latency
    latency: BTreeMap<(String, String), Histogram>,
}

static REGISTRY: LazyLock<Mutex<Registry>> = LazyLock::new(Mutex::default);

/// Requests waiting for a database connection right now (see `db::begin`).
pub static DB_WAITING: AtomicI64 = AtomicI64::new(0);

pub fn observe(method: &str, route: &str, status: u16, elapsed: Duration) {
    let seconds = elapsed.as_secs_f64();
    let mut r = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
    *r.requests
        .entry((method.to_string(), route.to_string(), status))
        .or_default() += 1;
    let h = r
        .latency
        .entry((method.to_string(), route.to_string()))
        .or_default();
    for (i, bound) in BUCKETS.iter().enumerate() {
        if seconds <= *bound {
            h.counts[i] += 1;
        }
    }
    h.sum += seconds;
    h.count += 1;
}

/// The middleware: times every routed request under its matched path.
pub async fn track(req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let start = Instant::now();
    let response = next.run(req).await;
    observe(&method, &route, response.status().as_u16(), start.elapsed());
    response
}

/// Resident memory of this process, in bytes (Linux).
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The metrics text; `pool` is the request pool's connections open, idle and at most.
pub fn render(pool: (u32, usize, u32)) -> String {
    let mut out = String::new();
    let r = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
    out.push_str(
        "# HELP shouhu_http_requests_total Requests by method, matched route and status.\n",
    );
    out.push_str("# TYPE shouhu_http_requests_total counter\n");
    for ((method, route, status), n) in &r.requests {
        let _ = writeln!(
            out,
            "shouhu_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
            label(method),
            label(route)
        );
    }
    out.push_str(
        "# HELP shouhu_http_request_duration_seconds Latency by method and matched route.\n",
    );
    out.push_str("# TYPE shouhu_http_request_duration_seconds histogram\n");
    for ((method, route), h) in &r.latency {
        let (m, p) = (label(method), label(route));
        for (i, bound) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "shouhu_http_request_duration_seconds_bucket{{method=\"{m}\",route=\"{p}\",le=\"{bound}\"}} {}",
                h.counts[i]
            );
        }
        let _ = writeln!(
            out,
            "shouhu_http_request_duration_seconds_bucket{{method=\"{m}\",route=\"{p}\",le=\"+Inf\"}} {}",
            h.count
        );
        let _ = writeln!(
            out,
            "shouhu_http_request_duration_seconds_sum{{method=\"{m}\",route=\"{p}\"}} {}",
            h.sum
        );
        let _ = writeln!(
            out,
            "shouhu_http_request_duration_seconds_count{{method=\"{m}\",route=\"{p}\"}} {}",
            h.count
        );
    }
    drop(r);
    let (size, idle, max) = pool;
    let (size, idle) = (size as i64, idle as i64);
    out.push_str("# HELP shouhu_db_pool_connections Database connections by state.\n");
    out.push_str("# TYPE shouhu_db_pool_connections gauge\n");
    let _ = writeln!(
        out,
        "shouhu_db_pool_connections{{state=\"in_use\"}} {}",
        size - idle
    );
    let _ = writeln!(out, "shouhu_db_pool_connections{{state=\"idle\"}} {idle}");
    out.push_str("# HELP shouhu_db_pool_max Maximum database connections.\n");
    out.push_str("# TYPE shouhu_db_pool_max gauge\n");
    let _ = writeln!(out, "shouhu_db_pool_max {max}");
    out.push_str("# HELP shouhu_db_pool_waiting Requests waiting for a database connection.\n");
    out.push_str("# TYPE shouhu_db_pool_waiting gauge\n");
    let _ = writeln!(
        out,
        "shouhu_db_pool_waiting {}",
        DB_WAITING.load(Ordering::Relaxed)
    );
    if let Some(rss) = resident_bytes() {
        out.push_str("# HELP process_resident_memory_bytes Resident memory.\n");
        out.push_str("# TYPE process_resident_memory_bytes gauge\n");
        let _ = writeln!(out, "process_resident_memory_bytes {rss}");
    }
    out
}

/// `GET /metrics`. With `SHOUHU_METRICS_TOKEN` set, only `Authorization: Bearer <token>` gets in.
pub async fn endpoint(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(token) = &state.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let ok = given
            .is_some_and(|g| crate::domain::crypto::secrets_match(g.as_bytes(), token.as_bytes()));
        if !ok {
            return StatusCode::NOT_FOUND.into_response();
        }
    }
    let mut response = render(state.requests.stats()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}
