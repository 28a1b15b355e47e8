//! Prometheus metrics at `/metrics`: requests and latency by matched route and status, the
//! database pool (in use, idle, waiting), and the process's resident memory. Routes are the
//! matched patterns (`/children/{id}`), never raw paths, so no name or id reaches a label. The
//! metrics and their text format are the `prometheus` crate's.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use prometheus::core::Collector;
use prometheus::{
    HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};

/// Latency buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// What every request adds to; the gauges are read when `/metrics` is asked for.
struct Requests {
    registry: Registry,
    /// method, route, status
    requests: IntCounterVec,
    /// method, route
    latency: HistogramVec,
}

static REQUESTS: LazyLock<Requests> = LazyLock::new(|| {
    let requests = IntCounterVec::new(
        Opts::new(
            "shouhu_http_requests_total",
            "Requests by method, matched route and status.",
        ),
        &["method", "route", "status"],
    )
    .expect("a valid counter");
    let latency = HistogramVec::new(
        HistogramOpts::new(
            "shouhu_http_request_duration_seconds",
            "Latency by method and matched route.",
        )
        .buckets(BUCKETS.to_vec()),
        &["method", "route"],
    )
    .expect("a valid histogram");
    let registry = Registry::new();
    registry
        .register(Box::new(requests.clone()))
        .expect("registered once");
    registry
        .register(Box::new(latency.clone()))
        .expect("registered once");
    Requests {
        registry,
        requests,
        latency,
    }
});

/// Requests waiting for a database connection right now (see `db::begin`).
pub static DB_WAITING: AtomicI64 = AtomicI64::new(0);

pub fn observe(method: &str, route: &str, status: u16, elapsed: Duration) {
    let r = &*REQUESTS;
    r.requests
        .with_label_values(&[method, route, &status.to_string()])
        .inc();
    r.latency
        .with_label_values(&[method, route])
        .observe(elapsed.as_secs_f64());
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

/// A gauge read now, with its value.
fn gauge(name: &str, help: &str, value: i64) -> Vec<prometheus::proto::MetricFamily> {
    let g = IntGauge::new(name, help).expect("a valid gauge");
    g.set(value);
    g.collect()
}

/// The metrics text; `pool` is the request pool's connections open, idle and at most.
pub fn render(pool: (u32, usize, u32)) -> String {
    let mut families = REQUESTS.registry.gather();
    // The pool's gauges are read from the pool this request's app serves (tests run many).
    let (size, idle, max) = pool;
    let (size, idle) = (size as i64, idle as i64);
    let connections = IntGaugeVec::new(
        Opts::new(
            "shouhu_db_pool_connections",
            "Database connections by state.",
        ),
        &["state"],
    )
    .expect("a valid gauge");
    connections.with_label_values(&["in_use"]).set(size - idle);
    connections.with_label_values(&["idle"]).set(idle);
    families.extend(connections.collect());
    families.extend(gauge(
        "shouhu_db_pool_max",
        "Maximum database connections.",
        max as i64,
    ));
    families.extend(gauge(
        "shouhu_db_pool_waiting",
        "Requests waiting for a database connection.",
        DB_WAITING.load(Ordering::Relaxed),
    ));
    if let Some(rss) = resident_bytes() {
        families.extend(gauge(
            "process_resident_memory_bytes",
            "Resident memory.",
            rss as i64,
        ));
    }
    TextEncoder::new()
        .encode_to_string(&families)
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "metrics could not be encoded");
            String::new()
        })
}
