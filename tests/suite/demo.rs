//! `shouhu demo` loads a realistic street once, and its logins work.

use crate::common;

use common::TestClient;
use shouhu::demo;
use sqlx::PgPool;

#[sqlx::test]
async fn the_demo_street_loads_once_and_each_role_logs_in(pool: PgPool) {
    let logins = demo::load(&pool, &common::test_key()).await.unwrap();
    assert_eq!(logins.len(), 3);
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(count("SELECT count(*) FROM community").await, 3);
    // 72 registered over two years, 60 still on the list; the others left it with a reason
    // (parents back home, moved away, turned sixteen), each with its status history.
    assert_eq!(count("SELECT count(*) FROM child").await, 72);
    assert_eq!(
        count("SELECT count(*) FROM child WHERE status = 'active'").await,
        60
    );
    assert_eq!(
        count("SELECT count(DISTINCT status) FROM child WHERE status <> 'active'").await,
        3
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM child c WHERE status <> 'active' AND NOT EXISTS
               (SELECT 1 FROM child_status_change s WHERE s.child_id = c.id AND s.to_status = c.status)"
        )
        .await,
        0
    );
    assert_eq!(
        count("SELECT count(DISTINCT child_id) FROM guardian").await,
        72
    );
    assert_eq!(count("SELECT count(*) FROM volunteer").await, 15);
    assert_eq!(
        count("SELECT count(*) FROM pairing WHERE ended_on IS NULL").await,
        30
    );
    assert!(count("SELECT count(*) FROM pairing WHERE ended_on IS NOT NULL").await >= 9);
    // Visits of every kind over at least four semesters; activities of six kinds, held and
    // planned; aid from several donors; follow-ups open and done.
    assert_eq!(count("SELECT count(DISTINCT kind) FROM visit").await, 8);
    assert!(count("SELECT count(DISTINCT date_trunc('month', visited_on)) FROM visit").await >= 24);
    assert!(count("SELECT count(DISTINCT kind) FROM activity").await >= 6);
    assert!(count("SELECT count(*) FROM activity WHERE status = 'planned'").await >= 3);
    assert!(count("SELECT count(*) FROM activity WHERE status = 'held'").await >= 60);
    assert!(count("SELECT count(DISTINCT donor) FROM aid").await >= 3);
    assert!(count("SELECT count(*) FROM follow_up WHERE status = 'open'").await >= 1);
    assert!(count("SELECT count(*) FROM follow_up WHERE status = 'done'").await >= 10);
    // No activity is in the wrong season: nothing called 暑期 outside June to August.
    assert_eq!(
        count(
            "SELECT count(*) FROM activity WHERE title LIKE '%暑期%'
               AND extract(month FROM starts_at AT TIME ZONE 'Asia/Shanghai') NOT IN (6, 7, 8)"
        )
        .await,
        0
    );
    // Every demo child has a valid, encrypted ID number that decrypts with the key.
    assert_eq!(
        count("SELECT count(*) FROM child WHERE id_number_enc IS NOT NULL AND name_initials <> ''")
            .await,
        72
    );
    let blob: Vec<u8> = sqlx::query_scalar("SELECT id_number_enc FROM child LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let number = common::test_key().decrypt(&blob).unwrap();
    assert!(shouhu::domain::id_number::IdNumber::parse(&number).is_ok());
    // Most files are complete; a few lack consent, so the rate is real.
    let complete =
        count("SELECT count(*) FROM child c WHERE status = 'active' AND cardinality(child_missing(c)) = 0")
            .await;
    assert!((45..60).contains(&complete), "{complete}");

    // A second run adds nothing.
    demo::load(&pool, &common::test_key()).await.unwrap();
    assert_eq!(count("SELECT count(*) FROM child").await, 72);

    for (role, login) in [
        ("street_admin", demo::ADMIN_LOGIN),
        ("community_staff", demo::STAFF_LOGIN),
        ("volunteer", demo::VOLUNTEER_LOGIN),
    ] {
        let mut client = TestClient::new(&pool);
        client.login(login, demo::PASSWORD).await;
        let home = client.get("/").await;
        assert_eq!(
            home.attr("#home-heading", "data-role").as_deref(),
            Some(role)
        );
    }
}

#[sqlx::test]
async fn create_street_makes_a_tenant_with_a_one_time_admin(pool: PgPool) {
    let (street, admin) = shouhu::cli::create_street(
        &pool,
        "城南街道",
        "Admin@ChengNan.cn",
        "管理员",
        "initial-pass-123",
        true,
    )
    .await
    .unwrap();
    let (login, must_change, street_of_admin): (String, bool, uuid::Uuid) =
        sqlx::query_as("SELECT login, must_change_password, street_id FROM app_user WHERE id = $1")
            .bind(admin.0)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (login.as_str(), must_change, street_of_admin),
        ("admin@chengnan.cn", true, street.0)
    );
    let err = shouhu::cli::create_street(
        &pool,
        "另一个",
        "admin@chengnan.cn",
        "x",
        "initial-pass-123",
        true,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("already in use"), "{err}");
    let err = shouhu::cli::create_street(
        &pool,
        "另一个",
        "not a login",
        "x",
        "initial-pass-123",
        true,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("email"), "{err}");
    let mut client = TestClient::new(&pool);
    let r = client.login("admin@chengnan.cn", "initial-pass-123").await;
    assert_eq!(r.location(), Some("/password"));
}

/// For each of the past six quarters, what the street's report list says of each community
/// (registered children at the quarter's end, visits, person-times) is what the records say,
/// counted here another way, and none of it is zero; the reports are in every state.
#[sqlx::test]
async fn the_demo_reports_agree_with_the_demo_records(pool: PgPool) {
    use shouhu::domain::semester::{Quarter, today_in_china};

    demo::load(&pool, &common::test_key()).await.unwrap();
    let mut client = TestClient::new(&pool);
    client.login(demo::ADMIN_LOGIN, demo::PASSWORD).await;
    let today = today_in_china();
    let mut q = Quarter::containing(today);
    let mut statuses = std::collections::BTreeSet::new();
    let mut lines = 0;
    for _ in 0..6 {
        q = Quarter::containing(q.start() - chrono::Duration::days(1));
        let (start, end) = (q.start(), q.end());
        let r = client
            .get(&format!("/api/v1/reports?period={}-Q{}", q.year, q.number))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        for line in body.as_array().unwrap() {
            let community: uuid::Uuid = line["community_id"].as_str().unwrap().parse().unwrap();
            let joined: chrono::NaiveDate = sqlx::query_scalar(
                "SELECT (created_at AT TIME ZONE 'Asia/Shanghai')::date FROM community WHERE id = $1",
            )
            .bind(community)
            .fetch_one(&pool)
            .await
            .unwrap();
            if joined > start {
                // Not in the programme yet that quarter: nothing owed, nothing late.
                assert_eq!(line["status"], "draft", "{line}");
                continue;
            }
            lines += 1;
            statuses.insert(line["status"].as_str().unwrap().to_string());
            // On the list at the quarter's end: registered by then and not taken off by then.
            let children: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM child c WHERE c.community_id = $1
                   AND (c.created_at AT TIME ZONE 'Asia/Shanghai')::date <= $2
                   AND NOT EXISTS (SELECT 1 FROM child_status_change s
                                   WHERE s.child_id = c.id AND s.to_status <> 'active' AND s.changed_on <= $2)",
            )
            .bind(community)
            .bind(end)
            .fetch_one(&pool)
            .await
            .unwrap();
            let visits: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM visit v WHERE v.visited_on BETWEEN $2 AND $3
                   AND v.child_id IN (SELECT id FROM child WHERE community_id = $1)",
            )
            .bind(community)
            .bind(start)
            .bind(end)
            .fetch_one(&pool)
            .await
            .unwrap();
            let person_times: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM attendance t WHERE t.activity_id IN
                   (SELECT id FROM activity WHERE community_id = $1 AND status = 'held'
                      AND (starts_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN $2 AND $3)",
            )
            .bind(community)
            .bind(start)
            .bind(end)
            .fetch_one(&pool)
            .await
            .unwrap();
            let f = &line["figures"];
            let shown = (
                f["children"].as_i64().unwrap(),
                f["visits"].as_i64().unwrap(),
                f["person_times"].as_i64().unwrap(),
            );
            assert_eq!(shown, (children, visits, person_times), "{q:?} {line}");
            assert!(
                children > 0 && visits > 0 && person_times > 0,
                "{q:?} {line}"
            );
            assert!(f["activities"].as_i64().unwrap() > 0, "{q:?} {line}");
        }
    }
    // Three communities, one of which joined later: at least fifteen community-quarters.
    assert!(lines >= 15, "{lines}");
    for status in ["approved", "submitted", "returned", "draft"] {
        assert!(statuses.contains(status), "{statuses:?}");
    }
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    // A report returned with a comment, one submitted after its deadline (ten days after the
    // quarter), and this quarter's draft.
    assert!(
        count(
            "SELECT count(*) FROM report_transition WHERE to_status = 'returned' AND comment <> ''"
        )
        .await
            >= 2
    );
    assert!(
        count(
            "SELECT count(*) FROM report WHERE submitted_at IS NOT NULL AND
               (submitted_at AT TIME ZONE 'Asia/Shanghai')::date >
               make_date(year, quarter * 3, 1) + interval '1 month' - interval '1 day' + interval '10 days'"
        )
        .await
            >= 1
    );
    let (year, number) = {
        let now = Quarter::containing(today);
        (now.year, now.number as i32)
    };
    let drafts: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM report WHERE year = $1 AND quarter = $2 AND status = 'draft' AND work_done <> ''",
    )
    .bind(year)
    .bind(number as i16)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(drafts, 1);

    // The reports page opens on what waits: the street admin sees the report submitted for
    // review (and, once the deadline has passed, the community that has not submitted), and
    // opens on that quarter; 和平社区's staff see their returned report.
    let last = Quarter::containing(today).previous();
    let page = client.get("/reports").await;
    assert_eq!(page.status, 200);
    assert!(
        page.text("h1")
            .contains(&last.label(shouhu::i18n::Lang::Zh)),
        "{}",
        page.text("h1")
    );
    let submitted = page.texts("#reports-todo li[data-waiting=submitted]");
    assert!(
        submitted.iter().any(|l| l.contains("幸福社区")),
        "{submitted:?}"
    );
    if today > last.end() + chrono::Duration::days(10) {
        let overdue = page.texts("#reports-todo li[data-overdue]");
        assert!(
            overdue.iter().any(|l| l.contains("东风社区")),
            "{overdue:?}"
        );
    }
    let mut staff = TestClient::new(&pool);
    staff.login("13800000002", demo::PASSWORD).await;
    let page = staff.get("/reports").await;
    let returned = page.texts("#reports-todo li[data-waiting=returned]");
    assert!(
        returned.iter().any(|l| l.contains("和平社区")),
        "{returned:?}"
    );
}

/// After `shouhu create-street`, the admin's home opens on the first steps; each ticks itself as
/// the records show it done, and the list is gone when all are. Saving the settings says so.
#[sqlx::test]
async fn a_new_street_starts_on_a_checklist_that_ticks_itself(pool: PgPool) {
    let (street, _) = shouhu::cli::create_street(
        &pool,
        "城北街道",
        "admin@chengbei.cn",
        "管理员",
        "initial-pass-123",
        false,
    )
    .await
    .unwrap();
    let mut client = TestClient::new(&pool);
    client.login("admin@chengbei.cn", "initial-pass-123").await;
    let steps = |page: &common::TestResponse| {
        (
            page.texts("#first-steps li").len(),
            page.texts("#first-steps li[data-done]").len(),
        )
    };
    let home = client.get("/").await;
    assert_eq!(steps(&home), (5, 0));
    // Every step not done has its button.
    assert_eq!(home.texts("#first-steps li a.button").len(), 5);
    assert_eq!(
        home.attr("#first-steps li[data-step=roster] a", "href")
            .as_deref(),
        Some("/children/import")
    );
    // An empty list says what to do next, with the button to do it.
    let children = client.get("/children").await;
    assert_eq!(
        children
            .attr("a.button[href='/children/import']", "href")
            .as_deref(),
        Some("/children/import")
    );

    let run = |sql: &'static str| sqlx::query(sql).bind(street.0);
    let community = uuid::Uuid::now_v7();
    run("INSERT INTO community (street_id, id, name) VALUES ($1, $2, '北门社区')")
        .bind(community)
        .execute(&pool)
        .await
        .unwrap();
    let home = client.get("/").await;
    assert_eq!(
        steps(&home),
        (5, 0),
        "a community without grids is not done"
    );
    run("INSERT INTO grid (street_id, id, community_id, name) VALUES ($1, gen_random_uuid(), $2, '一网格')")
        .bind(community)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(steps(&client.get("/").await), (5, 1));
    run("INSERT INTO app_user (street_id, id, login, display_name, role, community_id, password_hash)
         VALUES ($1, gen_random_uuid(), '13700000001', '社工', 'community_staff', $2, 'x')")
    .bind(community)
    .execute(&pool)
    .await
    .unwrap();
    run("INSERT INTO child (street_id, id, community_id, name, gender, birth_date, left_behind, care_situation)
         VALUES ($1, gen_random_uuid(), $2, '张三', 'male', '2016-01-01', 'father_away', 'grandparents')")
    .bind(community)
    .execute(&pool)
    .await
    .unwrap();
    run(
        "INSERT INTO volunteer (street_id, id, community_id, name, phone, kind)
         VALUES ($1, gen_random_uuid(), $2, '李四', '13900009999', 'teacher')",
    )
    .bind(community)
    .execute(&pool)
    .await
    .unwrap();
    let home = client.get("/").await;
    assert_eq!(steps(&home), (5, 4));
    assert_eq!(
        home.texts("#first-steps li:not([data-done])"),
        vec![home.text("#first-steps li[data-step=deadline]")]
    );
    let version = client
        .get("/settings")
        .await
        .attr("input[name=version]", "value")
        .unwrap();
    let saved = client
        .post(
            "/settings",
            &[
                ("version", &version),
                ("caseload_cap", "3"),
                ("report_deadline_days", "15"),
                ("retention_years", "5"),
            ],
        )
        .await;
    assert_eq!(saved.status, 200);
    assert!(!saved.text("#saved").is_empty(), "saving says so");
    let home = client.get("/").await;
    assert_eq!(steps(&home), (0, 0), "all done: the checklist is gone");
}
