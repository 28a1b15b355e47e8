//! Every route registered so far, driven as each role, logged out, and as a user of another
//! street: out of scope is a redirect to the login page or a 404, never data.

use crate::common;

use axum::http::StatusCode;
use common::{Fixture, PASSWORD, Street, TestClient, TestResponse};
use sqlx::PgPool;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Access {
    /// Login page, health checks, language switch.
    Public,
    /// Any logged-in user.
    AnyUser,
    /// Street admins only.
    Admin,
    /// Street admins and the staff of the community in the path.
    CommunityStaff,
    /// Street admins and any community staff (each sees their own scope).
    AnyStaff,
    /// Street admins and the staff of the child's community.
    ChildStaff,
    /// Any volunteer, for their own pages.
    Volunteer,
    /// Only the volunteer paired with the child.
    PairedVolunteer,
    /// The child's staff and the follow-up's assignee (the volunteer).
    FollowUpCloser,
    /// Only the staff of the community in the path (report narrative and submission).
    OwnStaff,
    /// The JSON API: any user, each in their own scope; logged out is 401, never a redirect.
    Api,
    /// The JSON API on street A's child: its staff and its paired volunteer.
    ApiChild,
    /// The JSON API for staff only (reports): each in their own scope; volunteers 404.
    ApiStaff,
}

/// (method, route as registered, who may use it)
const ROUTES: &[(&str, &str, Access)] = &[
    ("GET", "/healthz", Access::Public),
    ("GET", "/readyz", Access::Public),
    ("GET", "/metrics", Access::Public),
    ("GET", "/static/{name}", Access::Public),
    ("GET", "/sw.js", Access::Public),
    ("GET", "/favicon.ico", Access::Public),
    ("GET", "/login", Access::Public),
    ("POST", "/login", Access::Public),
    ("POST", "/locale", Access::Public),
    ("POST", "/logout", Access::AnyUser),
    ("GET", "/password", Access::AnyUser),
    ("POST", "/password", Access::AnyUser),
    ("GET", "/", Access::AnyUser),
    ("GET", "/communities", Access::Admin),
    ("POST", "/communities", Access::Admin),
    ("GET", "/communities/{id}", Access::CommunityStaff),
    ("POST", "/communities/{id}/grids", Access::Admin),
    ("GET", "/users", Access::Admin),
    ("POST", "/users", Access::Admin),
    ("GET", "/users/new", Access::Admin),
    ("POST", "/users/{id}/disable", Access::Admin),
    ("POST", "/users/{id}/enable", Access::Admin),
    ("POST", "/users/{id}/reset-password", Access::Admin),
    ("GET", "/children", Access::AnyStaff),
    ("POST", "/children", Access::AnyStaff),
    ("GET", "/children/new", Access::AnyStaff),
    ("GET", "/children/{id}", Access::ChildStaff),
    ("POST", "/children/{id}", Access::ChildStaff),
    ("GET", "/children/{id}/edit", Access::ChildStaff),
    ("GET", "/children/{id}/print", Access::ChildStaff),
    ("POST", "/children/{id}/reveal", Access::ChildStaff),
    ("POST", "/children/{id}/status", Access::ChildStaff),
    ("POST", "/children/{id}/verify", Access::ChildStaff),
    ("POST", "/children/{id}/transfer", Access::Admin),
    ("POST", "/children/{id}/guardians", Access::ChildStaff),
    ("GET", "/children/{id}/guardians/new", Access::ChildStaff),
    (
        "POST",
        "/children/{id}/guardians/{guardian_id}",
        Access::ChildStaff,
    ),
    (
        "GET",
        "/children/{id}/guardians/{guardian_id}/edit",
        Access::ChildStaff,
    ),
    (
        "POST",
        "/children/{id}/guardians/{guardian_id}/delete",
        Access::ChildStaff,
    ),
    ("POST", "/children/{id}/consents", Access::ChildStaff),
    (
        "POST",
        "/children/{id}/consents/{consent_id}/withdraw",
        Access::ChildStaff,
    ),
    ("GET", "/children/{id}/visits/new", Access::ChildStaff),
    ("POST", "/children/{id}/visits", Access::ChildStaff),
    ("GET", "/volunteers", Access::AnyStaff),
    ("POST", "/volunteers", Access::AnyStaff),
    ("GET", "/volunteers/new", Access::AnyStaff),
    ("GET", "/volunteers/{id}", Access::ChildStaff),
    ("POST", "/volunteers/{id}", Access::ChildStaff),
    ("POST", "/volunteers/{id}/account", Access::ChildStaff),
    ("GET", "/conduct", Access::Volunteer),
    ("POST", "/conduct", Access::Volunteer),
    ("GET", "/pairings", Access::AnyStaff),
    ("POST", "/pairings", Access::AnyStaff),
    ("GET", "/pairings/new", Access::AnyStaff),
    ("GET", "/pairings/duties", Access::AnyStaff),
    ("POST", "/pairings/{id}/end", Access::ChildStaff),
    ("GET", "/settings", Access::Admin),
    ("POST", "/settings", Access::Admin),
    ("GET", "/v/children/{id}", Access::PairedVolunteer),
    ("GET", "/v/children/{id}/visit", Access::PairedVolunteer),
    ("POST", "/v/children/{id}/credits", Access::PairedVolunteer),
    ("POST", "/v/visits", Access::PairedVolunteer),
    ("GET", "/v/hours", Access::Volunteer),
    ("POST", "/visits/{id}/comments", Access::ChildStaff),
    ("GET", "/follow-ups", Access::AnyStaff),
    ("POST", "/follow-ups/{id}/close", Access::FollowUpCloser),
    ("GET", "/activities", Access::AnyStaff),
    ("POST", "/activities", Access::AnyStaff),
    ("GET", "/activities/new", Access::AnyStaff),
    ("GET", "/activities/{id}", Access::ChildStaff),
    ("POST", "/activities/{id}", Access::ChildStaff),
    ("GET", "/activities/{id}/edit", Access::ChildStaff),
    ("POST", "/activities/{id}/cancel", Access::ChildStaff),
    ("POST", "/activities/{id}/summary", Access::ChildStaff),
    ("GET", "/activities/{id}/attendance", Access::ChildStaff),
    ("POST", "/activities/{id}/attendance", Access::ChildStaff),
    ("POST", "/activities/{id}/walk-in", Access::ChildStaff),
    ("POST", "/activities/{id}/credits", Access::ChildStaff),
    ("POST", "/activities/{id}/aid", Access::ChildStaff),
    ("POST", "/activities/{id}/photos", Access::ChildStaff),
    ("GET", "/photos/{id}", Access::ChildStaff),
    ("GET", "/photos/{id}/thumb", Access::ChildStaff),
    ("POST", "/children/{id}/aid", Access::ChildStaff),
    ("GET", "/aid", Access::AnyStaff),
    ("GET", "/reports", Access::AnyStaff),
    ("GET", "/reports/export.xlsx", Access::AnyStaff),
    ("GET", "/reports/evaluation", Access::Admin),
    ("POST", "/reports/evaluation", Access::Admin),
    (
        "GET",
        "/reports/{community}/{period}",
        Access::CommunityStaff,
    ),
    (
        "POST",
        "/reports/{community}/{period}/narrative",
        Access::OwnStaff,
    ),
    (
        "POST",
        "/reports/{community}/{period}/transition",
        Access::OwnStaff,
    ),
    (
        "GET",
        "/reports/{community}/{period}/export.xlsx",
        Access::CommunityStaff,
    ),
    ("GET", "/quality", Access::AnyStaff),
    ("GET", "/api/v1/openapi.json", Access::Public),
    ("GET", "/api/v1/children", Access::Api),
    ("GET", "/api/v1/children/{id}", Access::ApiChild),
    ("GET", "/api/v1/visits", Access::ApiChild),
    ("POST", "/api/v1/visits", Access::ApiChild),
    ("GET", "/api/v1/pairings", Access::Api),
    ("GET", "/api/v1/activities", Access::Api),
    ("GET", "/api/v1/reports", Access::ApiStaff),
    ("GET", "/login/totp", Access::Public),
    ("POST", "/login/totp", Access::Public),
    ("GET", "/account/totp", Access::AnyUser),
    ("POST", "/account/totp", Access::AnyUser),
    ("POST", "/account/totp/recovery-codes", Access::AnyUser),
    ("POST", "/account/totp/disable", Access::AnyUser),
    ("GET", "/audit", Access::Admin),
    ("GET", "/audit/export.xlsx", Access::Admin),
    ("GET", "/compliance", Access::Admin),
    ("GET", "/compliance/export.xlsx", Access::Admin),
    ("GET", "/api-tokens", Access::Admin),
    ("POST", "/api-tokens", Access::Admin),
    ("POST", "/api-tokens/{id}/revoke", Access::Admin),
    ("GET", "/children/template.xlsx", Access::AnyStaff),
    ("GET", "/children/export.xlsx", Access::AnyStaff),
    ("GET", "/volunteers/export.xlsx", Access::AnyStaff),
    ("GET", "/pairings/duties/export.xlsx", Access::AnyStaff),
    ("GET", "/children/import", Access::AnyStaff),
    ("POST", "/children/import", Access::AnyStaff),
    ("GET", "/volunteers/import", Access::AnyStaff),
    ("POST", "/volunteers/import", Access::AnyStaff),
    ("GET", "/volunteers/import/{id}", Access::OwnStaff),
    ("POST", "/volunteers/import/{id}", Access::OwnStaff),
    ("GET", "/children/import/{id}", Access::OwnStaff),
    ("POST", "/children/import/{id}", Access::OwnStaff),
    ("POST", "/volunteers/import/{id}/mapping", Access::OwnStaff),
    ("POST", "/children/import/{id}/mapping", Access::OwnStaff),
];

/// The route with street A's ids filled in.
fn concrete(route: &str, a: &Street) -> String {
    if route.starts_with("/communities/{id}") {
        route.replace("{id}", &a.community.to_string())
    } else if route.starts_with("/users/{id}") {
        route.replace("{id}", &a.spare.to_string())
    } else if route.starts_with("/volunteers/{id}") {
        route.replace("{id}", &a.volunteer.to_string())
    } else if route.starts_with("/pairings/{id}") {
        route.replace("{id}", &a.pairing.to_string())
    } else if route.starts_with("/v/children/{id}") {
        route.replace("{id}", &a.child.to_string())
    } else if route.starts_with("/visits/{id}") {
        route.replace("{id}", &a.visit.to_string())
    } else if route.starts_with("/activities/{id}") {
        route.replace("{id}", &a.activity.to_string())
    } else if route.starts_with("/photos/{id}") {
        route.replace("{id}", &a.photo.to_string())
    } else if route.starts_with("/reports/{community}") {
        route
            .replace("{community}", &a.community.to_string())
            .replace("{period}", "2026-Q4")
    } else if route.starts_with("/api/v1/children/{id}") {
        route.replace("{id}", &a.child.to_string())
    } else if route == "/api/v1/visits" {
        format!("/api/v1/visits?child_id={}", a.child)
    } else if route.starts_with("/api-tokens/{id}") {
        route.replace("{id}", &a.token.to_string())
    } else if route.starts_with("/follow-ups/{id}") {
        route.replace("{id}", &a.follow_up.to_string())
    } else if route.starts_with("/children/import/{id}") {
        route.replace("{id}", &a.import.to_string())
    } else if route.starts_with("/volunteers/import/{id}") {
        route.replace("{id}", &a.volunteer_import.to_string())
    } else if route.starts_with("/children/{id}") {
        route
            .replace("{id}", &a.child.to_string())
            .replace("{guardian_id}", &a.guardian.to_string())
            .replace("{consent_id}", &a.consent.to_string())
    } else {
        route.to_string()
    }
}

async fn call(client: &mut TestClient, method: &str, path: &str, a: &Street) -> TestResponse {
    let child = a.child.to_string();
    match method {
        "GET" => client.get(path).await,
        // A visit names its child in the form: street A's child.
        _ if path == "/v/visits" => client.post(path, &[("child_id", &child)]).await,
        _ if path.ends_with("/transition") => client.post(path, &[("action", "submit")]).await,
        _ if path.starts_with("/api/v1/visits") => {
            let body = serde_json::json!({ "id": uuid::Uuid::now_v7(), "child_id": a.child, "kind": "talk", "visited_on": "2026-11-01" });
            let req = axum::http::Request::post("/api/v1/visits")
                .header("content-type", "application/json")
                .header("x-csrf-token", client.csrf.clone().unwrap_or_default())
                .body(axum::body::Body::from(body.to_string()))
                .unwrap();
            client.request(req).await
        }
        _ if path.ends_with("/narrative") => client.post(path, &[("version", "0")]).await,
        // The settings form carries the street's version (a fresh street's is 1).
        _ if path == "/settings" => client.post(path, &[("version", "1")]).await,
        // The weights form carries the weights it was opened with.
        _ if path == "/reports/evaluation" => {
            let page = client.get(path).await;
            let opened = page
                .attr("#weights-form input[name=opened]", "value")
                .unwrap_or_default();
            client.post(path, &[("opened", &opened)]).await
        }
        // The summary form carries the activity's version, which earlier roles' saves moved on.
        _ if path.ends_with("/summary") => {
            let page = client.get(path.trim_end_matches("/summary")).await;
            let version = page
                .attr("#summary input[name=version]", "value")
                .unwrap_or_else(|| "1".to_string());
            client.post(path, &[("version", &version)]).await
        }
        _ => client.post(path, &[("name", "")]).await,
    }
}

fn assert_no_data(r: &TestResponse, a: &Street, who: &str, route: &str) {
    for marker in [
        &a.community_name,
        &a.other_community_name,
        &a.child_name,
        &a.staff_login,
        &a.admin_login,
    ] {
        assert!(
            !r.body.contains(marker.as_str()),
            "{who} {route}: body leaks {marker}"
        );
    }
    // Every name in street A's fixture carries this marker (communities, grid, child, guardian).
    assert!(
        !r.body.contains("SECRETa"),
        "{who} {route}: body leaks street A data"
    );
}

fn assert_login_redirect(r: &TestResponse, who: &str, route: &str) {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{who} {route}: {}", r.body);
    assert!(
        r.location().unwrap_or("").starts_with("/login"),
        "{who} {route}: -> {:?}",
        r.location()
    );
}

#[sqlx::test]
async fn every_route_as_every_role(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let a = &f.a;
    let logins = [
        ("admin A", Some(a.admin_login.clone())),
        ("staff A (own community)", Some(a.staff_login.clone())),
        (
            "staff A (other community)",
            Some(a.other_staff_login.clone()),
        ),
        ("volunteer A", Some(a.volunteer_login.clone())),
        ("admin B", Some(f.b.admin_login.clone())),
        ("staff B", Some(f.b.staff_login.clone())),
        ("volunteer B", Some(f.b.volunteer_login.clone())),
        ("logged out", None),
    ];
    for (method, route, access) in ROUTES {
        if *access == Access::Public || *route == "/logout" || *route == "/password" {
            continue;
        }
        let path = concrete(route, a);
        for (who, login) in &logins {
            // Allowed deletes really delete: put the guardian back before each attempt.
            let mut conn = pool.acquire().await.unwrap();
            common::insert_guardian(&mut conn, a.id, a.child, a.guardian, "甲奶奶").await;
            // ... and re-open the follow-up that an allowed close closed.
            sqlx::query("UPDATE follow_up SET status = 'open' WHERE id = $1")
                .bind(a.follow_up)
                .execute(&mut *conn)
                .await
                .unwrap();
            drop(conn);
            let mut client = TestClient::new(&pool);
            match login {
                Some(login) => {
                    client.login(login, PASSWORD).await;
                }
                None => {
                    client.get("/login").await;
                }
            }
            let r = call(&mut client, method, &path, a).await;
            let label = format!("{method} {route}");
            let allowed = match (access, *who) {
                (Access::ApiStaff, "volunteer A" | "volunteer B") => false,
                (Access::ApiStaff, _) if *who != "logged out" => {
                    assert_eq!(r.status, StatusCode::OK, "{who} {label}");
                    if who.ends_with('B') || *who == "staff A (other community)" {
                        assert!(!r.body.contains(&a.community_name), "{who} {label}");
                    }
                    continue;
                }
                (Access::Api | Access::ApiChild | Access::ApiStaff, "logged out") => {
                    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{who} {label}");
                    assert_no_data(&r, a, who, &label);
                    continue;
                }
                (Access::Api, _) => {
                    assert_eq!(r.status, StatusCode::OK, "{who} {label}");
                    if who.ends_with('B') || *who == "staff A (other community)" {
                        assert!(!r.body.contains(&a.child_name), "{who} {label}");
                    }
                    continue;
                }
                (Access::ApiChild, "admin A" | "staff A (own community)" | "volunteer A") => true,
                (_, "logged out") => {
                    assert_login_redirect(&r, who, &label);
                    assert_no_data(&r, a, who, &label);
                    continue;
                }
                (Access::AnyUser, _) => true,
                (Access::Admin, "admin A") => true,
                (
                    Access::CommunityStaff | Access::ChildStaff,
                    "admin A" | "staff A (own community)",
                ) => true,
                (Access::AnyStaff, "admin A" | "staff A (own community)") => true,
                (
                    Access::Volunteer | Access::PairedVolunteer | Access::FollowUpCloser,
                    "volunteer A",
                ) => true,
                (Access::FollowUpCloser, "admin A" | "staff A (own community)") => true,
                (Access::OwnStaff, "staff A (own community)") => true,
                // Volunteer B on their own volunteer pages sees only their own street.
                (Access::Volunteer, "volunteer B") => {
                    assert!(
                        r.status.is_success() || r.status.is_redirection(),
                        "{who} {label}: {}",
                        r.status
                    );
                    assert_no_data(&r, a, who, &label);
                    continue;
                }
                // Staff of the other community, and the staff and admin of B, see their own scope.
                (Access::AnyStaff, "staff A (other community)" | "admin B" | "staff B") => {
                    assert!(
                        r.status.is_success() || r.status == StatusCode::UNPROCESSABLE_ENTITY,
                        "{who} {label}: {}",
                        r.status
                    );
                    assert!(
                        !r.body.contains(&a.child_name),
                        "{who} {label}: sees a child out of scope"
                    );
                    if *who != "staff A (other community)" {
                        assert_no_data(&r, a, who, &label);
                    }
                    continue;
                }
                // An admin of B on a route without ids sees B's own pages.
                (Access::Admin, "admin B") if !route.contains("{id}") => {
                    assert!(
                        r.status.is_success() || r.status == StatusCode::UNPROCESSABLE_ENTITY,
                        "{who} {label}: {}",
                        r.status
                    );
                    assert_no_data(&r, a, who, &label);
                    continue;
                }
                _ => false,
            };
            if allowed {
                assert!(
                    r.status.is_success()
                        || r.status.is_redirection()
                        || r.status == StatusCode::UNPROCESSABLE_ENTITY
                        || r.status == StatusCode::BAD_REQUEST,
                    "{who} {label}: expected access, got {}",
                    r.status
                );
            } else {
                assert_eq!(
                    r.status,
                    StatusCode::NOT_FOUND,
                    "{who} {label}: expected 404\n{}",
                    r.body
                );
                assert_no_data(&r, a, who, &label);
                if *who != "admin B" && *who != "staff B" && *who != "volunteer B" {
                    assert!(!r.body.contains("SECRETb"), "{who} {label}");
                }
            }
        }
    }
    // Nothing done out of scope stuck: only admin A's own actions changed the spare account.
    let (disabled, must_change): (bool, bool) = sqlx::query_as(
        "SELECT disabled_at IS NOT NULL, must_change_password FROM app_user WHERE id = $1",
    )
    .bind(a.spare)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(!disabled);
    // Admin A's own reset of the password in the matrix sets must_change; nobody else could.
    assert!(must_change);
    let denied: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_event WHERE action = 'access_denied'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(denied > 10, "out-of-role requests are audited ({denied})");
}

#[sqlx::test]
async fn out_of_scope_ids_look_like_missing_ones(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut client = TestClient::new(&pool);
    client.login(&f.b.admin_login, PASSWORD).await;
    let other_street = client.get(&format!("/communities/{}", f.a.community)).await;
    let missing = client
        .get(&format!("/communities/{}", uuid::Uuid::now_v7()))
        .await;
    let malformed = client.get("/communities/not-a-uuid").await;
    for r in [&other_street, &missing, &malformed] {
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(other_street.texts("h1"), missing.texts("h1"));
}

/// Guards the matrix: a route added to the app but not to ROUTES fails here.
#[test]
fn the_matrix_lists_every_registered_route() {
    let mut registered = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let source = std::fs::read_to_string(&path).unwrap();
                // `.route("/path", …)`, however rustfmt wraps it.
                for piece in source.split(".route(").skip(1) {
                    if let Some(rest) = piece.trim_start().strip_prefix('"') {
                        registered.push(rest.split('"').next().unwrap().to_string());
                    }
                }
            }
        }
    }
    registered.sort();
    registered.dedup();
    assert!(registered.len() >= 12, "{registered:?}");
    for route in &registered {
        assert!(
            ROUTES.iter().any(|(_, r, _)| r == route),
            "route {route} is missing from the scope matrix"
        );
    }
    for (_, route, _) in ROUTES {
        assert!(
            registered.contains(&route.to_string()),
            "matrix lists {route}, which is not registered"
        );
    }
}

#[sqlx::test]
async fn every_out_of_scope_404_is_on_record(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut other = TestClient::new(&pool);
    other.login(&f.a.other_staff_login, PASSWORD).await;
    let mut b = TestClient::new(&pool);
    b.login(&f.b.admin_login, PASSWORD).await;
    let cases = [
        (
            false,
            format!("/volunteers/{}", f.a.volunteer),
            f.a.volunteer,
            f.a.id,
        ),
        (
            true,
            format!("/activities/{}", f.a.activity),
            f.a.activity,
            f.b.id,
        ),
        (true, format!("/children/{}", f.a.child), f.a.child, f.b.id),
    ];
    for (from_b, path, id, street) in cases {
        let client = if from_b { &mut b } else { &mut other };
        assert_eq!(
            client.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
        // Recorded in the caller's own street, naming what was asked for.
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_event WHERE action = 'access_denied' AND entity_id = $1 AND street_id = $2")
            .bind(id)
            .bind(street)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n, 1, "{path}");
    }
}

/// Events of reading street A's child from the test client's address.
async fn reads_of(pool: &PgPool, a: &Street, ip: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM audit_event WHERE action IN ('child_viewed', 'child_printed')
         AND entity_id = $1 AND street_id = $2 AND ip = $3",
    )
    .bind(a.child)
    .bind(a.id)
    .bind(ip)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Every route that shows one child's file (every route naming a child: the staff's pages and
/// forms, the volunteer's card and visit form, the API's child and visits, with a session or a
/// token) leaves an event naming the child and the caller's address.
#[sqlx::test]
async fn every_read_of_a_childs_file_is_on_record(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let a = &f.a;
    let mut staff = TestClient::new(&pool);
    staff.login(&a.staff_login, PASSWORD).await;
    let mut volunteer = TestClient::new(&pool);
    volunteer.login(&a.volunteer_login, PASSWORD).await;
    let ip = staff.addr.ip().to_string();
    let reads: Vec<_> = ROUTES
        .iter()
        .filter(|(method, route, _)| {
            *method == "GET" && (route.contains("children/{id}") || *route == "/api/v1/visits")
        })
        .collect();
    assert!(reads.len() >= 10, "{reads:?}");
    for (_, route, access) in reads {
        let path = concrete(route, a);
        let client = if *access == Access::PairedVolunteer {
            &mut volunteer
        } else {
            &mut staff
        };
        let before = reads_of(&pool, a, &ip).await;
        let r = client.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{route}: {}", r.body);
        assert!(
            reads_of(&pool, a, &ip).await > before,
            "{route} shows the child's file and left no event"
        );
    }
    // The API with a token: the same events, naming the token.
    for path in [
        format!("/api/v1/children/{}", a.child),
        format!("/api/v1/visits?child_id={}", a.child),
    ] {
        let before = reads_of(&pool, a, &ip).await;
        let req = axum::http::Request::get(&path)
            .header("authorization", format!("Bearer {}", a.token_secret))
            .body(axum::body::Body::empty())
            .unwrap();
        let r = TestClient::new(&pool).request(req).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        assert_eq!(reads_of(&pool, a, &ip).await, before + 1, "{path}");
        let token: Option<String> = sqlx::query_scalar(
            "SELECT detail->>'token' FROM audit_event WHERE entity_id = $1 ORDER BY at DESC LIMIT 1",
        )
        .bind(a.child)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(token, Some(a.token.to_string()), "{path}");
    }
}

/// The visible text of a page: what a person reads, not attribute values.
fn visible_text(body: &str) -> String {
    let html = scraper::Html::parse_document(body);
    let mut out = String::new();
    for node in html.root_element().descendants() {
        if let Some(text) = node.value().as_text() {
            let hidden = node.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "script" | "style" | "title"))
            });
            if !hidden {
                out.push_str(text);
                out.push('\n');
            }
        }
    }
    out
}

/// Every page each role opens reads as words: no message key (a missing catalog entry shows as
/// itself), no semester key such as 2026-autumn, no stored key of a closed list.
/// The text of every cell and sheet name of an .xlsx file.
fn workbook_text(bytes: &[u8]) -> String {
    use calamine::{Reader, Xlsx};
    let mut book = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx file");
    let mut out = book.sheet_names().join("\n");
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).expect("a readable sheet");
        for row in range.rows() {
            for cell in row {
                out.push('\n');
                out.push_str(&cell.to_string());
            }
        }
    }
    out
}

/// A quarter shown as its key (2026-Q3) rather than its name (2026年第三季度, 2026 Q3).
fn quarter_key(text: &str) -> bool {
    text.match_indices("-Q").any(|(i, _)| {
        i >= 4
            && text[i - 4..i].bytes().all(|b| b.is_ascii_digit())
            && text[i + 2..]
                .bytes()
                .next()
                .is_some_and(|b| (b'1'..=b'4').contains(&b))
    })
}

#[sqlx::test]
async fn no_page_shows_a_raw_key(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let a = &f.a;
    let zh = shouhu::i18n::catalog(shouhu::i18n::Lang::Zh);
    let message_keys: Vec<&str> = zh
        .keys()
        .filter(|k| k.contains('.') && k.len() > 6)
        .collect();
    let stored_keys: Vec<&str> = [
        shouhu::domain::child::Relation::keys(),
        shouhu::domain::child::LeftBehind::keys(),
        shouhu::domain::child::CareSituation::keys(),
        shouhu::domain::child::ChildStatus::keys(),
    ]
    .concat()
    .into_iter()
    .filter(|k| k.contains('_'))
    .chain([
        "home_visit",
        "phone_call",
        "teacher_contact",
        "app_user",
        "street_admin",
        "community_staff",
    ])
    .collect();
    let semester = |text: &str| {
        text.match_indices("-autumn")
            .chain(text.match_indices("-spring"))
            .any(|(i, _)| i >= 4 && text[i - 4..i].bytes().all(|b| b.is_ascii_digit()))
    };
    let mut found = Vec::new();
    for login in [&a.admin_login, &a.staff_login, &a.volunteer_login] {
        let mut client = TestClient::new(&pool);
        client.login(login, PASSWORD).await;
        for (method, route, _) in ROUTES {
            if *method != "GET" || route.contains("photos") {
                continue;
            }
            let text = if route.ends_with(".xlsx") {
                // Exports are read as the user opens them: every cell of every sheet.
                let (status, bytes) = client.download(&concrete(route, a)).await;
                if status != StatusCode::OK {
                    continue;
                }
                workbook_text(&bytes)
            } else {
                let r = call(&mut client, method, &concrete(route, a), a).await;
                let html = r
                    .header("content-type")
                    .is_some_and(|t| t.starts_with("text/html"));
                if r.status != StatusCode::OK || !html {
                    continue;
                }
                visible_text(&r.body)
            };
            if quarter_key(&text) {
                found.push(format!("{login} {route}: a quarter key"));
            }
            for key in &message_keys {
                if text.contains(key) {
                    found.push(format!("{login} {route}: message key {key}"));
                }
            }
            for key in &stored_keys {
                if text
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .any(|w| w == *key)
                {
                    found.push(format!("{login} {route}: stored key {key}"));
                }
            }
            if semester(&text) {
                found.push(format!("{login} {route}: a semester key"));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// English pages use English punctuation: no page any role opens in English shows a Chinese
/// colon, bracket, comma, semicolon or enumeration comma outside what a user typed.
#[sqlx::test]
async fn english_pages_carry_no_chinese_punctuation(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let a = &f.a;
    let mut found = Vec::new();
    for login in [&a.admin_login, &a.staff_login, &a.volunteer_login] {
        let mut client = TestClient::new(&pool);
        client.login(login, PASSWORD).await;
        client
            .post("/locale", &[("lang", "en"), ("back", "/")])
            .await;
        for (method, route, _) in ROUTES {
            if *method != "GET" || route.contains("photos") || route.ends_with(".xlsx") {
                continue;
            }
            let r = call(&mut client, method, &concrete(route, a), a).await;
            let html = r
                .header("content-type")
                .is_some_and(|t| t.starts_with("text/html"));
            if r.status != StatusCode::OK || !html {
                continue;
            }
            assert_eq!(r.attr("html", "lang").as_deref(), Some("en"), "{route}");
            let text = visible_text(&r.body);
            for mark in ['：', '（', '）', '，', '；', '、', '。'] {
                if let Some(at) = text.find(mark) {
                    let from = text.floor_char_boundary(at.saturating_sub(30));
                    let to = text.ceil_char_boundary((at + 30).min(text.len()));
                    found.push(format!("{login} {route}: {mark} in …{}…", &text[from..to]));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Least privilege on the phone: of all the numbers in a child's file, a volunteer sees the
/// entrusted guardian's (to arrange visits), and only while the pairing is active.
#[sqlx::test]
async fn a_volunteer_sees_only_the_entrusted_guardians_number(pool: PgPool) {
    let f = common::Fixture::new(&pool).await;
    sqlx::query("INSERT INTO guardian (street_id, id, child_id, name, relation, phone, is_parent_away, is_entrusted)
                 VALUES ($1, $2, $3, '在外的爸爸', 'father', '13700007777', true, false)")
        .bind(f.a.id).bind(uuid::Uuid::now_v7()).bind(f.a.child)
        .execute(&pool).await.unwrap();
    sqlx::query("UPDATE child SET class_teacher = '王老师', class_teacher_phone = '13900009999' WHERE id = $1")
        .bind(f.a.child)
        .execute(&pool).await.unwrap();
    let mut volunteer = common::TestClient::new(&pool);
    volunteer
        .login(&f.a.volunteer_login, common::PASSWORD)
        .await;
    let card = volunteer.get(&format!("/v/children/{}", f.a.child)).await;
    assert_eq!(card.status, axum::http::StatusCode::OK);
    assert!(
        card.body.contains("tel:13512345678"),
        "the entrusted grandmother's number"
    );
    assert!(card.body.contains("在外的爸爸") && card.body.contains("王老师"));
    for hidden in ["13700007777", "13900009999"] {
        assert!(!card.body.contains(hidden), "{hidden} shown to a volunteer");
    }
    // Staff see every number in the file.
    let mut staff = common::TestClient::new(&pool);
    staff.login(&f.a.staff_login, common::PASSWORD).await;
    let file = staff.get(&format!("/children/{}", f.a.child)).await;
    assert!(file.body.contains("13700007777"));
    // Once the pairing ends, the card (and the number on it) is gone.
    sqlx::query("UPDATE pairing SET ended_on = current_date, end_reason = '结束' WHERE id = $1")
        .bind(f.a.pairing)
        .execute(&pool)
        .await
        .unwrap();
    let card = volunteer.get(&format!("/v/children/{}", f.a.child)).await;
    assert_eq!(card.status, axum::http::StatusCode::NOT_FOUND);
    assert!(!card.body.contains("13512345678"));
}
