//! Login, sessions, throttling, CSRF and the security headers.

use crate::common;

use axum::http::StatusCode;
use common::{Fixture, PASSWORD, TestClient};
use sqlx::PgPool;

async fn session_count(pool: &PgPool, user: uuid::Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM session WHERE user_id = $1")
        .bind(user)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn login_sets_a_strict_cookie_and_rotates_the_session(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut client = TestClient::new(&pool);
    let response = client.login(&f.a.admin_login, PASSWORD).await;
    assert_eq!(response.location(), Some("/"));
    let cookie = response.header("set-cookie").unwrap();
    assert!(cookie.starts_with("shouhu_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP in tests: no Secure flag"
    );
    let first = client.cookies["shouhu_session"].clone();

    // Logging in again in the same browser gives a new id and ends the old session.
    client.login(&f.a.admin_login, PASSWORD).await;
    let second = client.cookies["shouhu_session"].clone();
    assert_ne!(first, second);
    assert_eq!(session_count(&pool, f.a.admin).await, 1);

    // Only a hash of the secret is stored.
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT token_hash FROM session")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(stored.iter().all(|h| h.len() == 32));
    assert!(!stored.iter().any(|h| {
        second
            .as_bytes()
            .windows(h.len())
            .any(|w| w == h.as_slice())
    }));
}

#[sqlx::test]
async fn secure_cookie_over_https(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut client = TestClient::with_app(shouhu::app(common::test_state(&pool, true)));
    let response = client.login(&f.a.admin_login, PASSWORD).await;
    assert!(response.header("set-cookie").unwrap().contains("Secure"));
}

#[sqlx::test]
async fn the_same_message_whether_or_not_the_account_exists(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut client = TestClient::new(&pool);
    let wrong_password = client.try_login(&f.a.admin_login, "not the password").await;
    let no_account = client
        .try_login("nobody@nowhere.cn", "not the password")
        .await;
    let disabled = {
        sqlx::query("UPDATE app_user SET disabled_at = now() WHERE id = $1")
            .bind(f.a.staff)
            .execute(&pool)
            .await
            .unwrap();
        client.try_login(&f.a.staff_login, PASSWORD).await
    };
    for r in [&wrong_password, &no_account, &disabled] {
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.cookies_session());
    }
    let message = wrong_password.text("#login-error");
    assert!(!message.is_empty());
    assert_eq!(no_account.text("#login-error"), message);
    assert_eq!(disabled.text("#login-error"), message);
}

trait SessionCookie {
    fn cookies_session(&self) -> bool;
}

impl SessionCookie for common::TestResponse {
    fn cookies_session(&self) -> bool {
        self.headers.get_all("set-cookie").iter().any(|v| {
            v.to_str().unwrap().starts_with("shouhu_session=")
                && !v.to_str().unwrap().contains("Max-Age=0")
        })
    }
}

#[sqlx::test]
async fn growing_delay_after_five_failures(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut client = TestClient::new(&pool);
    for _ in 0..4 {
        client.try_login(&f.a.staff_login, "wrong").await;
    }
    let locked: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT locked_until FROM app_user WHERE id = $1")
            .bind(f.a.staff)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(locked.is_none(), "no delay for the first four failures");
    client.try_login(&f.a.staff_login, "wrong").await;
    let (failures, locked): (i32, Option<chrono::DateTime<chrono::Utc>>) =
        sqlx::query_as("SELECT failed_logins, locked_until FROM app_user WHERE id = $1")
            .bind(f.a.staff)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(failures, 5);
    assert!(
        locked.unwrap() > chrono::Utc::now(),
        "the fifth failure starts a delay"
    );

    // The address that failed waits, even with the right password.
    let refused = client.try_login(&f.a.staff_login, PASSWORD).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.location().is_none());

    // The owner, from another address, is not locked out: the right password works after the
    // fixed delay, and resets the count.
    let mut owner = client.fresh();
    owner.addr = "198.51.100.20:6000".parse().unwrap();
    let started = std::time::Instant::now();
    owner.login(&f.a.staff_login, PASSWORD).await;
    assert!(started.elapsed() >= shouhu::auth::throttle::UNDER_LOCK_DELAY);
    let failures: i32 = sqlx::query_scalar("SELECT failed_logins FROM app_user WHERE id = $1")
        .bind(f.a.staff)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(failures, 0);
}

#[sqlx::test]
async fn past_a_hundred_failures_an_hour_the_owner_still_signs_in_after_the_delay(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    // As if 100 failures had happened in the last half hour, with no delay pending.
    sqlx::query("UPDATE app_user SET fail_window_start = now() - interval '30 minutes', fail_window_count = 100 WHERE id = $1")
        .bind(f.a.staff)
        .execute(&pool)
        .await
        .unwrap();
    let mut client = TestClient::new(&pool);
    let started = std::time::Instant::now();
    let wrong = client.try_login(&f.a.staff_login, "wrong").await;
    assert_eq!(wrong.status, StatusCode::OK);
    assert!(started.elapsed() >= shouhu::auth::throttle::UNDER_LOCK_DELAY);
    // Failing while the account is under attack: this address waits at once.
    let r = client.try_login(&f.a.staff_login, PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let mut owner = client.fresh();
    owner.addr = "198.51.100.21:6000".parse().unwrap();
    let started = std::time::Instant::now();
    owner.login(&f.a.staff_login, PASSWORD).await;
    assert!(started.elapsed() >= shouhu::auth::throttle::UNDER_LOCK_DELAY);
}

#[sqlx::test]
async fn failed_sign_ins_take_as_long_whether_or_not_the_account_exists(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut client = TestClient::new(&pool);
    for login in [f.a.staff_login.as_str(), "nobody-at-all@test.cn"] {
        client.get("/login").await;
        let started = std::time::Instant::now();
        let r = client
            .post("/login", &[("login", login), ("password", "wrong")])
            .await;
        assert_eq!(r.status, StatusCode::OK);
        // Both are held to the same floor, well above the work either does.
        assert!(
            started.elapsed() >= shouhu::auth::throttle::FAILED_FLOOR,
            "{login}: {:?}",
            started.elapsed()
        );
    }
}

#[sqlx::test]
async fn wrong_current_passwords_count_towards_the_throttle(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut client = TestClient::new(&pool);
    client.login(&f.a.staff_login, PASSWORD).await;
    client.get("/password").await;
    let change = [
        ("current", "not-my-password"),
        ("new", "a-brand-new-pass-2026"),
        ("confirm", "a-brand-new-pass-2026"),
    ];
    for i in 0..5 {
        let r = client.post("/password", &change).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {i}");
    }
    let r = client.post("/password", &change).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // Refused without checking, even the right password, with the reason beside the field.
    let mut right = change;
    right[0].1 = PASSWORD;
    let r = client.post("/password", &right).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("尝试次数过多"), "{}", r.body);
    let (failures, events): (i32, i64) = sqlx::query_as(
        "SELECT u.failed_logins, (SELECT count(*) FROM audit_event e WHERE e.action = 'password_check_failed' AND e.entity_id = u.id)
         FROM app_user u WHERE u.id = $1",
    )
    .bind(f.a.staff)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((failures, events), (5, 5));
    // The password is unchanged.
    let mut fresh = client.fresh();
    fresh.addr = "198.51.100.30:6000".parse().unwrap();
    fresh.login(&f.a.staff_login, PASSWORD).await;
}

/// A sign-in as it arrives through a reverse proxy at `peer`, which says the client is `xff`.
async fn login_through(
    client: &mut TestClient,
    peer: &str,
    xff: &str,
    login: &str,
    password: &str,
) -> common::TestResponse {
    client.addr = peer.parse().unwrap();
    client.get("/login").await;
    let body = serde_urlencoded::to_string([
        ("login", login),
        ("password", password),
        ("csrf", &client.csrf.clone().unwrap()),
    ])
    .unwrap();
    let req = axum::http::Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-for", xff)
        .body(axum::body::Body::from(body))
        .unwrap();
    client.request(req).await
}

#[sqlx::test]
async fn the_client_address_comes_from_the_trusted_proxy_only(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let state =
        common::test_state(&pool, false).with_trusted_proxies(vec!["10.0.0.2".parse().unwrap()]);
    let mut client = TestClient::with_app(shouhu::app(state));
    let proxy = "10.0.0.2:443";
    // Twenty failures of one client behind the proxy trip that client's limit only.
    for i in 0..20 {
        let login = format!("x{i}@test.cn");
        let r = login_through(&mut client, proxy, "1.1.1.1, 198.51.100.1", &login, "x").await;
        assert_eq!(r.status, StatusCode::OK, "attempt {i}");
    }
    let r = login_through(&mut client, proxy, "198.51.100.1", "y@test.cn", "x").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // Everyone else behind the same proxy signs in.
    let admin = f.a.admin_login.clone();
    let r = login_through(&mut client, proxy, "198.51.100.2", &admin, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let ip: String = sqlx::query_scalar(
        "SELECT ip FROM audit_event WHERE action = 'login' AND entity_id = $1 ORDER BY at DESC LIMIT 1",
    )
    .bind(f.a.admin)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        ip, "198.51.100.2",
        "the audit names the client, not the proxy"
    );
    // From anyone but the proxy the header is ignored: the peer is the client.
    let mut direct = client.fresh();
    let staff = f.a.staff_login.clone();
    let r = login_through(
        &mut direct,
        "203.0.113.50:5000",
        "198.51.100.3",
        &staff,
        PASSWORD,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let ip: String = sqlx::query_scalar(
        "SELECT ip FROM audit_event WHERE action = 'login' AND entity_id = $1 ORDER BY at DESC LIMIT 1",
    )
    .bind(f.a.staff)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(ip, "203.0.113.50");
}

#[sqlx::test]
async fn more_than_twenty_attempts_a_minute_from_one_address_get_429(pool: PgPool) {
    let _f = Fixture::new(&pool).await;
    let mut client = TestClient::new(&pool);
    for i in 0..20 {
        let r = client.try_login(&format!("nobody{i}@test.cn"), "x").await;
        assert_eq!(r.status, StatusCode::OK, "attempt {i}");
    }
    let r = client.try_login("nobody@test.cn", "x").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // Another address is not affected.
    let mut other = client.fresh();
    other.addr = "198.51.100.9:5000".parse().unwrap();
    let r = other.try_login("nobody@test.cn", "x").await;
    assert_eq!(r.status, StatusCode::OK);
}

#[sqlx::test]
async fn logout_ends_the_session_on_the_server(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut client = TestClient::new(&pool);
    client.login(&f.a.admin_login, PASSWORD).await;
    let stolen = client.cookies["shouhu_session"].clone();
    let r = client.post("/logout", &[]).await;
    assert_eq!(r.location(), Some("/login"));
    assert_eq!(session_count(&pool, f.a.admin).await, 0);
    // Replaying the old cookie gets nothing.
    let mut thief = client.fresh();
    thief.cookies.insert("shouhu_session".into(), stolen);
    let r = thief.get("/users").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().unwrap().starts_with("/login"));
}

#[sqlx::test]
async fn idle_and_absolute_timeouts_end_sessions(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut client = TestClient::new(&pool);
    client.login(&f.a.admin_login, PASSWORD).await;
    assert_eq!(client.get("/").await.status, StatusCode::OK);
    sqlx::query("UPDATE session SET last_seen_at = now() - interval '31 minutes'")
        .execute(&pool)
        .await
        .unwrap();
    let r = client.get("/").await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "idle for 31 minutes: logged out"
    );
    assert_eq!(
        session_count(&pool, f.a.admin).await,
        0,
        "the expired session is deleted"
    );

    client.login(&f.a.admin_login, PASSWORD).await;
    sqlx::query("UPDATE session SET last_seen_at = now() - interval '29 minutes'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        client.get("/").await.status,
        StatusCode::OK,
        "29 minutes idle is fine"
    );
    let idle: f64 = sqlx::query_scalar(
        "SELECT extract(epoch FROM now() - max(last_seen_at))::float8 FROM session",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        idle < 60.0,
        "the request touched the session ({idle} s idle)"
    );
    sqlx::query("UPDATE session SET created_at = now() - interval '12 hours 1 minute', last_seen_at = now()").execute(&pool).await.unwrap();
    assert_eq!(
        client.get("/").await.status,
        StatusCode::SEE_OTHER,
        "older than 12 hours: logged out"
    );
}

#[sqlx::test]
async fn password_change_ends_every_other_session(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut phone = TestClient::new(&pool);
    phone.login(&f.a.staff_login, PASSWORD).await;
    let mut desk = phone.fresh();
    desk.login(&f.a.staff_login, PASSWORD).await;
    assert_eq!(session_count(&pool, f.a.staff).await, 2);

    desk.get("/password").await;
    let bad = desk
        .post(
            "/password",
            &[("current", "wrong"), ("new", "short"), ("confirm", "other")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bad.texts(".field-error").len(),
        3,
        "every field error at once:\n{}",
        bad.body
    );

    let ok = desk
        .post(
            "/password",
            &[
                ("current", PASSWORD),
                ("new", "a much better secret"),
                ("confirm", "a much better secret"),
            ],
        )
        .await;
    assert_eq!(ok.location(), Some("/"));
    assert_eq!(
        session_count(&pool, f.a.staff).await,
        1,
        "only the desk's new session is left"
    );
    assert_eq!(
        phone.get("/").await.status,
        StatusCode::SEE_OTHER,
        "the phone is logged out"
    );
    assert_eq!(
        desk.get("/").await.status,
        StatusCode::OK,
        "the desk stays in"
    );
    let mut again = phone.fresh();
    again.login(&f.a.staff_login, "a much better secret").await;
}

#[sqlx::test]
async fn a_disabled_account_is_logged_out_everywhere(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = TestClient::new(&pool);
    staff.login(&f.a.staff_login, PASSWORD).await;
    let mut admin = staff.fresh();
    admin.login(&f.a.admin_login, PASSWORD).await;
    admin.get("/users").await;
    let r = admin
        .post(&format!("/users/{}/disable", f.a.staff), &[])
        .await;
    assert_eq!(r.location(), Some("/users"));
    assert_eq!(session_count(&pool, f.a.staff).await, 0);
    assert_eq!(staff.get("/").await.status, StatusCode::SEE_OTHER);
    let r = staff.try_login(&f.a.staff_login, PASSWORD).await;
    assert!(r.location().is_none(), "a disabled account cannot log in");
}

#[sqlx::test]
async fn state_changing_requests_need_the_csrf_token_and_our_origin(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut client = TestClient::new(&pool);

    // The login form itself is protected (anonymous double-submit token).
    client.get("/login").await;
    let r = client
        .post_raw(
            "/login",
            &[("login", &f.a.admin_login), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    client.login(&f.a.admin_login, PASSWORD).await;
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM community")
        .fetch_one(&pool)
        .await
        .unwrap();
    let r = client
        .post_raw("/communities", &[("name", "CSRF社区")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = client
        .post_raw(
            "/communities",
            &[("name", "CSRF社区"), ("csrf", "forged-token-forged-token")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The right token from another site is refused too.
    let token = client.csrf.clone().unwrap();
    let body =
        serde_urlencoded::to_string([("name", "CSRF社区"), ("csrf", token.as_str())]).unwrap();
    for (name, value) in [
        ("origin", "https://evil.example.com"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let req = axum::http::Request::post("/communities")
            .header("content-type", "application/x-www-form-urlencoded")
            .header(name, value)
            .body(axum::body::Body::from(body.clone()))
            .unwrap();
        assert_eq!(
            client.request(req).await.status,
            StatusCode::FORBIDDEN,
            "{name}"
        );
    }
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM community")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(before, after, "nothing was written");

    // With the token and from our own origin it goes through.
    let req = axum::http::Request::post("/communities")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "http://shouhu.test")
        .header("sec-fetch-site", "same-origin")
        .body(axum::body::Body::from(body))
        .unwrap();
    assert_eq!(client.request(req).await.status, StatusCode::SEE_OTHER);
}

#[sqlx::test]
async fn security_headers_on_every_response(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut client = TestClient::new(&pool);
    let mut responses = vec![
        client.get("/login").await,
        client.get("/no-such-page").await,
        client.get("/healthz").await,
    ];
    client.login(&f.a.admin_login, PASSWORD).await;
    responses.push(client.get("/users").await);
    for r in &responses {
        let csp = r.header("content-security-policy").unwrap_or_default();
        assert_eq!(
            csp,
            "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        );
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("referrer-policy"), Some("same-origin"));
        assert_eq!(r.header("cache-control"), Some("no-store"));
    }
    let css = client.get("/static/app.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.header("x-content-type-options"), Some("nosniff"));
}

#[sqlx::test]
async fn a_one_time_password_must_be_changed_first(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut admin = TestClient::new(&pool);
    admin.login(&f.a.admin_login, PASSWORD).await;
    admin.get("/users").await;
    let r = admin
        .post(&format!("/users/{}/reset-password", f.a.staff), &[])
        .await;
    let one_time = r.text("#one-time-password");
    assert_eq!(one_time.len(), 12);
    // Shown once: the stored value is a hash, and the list page does not show it.
    assert!(!admin.get("/users").await.body.contains(&one_time));

    let mut staff = admin.fresh();
    assert!(
        staff
            .try_login(&f.a.staff_login, PASSWORD)
            .await
            .location()
            .is_none(),
        "the old password is gone"
    );
    let r = staff.login(&f.a.staff_login, &one_time).await;
    assert_eq!(r.location(), Some("/password"));
    // Every page sends them back to the password form until it is changed.
    let r = staff.get("/").await;
    assert_eq!(r.location(), Some("/password"));
    let form = staff.get("/password").await;
    assert!(form.texts("#must-change").len() == 1);
    staff
        .post(
            "/password",
            &[
                ("current", &one_time),
                ("new", "my own password 1"),
                ("confirm", "my own password 1"),
            ],
        )
        .await;
    assert_eq!(staff.get("/").await.status, StatusCode::OK);
}

#[sqlx::test]
async fn login_redirects_only_to_local_paths(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut client = TestClient::new(&pool);
    let r = client.get("/users").await;
    assert_eq!(r.location(), Some("/login?next=%2Fusers"));
    client.get("/login?next=%2Fusers").await;
    let r = client
        .post(
            "/login",
            &[
                ("login", &f.a.admin_login),
                ("password", PASSWORD),
                ("next", "/users"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/users"));
    let mut other = client.fresh();
    other.get("/login").await;
    let r = other
        .post(
            "/login",
            &[
                ("login", &f.a.admin_login),
                ("password", PASSWORD),
                ("next", "//evil.example.com"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/"));
    let mut third = client.fresh();
    third.get("/login").await;
    let r = third
        .post(
            "/login",
            &[
                ("login", &f.a.admin_login),
                ("password", PASSWORD),
                ("next", "/\t/evil.example.com"),
            ],
        )
        .await;
    assert_eq!(
        r.location(),
        Some("/"),
        "a tab that browsers drop cannot make //evil.example.com"
    );
}

#[sqlx::test]
async fn pages_name_an_icon_and_the_old_icon_address_answers(pool: PgPool) {
    let mut client = TestClient::new(&pool);
    let page = client.get("/login").await;
    assert_eq!(
        page.attr("link[rel=icon]", "href").as_deref(),
        Some("/static/icon.svg")
    );
    for path in ["/static/icon.svg", "/favicon.ico"] {
        let r = client.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(r.header("content-type"), Some("image/svg+xml"), "{path}");
        assert!(r.body.starts_with("<svg"), "{path}");
    }
}
