//! The API's contract off the happy path: every error is the JSON envelope, a token is judged
//! alone, one visit id is one visit under a race, one date rule on every path, paging, and
//! compressed answers.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Fixture, PASSWORD, TestClient};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use sqlx::PgPool;
use tower::ServiceExt;
use uuid::Uuid;

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Value,
}

async fn send(app: &axum::Router, req: Request<Body>) -> Answer {
    let mut req = req;
    req.extensions_mut().insert(axum::extract::ConnectInfo(
        "127.0.0.1:9".parse::<std::net::SocketAddr>().unwrap(),
    ));
    let response = app.clone().oneshot(req).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    }
}

fn with_token(method: &str, path: &str, token: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
}

fn post_visit(token: &str, visit: &Value) -> Request<Body> {
    with_token("POST", "/api/v1/visits", token)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(visit.to_string()))
        .unwrap()
}

fn today() -> chrono::NaiveDate {
    shouhu::domain::semester::today_in_china()
}

#[sqlx::test]
async fn every_error_under_the_api_is_the_json_envelope(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let app = shouhu::app(common::test_state(&pool, false));
    let token = f.a.token_secret.as_str();
    let get = |path: &str| with_token("GET", path, token).body(Body::empty()).unwrap();
    let cases: Vec<(Request<Body>, StatusCode)> = vec![
        (
            get("/api/v1/activities?to=null&to=null"),
            StatusCode::BAD_REQUEST,
        ),
        (
            get("/api/v1/reports?period=null&period=null"),
            StatusCode::BAD_REQUEST,
        ),
        (get("/api/v1/visits"), StatusCode::BAD_REQUEST),
        (get("/api/v1/children/null%2Cnull"), StatusCode::NOT_FOUND),
        (get("/api/v1/children/abc"), StatusCode::NOT_FOUND),
        (get("/api/v1/nope"), StatusCode::NOT_FOUND),
        (get("/api/v2/children"), StatusCode::NOT_FOUND),
        (get("/api/v1/children?limit=0"), StatusCode::BAD_REQUEST),
        (get("/api/v1/children?cursor=x"), StatusCode::BAD_REQUEST),
        (
            with_token("DELETE", "/api/v1/children", token)
                .body(Body::empty())
                .unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            with_token("POST", "/api/v1/visits", token)
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from("hello"))
                .unwrap(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            post_visit(token, &json!({ "id": Uuid::now_v7(), "kind": "talk" })),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            post_visit(
                token,
                &json!({ "id": Uuid::now_v7(), "child_id": f.a.child,
                "kind": "talk", "visited_on": today().to_string(), "colour": "red" }),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Request::get("/api/v1/children")
                .body(Body::empty())
                .unwrap(),
            StatusCode::UNAUTHORIZED,
        ),
    ];
    for (req, status) in cases {
        let what = format!("{} {}", req.method(), req.uri());
        let a = send(&app, req).await;
        assert_eq!(a.status, status, "{what}: {:?}", a.body);
        assert_eq!(
            a.headers.get(header::CONTENT_TYPE).unwrap(),
            "application/json",
            "{what}"
        );
        assert!(
            a.body["error"]["code"].is_string() && a.body["error"]["message"].is_string(),
            "{what}: {:?}",
            a.body
        );
    }
    // A write with a session cookie and no CSRF header: refused, in the envelope.
    let mut staff = TestClient::new(&pool);
    staff.login(&f.a.staff_login, PASSWORD).await;
    let req = Request::post("/api/v1/visits")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .unwrap();
    let r = staff.request(req).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let body: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(body["error"]["code"], "forbidden");
    // Pages outside the API keep their HTML error pages.
    let r = staff.get("/nope").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("<html"));
}

/// A request that carries a token is judged by the token alone: a session cookie sent beside
/// it (here, another user's, without a CSRF header) changes nothing.
#[sqlx::test]
async fn a_token_write_beside_a_session_cookie_is_judged_by_the_token(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut volunteer = TestClient::new(&pool);
    volunteer.login(&f.a.volunteer_login, PASSWORD).await;
    let visit = json!({ "id": Uuid::now_v7(), "child_id": f.a.child, "kind": "talk",
        "visited_on": today().to_string() });
    let req = post_visit(&f.a.token_secret, &visit);
    let r = volunteer.request(req).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let author: Uuid = sqlx::query_scalar("SELECT author_id FROM visit WHERE id = $1")
        .bind(visit["id"].as_str().unwrap().parse::<Uuid>().unwrap())
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(author, f.a.admin, "written as the token's maker");
}

/// Twenty requests at once with one new id, half for child A and half for child B: one row,
/// and every request for the child that was not stored gets 409, however they interleave.
#[sqlx::test]
async fn one_visit_id_is_one_visit_under_a_race(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let app = shouhu::app(common::test_state(&pool, false));
    let other = Uuid::now_v7();
    sqlx::query("INSERT INTO child (street_id, id, community_id, name, gender, birth_date, left_behind, care_situation) VALUES ($1, $2, $3, '乙小童', 'male', '2015-01-01', 'father_away', 'relatives')")
        .bind(f.a.id).bind(other).bind(f.a.community)
        .execute(&pool).await.unwrap();
    for round in 0..10 {
        let id = Uuid::now_v7();
        let body = |child: Uuid| {
            json!({ "id": id, "child_id": child, "kind": "home_visit",
                "visited_on": today().to_string(), "notes": format!("第{round}轮") })
        };
        let requests = (0..20).map(|i| {
            let child = if i % 2 == 0 { f.a.child } else { other };
            let app = app.clone();
            let req = post_visit(&f.a.token_secret, &body(child));
            async move { (child, send(&app, req).await) }
        });
        let answers = futures_util::future::join_all(requests).await;
        let stored: Vec<Uuid> = sqlx::query_scalar("SELECT child_id FROM visit WHERE id = $1")
            .bind(id)
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(stored.len(), 1, "round {round}: one row");
        for (child, a) in &answers {
            if *child == stored[0] {
                assert!(
                    matches!(a.status, StatusCode::CREATED | StatusCode::OK),
                    "round {round}: {:?}",
                    a.body
                );
                assert_eq!(a.body["child_id"], stored[0].to_string());
            } else {
                assert_eq!(
                    (a.status, a.body["error"]["code"].as_str()),
                    (StatusCode::CONFLICT, Some("id_taken")),
                    "round {round}: the other child's request got {:?}",
                    a.body
                );
            }
        }
        assert_eq!(
            answers
                .iter()
                .filter(|(_, a)| a.status == StatusCode::CREATED)
                .count(),
            1
        );
    }
}

/// A visit's date is checked the same way on every path: a token, staff, the volunteer.
#[sqlx::test]
async fn a_visit_date_out_of_range_is_refused_on_every_path(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let app = shouhu::app(common::test_state(&pool, false));
    for day in [
        "0001-01-01".to_string(),
        (today() + chrono::Duration::days(1)).to_string(),
    ] {
        let visit = json!({ "id": Uuid::now_v7(), "child_id": f.a.child, "kind": "talk", "visited_on": day });
        let a = send(&app, post_visit(&f.a.token_secret, &visit)).await;
        assert_eq!(
            (a.status, a.body["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("date_out_of_range")),
            "{day}"
        );
    }
    let mut staff = TestClient::new(&pool);
    staff.login(&f.a.staff_login, PASSWORD).await;
    let r = staff
        .post(
            &format!("/children/{}/visits", f.a.child),
            &[
                ("id", &Uuid::now_v7().to_string()),
                ("kind", "talk"),
                ("visited_on", "0001-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("走访日期不能早于一年前"));
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM visit WHERE visited_on < '2000-01-01'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(stored, 0);
}

/// Lists page by `limit` and `cursor`: following `Link: rel="next"` gives every row once.
#[sqlx::test]
async fn lists_page_by_limit_and_cursor(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let app = shouhu::app(common::test_state(&pool, false));
    for i in 0..4 {
        sqlx::query("INSERT INTO child (street_id, id, community_id, name, gender, birth_date, left_behind, care_situation) VALUES ($1, $2, $3, $4, 'male', '2015-01-01', 'father_away', 'relatives')")
            .bind(f.a.id).bind(Uuid::now_v7()).bind(f.a.community).bind(format!("分页童{i}"))
            .execute(&pool).await.unwrap();
    }
    let get = |path: String| {
        with_token("GET", &path, &f.a.token_secret)
            .body(Body::empty())
            .unwrap()
    };
    let whole = send(&app, get("/api/v1/children".into())).await;
    assert!(whole.headers.get(header::LINK).is_none());
    let all: Vec<Value> = whole.body.as_array().unwrap().clone();
    assert!(all.len() >= 5);
    let mut seen = Vec::new();
    let mut next = Some("/api/v1/children?limit=2".to_string());
    while let Some(path) = next.take() {
        let page = send(&app, get(path)).await;
        assert_eq!(page.status, StatusCode::OK);
        let rows = page.body.as_array().unwrap();
        assert!(rows.len() <= 2);
        seen.extend(rows.iter().cloned());
        next = page.headers.get(header::LINK).map(|l| {
            let l = l.to_str().unwrap();
            assert!(l.ends_with("; rel=\"next\""));
            l[1..l.find('>').unwrap()].to_string()
        });
    }
    assert_eq!(seen, all, "every row once, in the same order");
}

#[sqlx::test]
async fn answers_are_compressed_when_the_client_accepts_it(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let app = shouhu::app(common::test_state(&pool, false));
    let req = with_token("GET", "/api/v1/openapi.json", &f.a.token_secret)
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .unwrap();
    let mut req = req;
    req.extensions_mut().insert(axum::extract::ConnectInfo(
        "127.0.0.1:9".parse::<std::net::SocketAddr>().unwrap(),
    ));
    let response = app.clone().oneshot(req).await.unwrap();
    assert_eq!(
        response.headers().get(header::CONTENT_ENCODING).unwrap(),
        "gzip"
    );
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let mut text = String::new();
    use std::io::Read;
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut text)
        .unwrap();
    assert!(text.contains("\"openapi\""));
    // Without Accept-Encoding, plain.
    let a = send(
        &app,
        with_token("GET", "/api/v1/openapi.json", &f.a.token_secret)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(a.headers.get(header::CONTENT_ENCODING).is_none());
    assert!(a.body["openapi"].is_string());
}

/// A token may be given an expiry; after it, the token opens nothing and the page says so.
#[sqlx::test]
async fn tokens_expire(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let app = shouhu::app(common::test_state(&pool, false));
    let mut admin = TestClient::new(&pool);
    admin.login(&f.a.admin_login, PASSWORD).await;
    admin.get("/api-tokens").await;
    let page = admin
        .post(
            "/api-tokens",
            &[
                ("name", "月报接口"),
                ("access", "read"),
                ("expires_in_days", "30"),
            ],
        )
        .await;
    let token = page.text("#token-value");
    let days: f64 = sqlx::query_scalar(
        "SELECT (extract(epoch FROM expires_at - now()) / 86400)::float8 FROM api_token WHERE name = '月报接口'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!((29.9..=30.0).contains(&days), "{days}");
    let get = |t: &str| {
        with_token("GET", "/api/v1/children", t)
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(send(&app, get(&token)).await.status, StatusCode::OK);
    // A choice the form does not offer changes nothing.
    let r = admin
        .post(
            "/api-tokens",
            &[
                ("name", "乱填"),
                ("access", "read"),
                ("expires_in_days", "9999"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请选择有效期"));
    // Its day has come: 401, and the page marks it.
    sqlx::query(
        "UPDATE api_token SET expires_at = now() - interval '1 minute' WHERE name = '月报接口'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let a = send(&app, get(&token)).await;
    assert_eq!(
        (a.status, a.body["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
    assert!(admin.get("/api-tokens").await.body.contains("已过期"));
    // The fixture's token, made without an expiry, still works.
    assert_eq!(
        send(&app, get(&f.a.token_secret)).await.status,
        StatusCode::OK
    );
}
