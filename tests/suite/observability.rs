//! `/metrics` in Prometheus text: requests and latency by matched route and status, the pool.

use crate::common;

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

/// Found by drill F1: a NUL character reached Postgres and came back as a 500.
#[sqlx::test]
async fn a_nul_character_is_refused_with_a_message_and_nothing_is_written(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut admin = TestClient::new(&pool);
    admin.login(&f.a.admin_login, PASSWORD).await;
    admin.get("/api-tokens").await;
    let r = admin
        .post("/api-tokens", &[("name", "a\0b"), ("access", "read")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("<h1"), "an error page with a message");
    let tokens: i64 = sqlx::query_scalar("SELECT count(*) FROM api_token WHERE street_id = $1")
        .bind(f.a.id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(tokens, 1, "only the fixture's token");
    let req = axum::http::Request::post("/api/v1/visits")
        .header("content-type", "application/json")
        .header("x-csrf-token", admin.csrf.clone().unwrap())
        .body(axum::body::Body::from(format!(
            r#"{{"id":"{}","child_id":"{}","kind":"talk","visited_on":"2026-11-20","notes":"a\u0000b"}}"#,
            uuid::Uuid::now_v7(),
            f.a.child
        )))
        .unwrap();
    let r = admin.request(req).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("\"code\":\"invalid\""), "{}", r.body);
}

/// Found by drill F1: form decoding turned broken bytes into U+FFFD and saved them.
#[sqlx::test]
async fn broken_utf8_is_refused_and_nothing_is_written(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut admin = TestClient::new(&pool);
    admin.login(&f.a.admin_login, PASSWORD).await;
    admin.get("/communities").await;
    let csrf = admin.csrf.clone().unwrap();
    for body in [
        format!("name=%FF%FE%C3%28&csrf={csrf}").into_bytes(),
        [b"name=\xff\xfe&csrf=".as_slice(), csrf.as_bytes()].concat(),
    ] {
        let req = axum::http::Request::post("/communities")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(body))
            .unwrap();
        assert_eq!(admin.request(req).await.status, StatusCode::BAD_REQUEST);
    }
    let communities: i64 =
        sqlx::query_scalar("SELECT count(*) FROM community WHERE street_id = $1")
            .bind(f.a.id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(communities, 2, "only the fixture's");
}
