//! A street admin manages communities, grids and accounts in the browser (HTTP level).

use crate::common;

use axum::http::StatusCode;
use common::{Fixture, PASSWORD, TestClient};
use sqlx::PgPool;

#[sqlx::test]
async fn admin_creates_communities_and_grids_with_messages_beside_fields(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut admin = TestClient::new(&pool);
    admin.login(&f.a.admin_login, PASSWORD).await;
    admin.get("/communities").await;

    let r = admin
        .post("/communities", &[("name", "  "), ("address", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.texts(".field-error"), vec!["此项必填。"]);

    let r = admin
        .post(
            "/communities",
            &[("name", "向阳社区"), ("address", "向阳路1号")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = admin.get(r.location().unwrap()).await;
    assert_eq!(page.text("#community-name"), "向阳社区");

    // Same name again: a clear message, nothing written, the typed value kept.
    admin.get("/communities").await;
    let r = admin
        .post("/communities", &[("name", "向阳社区"), ("address", "别处")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.texts(".field-error"), vec!["本街道已有同名社区。"]);
    assert_eq!(r.attr("#address", "value").as_deref(), Some("别处"));
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM community WHERE name = '向阳社区'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 1);

    // Another street may use the same name.
    let mut other = TestClient::new(&pool);
    other.login(&f.b.admin_login, PASSWORD).await;
    other.get("/communities").await;
    let r = other.post("/communities", &[("name", "向阳社区")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // Grids.
    let community = f.a.community;
    admin.get(&format!("/communities/{community}")).await;
    let r = admin
        .post(
            &format!("/communities/{community}/grids"),
            &[("name", "三网格")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = admin
        .post(
            &format!("/communities/{community}/grids"),
            &[("name", "三网格")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.texts(".field-error"), vec!["本社区已有同名网格。"]);
    let page = admin.get(&format!("/communities/{community}")).await;
    assert!(
        page.texts("#grid-list li")
            .iter()
            .any(|g| g.starts_with("三网格"))
    );

    // The admin's list shows the counts.
    let list = admin.get("/communities").await;
    assert_eq!(list.texts("#community-table tbody tr").len(), 3);
}

#[sqlx::test]
async fn admin_creates_staff_and_volunteer_accounts(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut admin = TestClient::new(&pool);
    admin.login(&f.a.admin_login, PASSWORD).await;
    admin.get("/users/new").await;

    // Everything wrong at once: each message beside its field, nothing written.
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM app_user")
        .fetch_one(&pool)
        .await
        .unwrap();
    let r = admin
        .post(
            "/users",
            &[
                ("display_name", ""),
                ("login", "12345"),
                ("role", "community_staff"),
                ("community_id", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.texts(".field-error"),
        vec![
            "此项必填。",
            "请填写有效的手机号（11 位）或邮箱。",
            "请选择所属社区。"
        ]
    );
    let r = admin
        .post(
            "/users",
            &[
                ("display_name", "重复"),
                ("login", &f.b.admin_login),
                ("role", "street_admin"),
            ],
        )
        .await;
    assert_eq!(
        r.texts(".field-error"),
        vec!["该登录名已被使用。"],
        "logins are unique across streets"
    );
    // A community of another street is not a community here.
    let b_community = f.b.community.to_string();
    let r = admin
        .post(
            "/users",
            &[
                ("display_name", "越界"),
                ("login", "13700000009"),
                ("role", "community_staff"),
                ("community_id", &b_community),
            ],
        )
        .await;
    assert_eq!(r.texts(".field-error"), vec!["请选择所属社区。"]);
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM app_user")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(before, after);

    // A staff account.
    let community = f.a.community.to_string();
    let r = admin
        .post(
            "/users",
            &[
                ("display_name", "新社工"),
                ("login", "137 0000 0001"),
                ("role", "community_staff"),
                ("community_id", &community),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.text("#new-login"), "13700000001");
    let one_time = r.text("#one-time-password");
    let (role, must_change, hash): (String, bool, String) =
        sqlx::query_as("SELECT role::text, must_change_password, password_hash FROM app_user WHERE login = '13700000001'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(role, "community_staff");
    assert!(must_change);
    assert!(hash.starts_with("$argon2id$") && !hash.contains(&one_time));

    let mut staff = TestClient::new(&pool);
    staff.login("13700000001", &one_time).await;
    staff
        .post(
            "/password",
            &[
                ("current", &one_time),
                ("new", "staff password 99"),
                ("confirm", "staff password 99"),
            ],
        )
        .await;
    let home = staff.get("/").await;
    assert_eq!(
        home.attr("#home-heading", "data-role").as_deref(),
        Some("community_staff")
    );
    assert_eq!(home.text("#home-heading"), f.a.community_name);

    // A volunteer account with a new volunteer record, linked to it.
    admin.get("/users/new").await;
    let r = admin
        .post(
            "/users",
            &[
                ("display_name", "李爱心"),
                ("login", "13700000002"),
                ("role", "volunteer"),
                ("community_id", &community),
                ("volunteer_kind", "caring_mother"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (kind, vcommunity): (String, uuid::Uuid) = sqlx::query_as(
        "SELECT v.kind::text, v.community_id FROM app_user u JOIN volunteer v ON v.street_id = u.street_id AND v.id = u.volunteer_id
         WHERE u.login = '13700000002'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (kind.as_str(), vcommunity),
        ("caring_mother", f.a.community)
    );

    // The account list shows them, with their state.
    let list = admin.get("/users").await;
    let rows = list.texts("#user-table tbody tr");
    assert!(
        rows.iter()
            .any(|r| r.contains("新社工") && r.contains("社区工作人员"))
    );
    assert!(
        rows.iter()
            .any(|r| r.contains("李爱心") && r.contains("待修改初始密码"))
    );
    assert!(!list.body.contains("SECRETb"));
}

#[sqlx::test]
async fn an_admin_cannot_disable_themselves(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut admin = TestClient::new(&pool);
    admin.login(&f.a.admin_login, PASSWORD).await;
    admin.get("/users").await;
    let r = admin
        .post(&format!("/users/{}/disable", f.a.admin), &[])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(admin.get("/users").await.status, StatusCode::OK);
}

#[sqlx::test]
async fn home_pages_per_role(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut admin = TestClient::new(&pool);
    admin.login(&f.a.admin_login, PASSWORD).await;
    let home = admin.get("/").await;
    assert_eq!(
        home.attr("#home-heading", "data-role").as_deref(),
        Some("street_admin")
    );
    assert_eq!(home.text("#total-children"), "1");
    assert_eq!(home.texts("#community-table tbody tr").len(), 2);

    let mut volunteer = TestClient::new(&pool);
    volunteer.login(&f.a.volunteer_login, PASSWORD).await;
    let home = volunteer.get("/").await;
    assert_eq!(
        home.attr("#home-heading", "data-role").as_deref(),
        Some("volunteer")
    );
    let cards = home.texts("#my-children li");
    assert_eq!(cards.len(), 1);
    assert!(cards[0].contains(&f.a.child_name));

    // Another volunteer's pairing in the same community never shows on this one's page.
    let (other, child) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    for sql in [
        "INSERT INTO volunteer (street_id, id, community_id, name, kind, phone) VALUES ($1, $2, $3, '别的志愿者', 'caring_mother', '13900000001')",
        "INSERT INTO child (street_id, id, community_id, name, gender, birth_date, left_behind, care_situation) VALUES ($1, $4, $3, '别人结对的孩子', 'male', '2015-01-01', 'father_away', 'relatives')",
        "INSERT INTO pairing (street_id, id, community_id, volunteer_id, child_id, started_on) VALUES ($1, gen_random_uuid(), $3, $2, $4, '2026-09-01')",
    ] {
        sqlx::query(sql)
            .bind(f.a.id)
            .bind(other)
            .bind(f.a.community)
            .bind(child)
            .execute(&pool)
            .await
            .unwrap();
    }
    let home = volunteer.get("/").await;
    assert_eq!(home.texts("#my-children li").len(), 1);
    assert!(!home.body.contains("别人结对的孩子"));

    // An ended pairing disappears from the volunteer's page.
    sqlx::query("UPDATE pairing SET ended_on = started_on WHERE child_id = $1")
        .bind(f.a.child)
        .execute(&pool)
        .await
        .unwrap();
    let home = volunteer.get("/").await;
    assert!(home.texts("#my-children li").is_empty());
    assert!(!home.body.contains(&f.a.child_name));
}

#[sqlx::test]
async fn the_interface_speaks_chinese_by_default_and_english_on_request(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut client = TestClient::new(&pool);
    let page = client.get("/login").await;
    assert_eq!(page.attr("html", "lang").as_deref(), Some("zh-CN"));
    assert_eq!(page.text("h1"), "登录");

    let req = axum::http::Request::get("/login")
        .header("accept-language", "en-GB,en;q=0.9")
        .body(axum::body::Body::empty())
        .unwrap();
    let page = client.request(req).await;
    assert_eq!(page.text("h1"), "Log in");

    // The switch in the footer sets a cookie and, for a logged-in user, their setting.
    client.login(&f.a.admin_login, PASSWORD).await;
    let r = client
        .post("/locale", &[("lang", "en"), ("back", "/users")])
        .await;
    assert_eq!(r.location(), Some("/users"));
    let page = client.get("/users").await;
    assert_eq!(page.attr("html", "lang").as_deref(), Some("en"));
    assert_eq!(page.text("h1"), "Accounts");
    let locale: Option<String> = sqlx::query_scalar("SELECT locale FROM app_user WHERE id = $1")
        .bind(f.a.admin)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(locale.as_deref(), Some("en"));
    let r = client.post("/locale", &[("lang", "fr")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // Error pages follow the language too, and show no internals.
    let missing = client.get("/nowhere").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.text("h1"), "Page not found");
}

#[sqlx::test]
async fn health_and_readiness(pool: PgPool) {
    let mut client = TestClient::new(&pool);
    let r = client.get("/healthz").await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "ok"));
    let r = client.get("/readyz").await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "ready"));
    // A migration missing from the database: not ready.
    sqlx::query("DELETE FROM _sqlx_migrations")
        .execute(&pool)
        .await
        .unwrap();
    let r = client.get("/readyz").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[sqlx::test]
async fn a_server_error_shows_no_internals(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut admin = TestClient::new(&pool);
    admin.login(&f.a.admin_login, PASSWORD).await;
    sqlx::query("ALTER TABLE grid RENAME TO grid_gone")
        .execute(&pool)
        .await
        .unwrap();
    let r = admin.get("/communities").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.text("h1"), "系统出错了");
    for internal in ["grid", "relation", "sqlx", "panicked", "database"] {
        assert!(!r.body.contains(internal), "500 page shows {internal}");
    }
}

#[sqlx::test]
async fn a_volunteer_login_is_linked_only_within_the_chosen_community(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let volunteer = uuid::Uuid::now_v7();
    sqlx::query(
        "INSERT INTO volunteer (street_id, id, community_id, name, phone, kind) VALUES ($1, $2, $3, '别社区志愿者', '13700000009', 'caring_mother')",
    )
    .bind(f.a.id)
    .bind(volunteer)
    .bind(f.a.other_community)
    .execute(&pool)
    .await
    .unwrap();
    let mut admin = TestClient::new(&pool);
    admin.login(&f.a.admin_login, PASSWORD).await;
    let (id, mine, theirs) = (
        volunteer.to_string(),
        f.a.community.to_string(),
        f.a.other_community.to_string(),
    );
    let link = |community: &str| {
        [
            ("display_name", "别社区志愿者"),
            ("login", "13700000009"),
            ("role", "volunteer"),
            ("community_id", community),
            ("volunteer_id", id.as_str()),
        ]
        .map(|(k, v)| (k, v.to_string()))
    };
    admin.get("/users/new").await;
    let fields = link(&mine);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = admin.post("/users", &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("属于另一个社区"), "{}", r.body);
    admin.get("/users/new").await;
    let fields = link(&theirs);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = admin.post("/users", &fields).await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{}",
        r.body
    );
    let linked: i64 = sqlx::query_scalar("SELECT count(*) FROM app_user WHERE volunteer_id = $1")
        .bind(volunteer)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(linked, 1);
}

/// Linking a login to a volunteer offers the volunteers grouped by their community, each group
/// naming its community, so the form (and its script) can offer only the chosen community's.
#[sqlx::test]
async fn the_volunteer_list_is_grouped_by_community(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    for (community, name) in [
        (f.a.community, "甲社区志愿者"),
        (f.a.other_community, "乙社区志愿者"),
    ] {
        sqlx::query(
            "INSERT INTO volunteer (street_id, id, community_id, name, phone, kind)
             VALUES ($1, gen_random_uuid(), $2, $3, '13900001111', 'teacher')",
        )
        .bind(f.a.id)
        .bind(community)
        .bind(name)
        .execute(&pool)
        .await
        .unwrap();
    }
    let mut admin = TestClient::new(&pool);
    admin.login(&f.a.admin_login, PASSWORD).await;
    let page = admin.get("/users/new").await;
    let html = page.html();
    let group = scraper::Selector::parse("#volunteer_id optgroup").unwrap();
    let option = scraper::Selector::parse("option").unwrap();
    let mut seen = Vec::new();
    for g in html.select(&group) {
        let community: uuid::Uuid = g.value().attr("data-community").unwrap().parse().unwrap();
        for o in g.select(&option) {
            seen.push((community, o.text().collect::<String>()));
        }
    }
    assert!(
        seen.contains(&(f.a.community, "甲社区志愿者".to_string())),
        "{seen:?}"
    );
    assert!(
        seen.contains(&(f.a.other_community, "乙社区志愿者".to_string())),
        "{seen:?}"
    );
    assert!(
        !seen.contains(&(f.a.community, "乙社区志愿者".to_string())),
        "{seen:?}"
    );
    assert!(page.body.contains("/static/user-form.js"));
}
