//! `/metrics` in Prometheus text: requests and latency by matched route and status, the pool.

mod common;

use axum::http::StatusCode;
use common::{Fixture, PASSWORD, TestClient};
use sqlx::PgPool;

#[sqlx::test]
async fn metrics_count_requests_by_matched_route_never_by_raw_path(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = TestClient::new(&pool);
    staff.login(&f.a.staff_login, PASSWORD).await;
    for _ in 0..3 {
        staff.get(&format!("/children/{}", f.a.child)).await;
    }
    staff.get("/no/such/page").await;
    let mut anyone = TestClient::new(&pool);
    let r = anyone.get("/metrics").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("text/plain; version=0.0.4"))
    );
    let line = r
        .body
        .lines()
        .find(|l| {
            l.starts_with(
                "shouhu_http_requests_total{method=\"GET\",route=\"/children/{id}\",status=\"200\"}",
            )
        })
        .expect("the child page is counted under its pattern");
    let n: u64 = line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(n >= 3, "{line}");
    assert!(r.body.contains("shouhu_http_request_duration_seconds_bucket{method=\"GET\",route=\"/children/{id}\",le=\"+Inf\"}"));
    assert!(r.body.contains("route=\"unmatched\",status=\"404\""));
    assert!(!r.body.contains(&f.a.child.to_string()), "no ids in labels");
    assert!(
        r.body
            .contains("shouhu_db_pool_connections{state=\"in_use\"}")
    );
    assert!(r.body.contains("shouhu_db_pool_waiting "));
    assert!(r.body.contains("process_resident_memory_bytes "));
}

#[sqlx::test]
async fn a_metrics_token_closes_the_endpoint_to_everyone_else(pool: PgPool) {
    let state = common::test_state(&pool, false).with_metrics_token(Some("s3cret-token".into()));
    let mut client = TestClient::with_app(shouhu::app(state));
    assert_eq!(client.get("/metrics").await.status, StatusCode::NOT_FOUND);
    let req = axum::http::Request::get("/metrics")
        .header("authorization", "Bearer s3cret-token")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(client.request(req).await.status, StatusCode::OK);
    let req = axum::http::Request::get("/metrics")
        .header("authorization", "Bearer s3cret-tokeX")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(client.request(req).await.status, StatusCode::NOT_FOUND);
}
