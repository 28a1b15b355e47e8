//! The JSON API: token scope, revocation, read-only tokens, exactly-once visits, the OpenAPI
//! document.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Fixture, PASSWORD, TestClient};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use sqlx::PgPool;
use tower::ServiceExt;
use uuid::Uuid;

async fn call(
    app: &axum::Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string()))
            .unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    let mut req = req;
    req.extensions_mut().insert(axum::extract::ConnectInfo(
        "127.0.0.1:9".parse::<std::net::SocketAddr>().unwrap(),
    ));
    let response = app.clone().oneshot(req).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn app(pool: &PgPool) -> axum::Router {
    shouhu::app(common::test_state(pool, false))
}

#[sqlx::test]
async fn a_token_reads_its_street_and_nothing_else(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let app = app(&pool);
    let (status, body) = call(
        &app,
        "GET",
        "/api/v1/children",
        Some(&f.a.token_secret),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec![f.a.child_name.as_str()]);
    // The list's completeness (set-based over the street) agrees with child_missing().
    let complete: bool =
        sqlx::query_scalar("SELECT cardinality(child_missing(c)) = 0 FROM child c WHERE c.id = $1")
            .bind(f.a.child)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(!complete, "the fixture child's file lacks its ID number");
    assert_eq!(body[0]["complete"].as_bool(), Some(complete));
    assert!(
        !body.to_string().contains("id_number"),
        "no ID numbers through the API"
    );
    let (status, body) = call(
        &app,
        "GET",
        &format!("/api/v1/children/{}", f.b.child),
        Some(&f.a.token_secret),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    let (status, _) = call(
        &app,
        "GET",
        &format!("/api/v1/visits?child_id={}", f.b.child),
        Some(&f.a.token_secret),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A forged token naming street B with A's secret is nobody.
    let (status, body) = call(
        &app,
        "GET",
        "/api/v1/children",
        Some("shouhu_garbage"),
        None,
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
}

#[sqlx::test]
async fn tokens_are_created_once_read_only_or_read_write_and_revoked(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut admin = TestClient::new(&pool);
    admin.login(&f.a.admin_login, PASSWORD).await;
    admin.get("/api-tokens").await;
    let page = admin
        .post("/api-tokens", &[("name", "民政系统"), ("access", "read")])
        .await;
    let token = page.text("#token-value");
    assert!(token.starts_with("shouhu_"));
    assert!(
        !admin.get("/api-tokens").await.body.contains(&token),
        "shown once"
    );
    let stored: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT token_hash FROM api_token WHERE name = '民政系统'")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(
        stored[0].len() == 32
            && !token
                .as_bytes()
                .windows(32)
                .any(|w| w == stored[0].as_slice()),
        "stored hashed"
    );
    let app = admin.app.clone();
    assert_eq!(
        call(&app, "GET", "/api/v1/children", Some(&token), None)
            .await
            .0,
        StatusCode::OK
    );
    let visit = json!({ "id": Uuid::now_v7(), "child_id": f.a.child, "kind": "talk", "visited_on": "2026-11-01" });
    let (status, body) = call(&app, "POST", "/api/v1/visits", Some(&token), Some(visit)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("read_only"))
    );
    let id: Uuid = sqlx::query_scalar("SELECT id FROM api_token WHERE name = '民政系统'")
        .fetch_one(&pool)
        .await
        .unwrap();
    admin.post(&format!("/api-tokens/{id}/revoke"), &[]).await;
    assert_eq!(
        call(&app, "GET", "/api/v1/children", Some(&token), None)
            .await
            .0,
        StatusCode::UNAUTHORIZED,
        "revoked"
    );
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_event WHERE action LIKE 'api_token%' ORDER BY seq",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(audited, vec!["api_token_created", "api_token_revoked"]);
}

#[sqlx::test]
async fn the_same_visit_sent_three_times_at_once_and_again_is_one_visit(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let app = app(&pool);
    let id = Uuid::now_v7();
    let visit = json!({ "id": id, "child_id": f.a.child, "kind": "home_visit", "visited_on": "2026-11-20", "duration_minutes": 40, "mood": 4, "notes": "离线记录" });
    let (a, b, c) = tokio::join!(
        call(
            &app,
            "POST",
            "/api/v1/visits",
            Some(&f.a.token_secret),
            Some(visit.clone())
        ),
        call(
            &app,
            "POST",
            "/api/v1/visits",
            Some(&f.a.token_secret),
            Some(visit.clone())
        ),
        call(
            &app,
            "POST",
            "/api/v1/visits",
            Some(&f.a.token_secret),
            Some(visit.clone())
        ),
    );
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let later = call(
        &app,
        "POST",
        "/api/v1/visits",
        Some(&f.a.token_secret),
        Some(visit.clone()),
    )
    .await;
    let answers = [&a, &b, &c, &later];
    assert_eq!(
        answers
            .iter()
            .filter(|(s, _)| *s == StatusCode::CREATED)
            .count(),
        1,
        "{answers:?}"
    );
    assert!(
        answers
            .iter()
            .all(|(s, _)| *s == StatusCode::CREATED || *s == StatusCode::OK)
    );
    assert!(
        answers.iter().all(|(_, body)| *body == a.1),
        "every answer carries the same visit"
    );
    assert_eq!(a.1["id"], json!(id));
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM visit WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, 1);
}

#[sqlx::test]
async fn volunteers_use_the_api_in_their_own_scope(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut volunteer = TestClient::new(&pool);
    volunteer.login(&f.a.volunteer_login, PASSWORD).await;
    let r = volunteer.get("/api/v1/children").await;
    let body: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(body.as_array().unwrap().len(), 1);
    assert!(
        body[0].get("community").is_none(),
        "only what a volunteer needs"
    );
    // A write from the browser needs the CSRF header.
    let visit = json!({ "id": Uuid::now_v7(), "child_id": f.a.child, "kind": "letter", "visited_on": "2026-11-21" });
    let req = Request::post("/api/v1/visits")
        .header("content-type", "application/json")
        .body(Body::from(visit.to_string()))
        .unwrap();
    assert_eq!(volunteer.request(req).await.status, StatusCode::FORBIDDEN);
    let req = Request::post("/api/v1/visits")
        .header("content-type", "application/json")
        .header("x-csrf-token", volunteer.csrf.clone().unwrap())
        .body(Body::from(visit.to_string()))
        .unwrap();
    assert_eq!(volunteer.request(req).await.status, StatusCode::CREATED);
    // After the pairing ended, a visit dated later is refused with its reason.
    sqlx::query("UPDATE pairing SET ended_on = '2026-11-22', end_reason = '搬家' WHERE id = $1")
        .bind(f.a.pairing)
        .execute(&pool)
        .await
        .unwrap();
    let late = json!({ "id": Uuid::now_v7(), "child_id": f.a.child, "kind": "talk", "visited_on": "2026-11-25" });
    let req = Request::post("/api/v1/visits")
        .header("content-type", "application/json")
        .header("x-csrf-token", volunteer.csrf.clone().unwrap())
        .body(Body::from(late.to_string()))
        .unwrap();
    let r = volunteer.request(req).await;
    let body: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        (r.status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("pairing_ended"))
    );
}

/// What the phone's offline queue sends: a visit with a follow-up, checked like the form.
#[sqlx::test]
async fn a_queued_visit_keeps_its_follow_up_and_is_checked_like_the_form(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut volunteer = TestClient::new(&pool);
    volunteer.login(&f.a.volunteer_login, PASSWORD).await;
    let csrf = volunteer.csrf.clone().unwrap();
    let mut post = async |visit: Value| {
        let req = Request::post("/api/v1/visits")
            .header("content-type", "application/json")
            .header("x-csrf-token", csrf.clone())
            .body(Body::from(visit.to_string()))
            .unwrap();
        let r = volunteer.request(req).await;
        let body: Value = serde_json::from_str(&r.body).unwrap();
        (r.status, body)
    };
    let id = Uuid::now_v7();
    // A follow-up is due on a day still ahead.
    let due = (shouhu::domain::semester::today_in_china() + chrono::Duration::days(14)).to_string();
    let visit = json!({ "id": id, "child_id": f.a.child, "kind": "home_visit", "visited_on": "2026-11-21",
        "duration_minutes": 45, "study": 4, "notes": "作业都写完了",
        "follow_up": "帮忙联系眼科检查", "follow_up_due": due });
    assert_eq!(post(visit.clone()).await.0, StatusCode::CREATED);
    assert_eq!(post(visit).await.0, StatusCode::OK);
    let follow_ups: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM follow_up WHERE visit_id = $1 AND description = '帮忙联系眼科检查'",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        follow_ups, 1,
        "one follow-up, however often the visit is sent"
    );
    // Dated before the pairing began (2026-09-01): refused with its own code.
    let (status, body) = post(
        json!({ "id": Uuid::now_v7(), "child_id": f.a.child, "kind": "talk",
        "visited_on": "2026-08-20" }),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("before_pairing"))
    );
    // Also covering a child who is not the volunteer's (street B's): 404, and nothing written.
    let id = Uuid::now_v7();
    let (status, _) = post(json!({ "id": id, "child_id": f.a.child, "kind": "talk",
        "visited_on": "2026-11-21", "also_for": [f.b.child] }))
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let written: i64 = sqlx::query_scalar("SELECT count(*) FROM visit WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(written, 0);
}

#[sqlx::test]
async fn the_openapi_document_is_valid_and_complete(pool: PgPool) {
    let app = app(&pool);
    let (status, doc) = call(&app, "GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let parsed: openapiv3::OpenAPI =
        serde_json::from_value(doc.clone()).expect("a valid OpenAPI 3 document");
    assert!(parsed.openapi.starts_with("3.0"));
    // Every /api/v1 route of the app is described, and every $ref resolves.
    let source =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/api/mod.rs"))
            .unwrap();
    let routes: Vec<&str> = source
        .split(".route(")
        .skip(1)
        .filter_map(|p| p.trim_start().strip_prefix('"'))
        .map(|p| p.split('"').next().unwrap())
        .filter(|r| r.starts_with("/api/v1/") && !r.ends_with("openapi.json"))
        .collect();
    // A router written another way would leave this test checking nothing.
    assert!(
        routes.contains(&"/api/v1/children") && routes.contains(&"/api/v1/visits"),
        "the routes were not found in src/web/api/mod.rs (found {routes:?})"
    );
    for route in routes {
        assert!(
            parsed.paths.paths.contains_key(route),
            "{route} is not documented"
        );
    }
    let text = doc.to_string();
    for reference in text
        .split("\"$ref\":\"#/components/")
        .skip(1)
        .map(|r| r.split('"').next().unwrap())
    {
        let (kind, name) = reference.split_once('/').unwrap();
        assert!(
            doc["components"][kind][name].is_object(),
            "dangling $ref {reference}"
        );
    }
}

#[sqlx::test]
async fn pairings_activities_and_reports_in_scope(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let app = app(&pool);
    let (status, pairings) = call(
        &app,
        "GET",
        "/api/v1/pairings",
        Some(&f.a.token_secret),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(pairings.as_array().unwrap().len(), 1);
    assert_eq!(pairings[0]["child_id"], json!(f.a.child));
    let (status, activities) = call(
        &app,
        "GET",
        "/api/v1/activities?from=2026-11-01&to=2026-11-30",
        Some(&f.a.token_secret),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(activities.as_array().unwrap().len(), 1);
    assert_eq!(activities[0]["id"], json!(f.a.activity));
    let (status, body) = call(
        &app,
        "GET",
        "/api/v1/activities?from=2026-11-30&to=2026-11-01",
        Some(&f.a.token_secret),
        None,
    )
    .await;
    // A range that ends before it starts is schema-valid: it holds nothing.
    assert_eq!((status, body), (StatusCode::OK, json!([])));
    let (status, reports) = call(
        &app,
        "GET",
        "/api/v1/reports?period=2026-Q4",
        Some(&f.a.token_secret),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        reports.as_array().unwrap().len(),
        2,
        "both communities of street A"
    );
    assert!(reports[0]["figures"]["children"].is_number());
    assert!(!reports.to_string().contains("SECRETb"));
    let (status, _) = call(
        &app,
        "GET",
        "/api/v1/reports?period=2026-Q9",
        Some(&f.a.token_secret),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Street B's token sees none of A's.
    let (_, b_pairings) = call(
        &app,
        "GET",
        "/api/v1/pairings",
        Some(&f.b.token_secret),
        None,
    )
    .await;
    assert!(!b_pairings.to_string().contains(&f.a.child.to_string()));
}
