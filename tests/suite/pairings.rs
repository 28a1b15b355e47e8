//! Volunteers, pairings, the five duties and visits on a phone.

use crate::common;

use axum::http::StatusCode;
use common::{Fixture, PASSWORD, TestClient};
use shouhu::domain::semester::today_in_china;
use sqlx::PgPool;
use uuid::Uuid;

async fn client(pool: &PgPool, login: &str) -> TestClient {
    let mut c = TestClient::new(pool);
    c.login(login, PASSWORD).await;
    c
}

/// A new active child in a community (no pairing), returning its id.
async fn add_child(pool: &PgPool, street: Uuid, community: Uuid, name: &str) -> Uuid {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO child (street_id, id, community_id, name, gender, birth_date, left_behind, care_situation)
         VALUES ($1, $2, $3, $4, 'male', '2015-06-01', 'father_away', 'grandparents')",
    )
    .bind(street)
    .bind(id)
    .bind(community)
    .bind(name)
    .execute(pool)
    .await
    .unwrap();
    id
}

/// A volunteer; `complete` sets the whole safeguarding checklist.
async fn add_volunteer(
    pool: &PgPool,
    street: Uuid,
    community: Uuid,
    name: &str,
    complete: bool,
) -> Uuid {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO volunteer (street_id, id, community_id, name, phone, kind, record_check_seen_on, training_done_on, conduct_accepted_at)
         VALUES ($1, $2, $3, $4, '13700001234', 'proxy_parent', CASE WHEN $5 THEN date '2026-08-01' END,
                 CASE WHEN $5 THEN date '2026-08-02' END, CASE WHEN $5 THEN now() END)",
    )
    .bind(street)
    .bind(id)
    .bind(community)
    .bind(name)
    .bind(complete)
    .execute(pool)
    .await
    .unwrap();
    id
}

fn pairing_form<'a>(child: &'a str, volunteer: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("child_id", child),
        ("volunteer_id", volunteer),
        ("started_on", "2026-09-01"),
        ("goals", "每月谈心"),
    ]
}

async fn active_pairings(pool: &PgPool, volunteer: Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM pairing WHERE volunteer_id = $1 AND ended_on IS NULL")
        .bind(volunteer)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn the_safeguarding_gate_and_the_admin_override(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let child = add_child(&pool, f.a.id, f.a.community, "新童").await;
    let volunteer = add_volunteer(&pool, f.a.id, f.a.community, "未审查", false).await;
    let (c, v) = (child.to_string(), volunteer.to_string());

    let mut staff = client(&pool, &f.a.staff_login).await;
    staff.get("/pairings/new").await;
    let r = staff.post("/pairings", &pairing_form(&c, &v)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.texts(".field-error")[0].contains("安全审查"),
        "{:?}",
        r.texts(".field-error")
    );
    // Staff cannot override, even by sending a reason.
    let mut with_reason = pairing_form(&c, &v);
    with_reason.push(("override_reason", "急需"));
    assert_eq!(
        staff.post("/pairings", &with_reason).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(active_pairings(&pool, volunteer).await, 0);

    let mut admin = client(&pool, &f.a.admin_login).await;
    admin.get("/pairings/new").await;
    let r = admin.post("/pairings", &pairing_form(&c, &v)).await;
    assert_eq!(
        r.texts(".field-error"),
        vec!["该志愿者的安全审查尚未完成；如需特批，请填写特批理由。"]
    );
    let r = admin.post("/pairings", &with_reason).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(active_pairings(&pool, volunteer).await, 1);
    let (reason, audited): (String, i64) = sqlx::query_as(
        "SELECT p.override_reason, (SELECT count(*) FROM audit_event WHERE action = 'pairing_safeguarding_override' AND entity_id = $1)
         FROM pairing p WHERE p.volunteer_id = $1",
    )
    .bind(volunteer)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((reason.as_str(), audited), ("急需", 1));
}

#[sqlx::test]
async fn the_caseload_cap_is_enforced_with_a_clear_message(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut admin = client(&pool, &f.a.admin_login).await;
    let version = admin
        .get("/settings")
        .await
        .attr("input[name=version]", "value")
        .unwrap();
    let r = admin
        .post(
            "/settings",
            &[
                ("version", &version),
                ("caseload_cap", "0"),
                ("report_deadline_days", "10"),
                ("retention_years", "2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin
        .post(
            "/settings",
            &[
                ("version", &version),
                ("caseload_cap", "2"),
                ("report_deadline_days", "10"),
                ("retention_years", "2"),
            ],
        )
        .await;
    assert_eq!(r.texts("#saved").len(), 1);

    // The fixture volunteer has one child; one more fits, a third does not.
    let second = add_child(&pool, f.a.id, f.a.community, "二童")
        .await
        .to_string();
    let third = add_child(&pool, f.a.id, f.a.community, "三童")
        .await
        .to_string();
    let v = f.a.volunteer.to_string();
    let mut staff = client(&pool, &f.a.staff_login).await;
    staff.get("/pairings/new").await;
    assert_eq!(
        staff
            .post("/pairings", &pairing_form(&second, &v))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    staff.get("/pairings/new").await;
    let r = staff.post("/pairings", &pairing_form(&third, &v)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.texts(".field-error"),
        vec!["该志愿者的结对人数已达上限。"]
    );
    assert!(r.body.contains("最多结对 2"), "the cap is shown");
    assert_eq!(active_pairings(&pool, f.a.volunteer).await, 2);
    // Unpaired children are listed; the third is among them.
    let list = staff.get("/pairings").await;
    assert!(list.text("#unpaired").contains("三童") && !list.text("#unpaired").contains("二童"));
}

/// Two staff members pairing two children with the same volunteer at once: the cap holds.
#[sqlx::test]
async fn the_caseload_cap_holds_when_two_pair_at_once(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    sqlx::query("UPDATE street SET caseload_cap = 2 WHERE id = $1")
        .bind(f.a.id)
        .execute(&pool)
        .await
        .unwrap();
    let v = f.a.volunteer.to_string();
    for round in 0..3 {
        // The fixture volunteer has one child: one more fits.
        sqlx::query("DELETE FROM pairing WHERE volunteer_id = $1 AND child_id <> $2")
            .bind(f.a.volunteer)
            .bind(f.a.child)
            .execute(&pool)
            .await
            .unwrap();
        let one = add_child(&pool, f.a.id, f.a.community, &format!("甲{round}"))
            .await
            .to_string();
        let two = add_child(&pool, f.a.id, f.a.community, &format!("乙{round}"))
            .await
            .to_string();
        let mut staff = client(&pool, &f.a.staff_login).await;
        let mut admin = client(&pool, &f.a.admin_login).await;
        staff.get("/pairings/new").await;
        admin.get("/pairings/new").await;
        let form_one = pairing_form(&one, &v);
        let form_two = pairing_form(&two, &v);
        let (a, b) = tokio::join!(
            staff.post("/pairings", &form_one),
            admin.post("/pairings", &form_two)
        );
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::SEE_OTHER, StatusCode::UNPROCESSABLE_ENTITY],
            "round {round}"
        );
        assert_eq!(
            active_pairings(&pool, f.a.volunteer).await,
            2,
            "round {round}"
        );
    }
}

#[sqlx::test]
async fn pairing_needs_the_same_community_and_an_unpaired_child(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let other_volunteer = add_volunteer(&pool, f.a.id, f.a.other_community, "二社区志愿者", true)
        .await
        .to_string();
    let child = add_child(&pool, f.a.id, f.a.community, "一社区童")
        .await
        .to_string();
    let mut admin = client(&pool, &f.a.admin_login).await;
    admin.get("/pairings/new").await;
    let r = admin
        .post("/pairings", &pairing_form(&child, &other_volunteer))
        .await;
    assert_eq!(
        r.texts(".field-error"),
        vec!["志愿者和儿童须属于同一社区。"]
    );
    // The fixture child is already paired: one-to-one.
    let r = admin
        .post(
            "/pairings",
            &pairing_form(&f.a.child.to_string(), &f.a.volunteer.to_string()),
        )
        .await;
    assert_eq!(
        r.texts(".field-error"),
        vec!["请选择一名未结对的在册儿童。"]
    );
    // Another street's volunteer is not offered and not accepted.
    let r = admin
        .post(
            "/pairings",
            &pairing_form(&child, &f.b.volunteer.to_string()),
        )
        .await;
    assert_eq!(r.texts(".field-error"), vec!["请选择一名在岗志愿者。"]);
}

#[sqlx::test]
async fn a_volunteer_logs_a_home_visit_and_the_duty_is_done(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut volunteer = client(&pool, &f.a.volunteer_login).await;
    let home = volunteer.get("/").await;
    let chips = home
        .html()
        .select(&scraper::Selector::parse("#my-children [data-duty]").unwrap())
        .map(|e| e.value().attr("data-duty").unwrap().to_string())
        .collect::<Vec<_>>();
    assert!(
        chips.contains(&"home_visit".to_string()),
        "home visit open: {chips:?}"
    );

    let child = f.a.child;
    let form = volunteer.get(&format!("/v/children/{child}/visit")).await;
    let id = form.attr("input[name=id]", "value").unwrap();
    assert_eq!(
        form.attr("#visited_on", "value"),
        Some(today_in_china().to_string()),
        "today by default"
    );
    let fields = [
        ("id", id.as_str()),
        ("child_id", &child.to_string()),
        ("kind", "home_visit"),
        ("visited_on", &today_in_china().to_string()),
        ("duration_minutes", "40"),
        ("study", "4"),
        ("life", "3"),
        ("health", "5"),
        ("mood", "2"),
        ("notes", "奶奶腿脚不便"),
        ("needs", "需要冬衣"),
        ("follow_up", "联系社区送冬衣"),
        ("follow_up_due", "2099-01-01"),
    ];
    let r = volunteer.post("/v/visits", &fields).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{:?}",
        r.texts(".field-error")
    );
    let card = volunteer.get(r.location().unwrap()).await;
    assert_eq!(card.texts("#visit-saved").len(), 1);
    assert_eq!(
        card.attr("#card-duties [data-duty=home_visit]", "data-state")
            .as_deref(),
        Some("done")
    );
    // Sent again (a double tap, a retry): still one visit.
    volunteer.post("/v/visits", &fields).await;
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM visit WHERE child_id = $1 AND kind = 'home_visit'",
    )
    .bind(child)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(n, 1);
    let stored: (i16, String, Uuid) =
        sqlx::query_as("SELECT mood_score, needs, pairing_id FROM visit WHERE id = $1")
            .bind(Uuid::parse_str(&id).unwrap())
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(stored, (2, "需要冬衣".to_string(), f.a.pairing));
    // The follow-up waits on the volunteer's home page.
    let home = volunteer.get("/").await;
    assert!(home.text("#my-follow-ups").contains("联系社区送冬衣"));

    // Staff see it on the child's timeline and in the grid.
    let mut staff = client(&pool, &f.a.staff_login).await;
    let page = staff.get(&format!("/children/{child}")).await;
    assert!(
        page.texts("#timeline li.visit")
            .iter()
            .any(|t| t.contains("家访") && t.contains("奶奶腿脚不便"))
    );
    let grid = staff.get("/pairings/duties").await;
    assert_eq!(
        grid.attr(
            &format!(
                "tr[data-pairing='{}'] td[data-duty=home_visit]",
                f.a.pairing
            ),
            "data-state"
        )
        .as_deref(),
        Some("done")
    );
    assert_eq!(
        grid.attr(
            &format!("tr[data-pairing='{}'] td[data-duty=letter]", f.a.pairing),
            "data-state"
        )
        .as_deref(),
        Some("open")
    );
}

#[sqlx::test]
async fn a_volunteer_sees_only_active_pairings(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let unpaired = add_child(&pool, f.a.id, f.a.community, "别人的孩子").await;
    let mut volunteer = client(&pool, &f.a.volunteer_login).await;
    for path in [
        format!("/v/children/{unpaired}"),
        format!("/v/children/{unpaired}/visit"),
        format!("/v/children/{}", f.b.child),
        format!("/children/{}", f.a.child),
        "/children".to_string(),
        "/pairings".to_string(),
        "/volunteers".to_string(),
    ] {
        let r = volunteer.get(&path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
    let card = volunteer.get(&format!("/v/children/{}", f.a.child)).await;
    assert_eq!(card.status, StatusCode::OK);
    // Never ID numbers or sensitive notes on a volunteer page.
    sqlx::query("UPDATE child SET id_number_masked = '360781********1234', health_condition = '哮喘SECRET' WHERE id = $1").bind(f.a.child).execute(&pool).await.unwrap();
    let card = volunteer.get(&format!("/v/children/{}", f.a.child)).await;
    assert!(!card.body.contains("********") && !card.body.contains("哮喘SECRET"));

    // Logging for a child not paired with them: 404 and nothing written.
    volunteer
        .get(&format!("/v/children/{}/visit", f.a.child))
        .await;
    let id = Uuid::now_v7().to_string();
    let unpaired_s = unpaired.to_string();
    let r = volunteer
        .post(
            "/v/visits",
            &[
                ("id", &id),
                ("child_id", &unpaired_s),
                ("kind", "talk"),
                ("visited_on", "2026-10-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // After the pairing ends: the card and the form are gone.
    sqlx::query("UPDATE pairing SET ended_on = '2026-11-01', end_reason = '搬家' WHERE id = $1")
        .bind(f.a.pairing)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        volunteer
            .get(&format!("/v/children/{}", f.a.child))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let child_s = f.a.child.to_string();
    let r = volunteer
        .post(
            "/v/visits",
            &[
                ("id", &id),
                ("child_id", &child_s),
                ("kind", "talk"),
                ("visited_on", "2026-10-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM visit WHERE id = $1")
        .bind(Uuid::parse_str(&id).unwrap())
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
    assert!(!volunteer.get("/").await.body.contains(&f.a.child_name));
}

#[sqlx::test]
async fn a_volunteer_who_leaves_loses_access_at_once(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut volunteer = client(&pool, &f.a.volunteer_login).await;
    assert_eq!(
        volunteer
            .get(&format!("/v/children/{}", f.a.child))
            .await
            .status,
        StatusCode::OK
    );
    let mut staff = client(&pool, &f.a.staff_login).await;
    let page = staff.get(&format!("/volunteers/{}", f.a.volunteer)).await;
    let version = page
        .attr("#volunteer-form input[name=version]", "value")
        .unwrap();
    let r = staff
        .post(
            &format!("/volunteers/{}", f.a.volunteer),
            &[
                ("name", "甲志愿者"),
                ("phone", "13900000000"),
                ("kind", "caring_mother"),
                ("status", "left"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{:?}",
        r.texts(".field-error")
    );
    assert_eq!(
        volunteer.get("/").await.status,
        StatusCode::SEE_OTHER,
        "logged out"
    );
    let again = volunteer.try_login(&f.a.volunteer_login, PASSWORD).await;
    assert!(again.location().is_none(), "the login is disabled");
}

#[sqlx::test]
async fn one_log_covers_siblings_and_their_hours_count_once(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let sibling = add_child(&pool, f.a.id, f.a.community, "甲童的弟弟").await;
    sqlx::query("INSERT INTO pairing (street_id, id, community_id, volunteer_id, child_id, started_on) VALUES ($1, $2, $3, $4, $5, '2026-09-01')")
        .bind(f.a.id).bind(Uuid::now_v7()).bind(f.a.community).bind(f.a.volunteer).bind(sibling)
        .execute(&pool).await.unwrap();
    let mut volunteer = client(&pool, &f.a.volunteer_login).await;
    let form = volunteer
        .get(&format!("/v/children/{}/visit", f.a.child))
        .await;
    assert_eq!(form.texts("input[name^=sibling_]").len(), 1);
    let id = form.attr("input[name=id]", "value").unwrap();
    let sibling_field = format!("sibling_{sibling}");
    let today = today_in_china().to_string();
    let child = f.a.child.to_string();
    let r = volunteer
        .post(
            "/v/visits",
            &[
                ("id", &id),
                ("child_id", &child),
                ("kind", "letter"),
                ("visited_on", &today),
                ("duration_minutes", "60"),
                (&sibling_field, "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let rows: Vec<(Uuid, Option<Uuid>)> = sqlx::query_as(
        "SELECT child_id, batch_id FROM visit WHERE kind = 'letter' ORDER BY child_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 2, "one visit per child");
    assert!(
        rows.iter().all(|(_, b)| b.is_some() && *b == rows[0].1),
        "one batch"
    );
    // Both children's letter duty is done.
    for c in [f.a.child, sibling] {
        let card = volunteer.get(&format!("/v/children/{c}")).await;
        assert_eq!(
            card.attr("#card-duties [data-duty=letter]", "data-state")
                .as_deref(),
            Some("done")
        );
    }
    // Hours: the fixture's 45-minute talk in September plus this one hour, not two.
    let hours = volunteer.get("/v/hours").await;
    let month = &today[..7];
    assert!(
        hours
            .texts("#hours-table tr")
            .iter()
            .any(|r| r.contains(month) && r.contains("1.0")),
        "{:?}",
        hours.texts("#hours-table tr")
    );
    assert!(
        hours
            .texts("#hours-table tr")
            .iter()
            .any(|r| r.contains("2026-09") && r.contains("0.8"))
    );
    // A sibling not paired with this volunteer cannot be slipped in.
    let stranger = add_child(&pool, f.a.id, f.a.community, "陌生孩子").await;
    let field = format!("sibling_{stranger}");
    let r = volunteer
        .post(
            "/v/visits",
            &[
                ("id", &Uuid::now_v7().to_string()),
                ("child_id", &child),
                ("kind", "talk"),
                ("visited_on", &today),
                (&field, "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn duties_follow_the_semester_boundaries_in_the_grid(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    sqlx::query("UPDATE pairing SET started_on = '2025-09-01' WHERE id = $1")
        .bind(f.a.pairing)
        .execute(&pool)
        .await
        .unwrap();
    for (kind, on) in [
        ("home_visit", "2026-01-31"),
        ("talk", "2026-02-01"),
        ("letter", "2026-07-31"),
        ("teacher_contact", "2026-08-01"),
    ] {
        sqlx::query("INSERT INTO visit (street_id, id, child_id, pairing_id, author_id, kind, visited_on) VALUES ($1, $2, $3, $4, $5, $6::visit_kind, $7::date)")
            .bind(f.a.id).bind(Uuid::now_v7()).bind(f.a.child).bind(f.a.pairing).bind(f.a.volunteer_user).bind(kind).bind(on)
            .execute(&pool).await.unwrap();
    }
    let mut staff = client(&pool, &f.a.staff_login).await;
    let state = |page: &common::TestResponse, duty: &str| {
        page.attr(
            &format!("tr[data-pairing='{}'] td[data-duty={duty}]", f.a.pairing),
            "data-state",
        )
    };
    let autumn = staff.get("/pairings/duties?semester=2025-autumn").await;
    assert_eq!(
        state(&autumn, "home_visit").as_deref(),
        Some("done"),
        "31 Jan is autumn"
    );
    assert_eq!(
        state(&autumn, "talk").as_deref(),
        Some("missed"),
        "1 Feb is not autumn; autumn 2025 is over"
    );
    let spring = staff.get("/pairings/duties?semester=2026-spring").await;
    assert_eq!(state(&spring, "home_visit").as_deref(), Some("missed"));
    assert_eq!(state(&spring, "talk").as_deref(), Some("done"));
    assert_eq!(
        state(&spring, "letter").as_deref(),
        Some("done"),
        "31 Jul is spring"
    );
    assert_eq!(
        state(&spring, "teacher_contact").as_deref(),
        Some("missed"),
        "1 Aug is autumn"
    );
    let now = staff.get("/pairings/duties?semester=2026-autumn").await;
    assert_eq!(state(&now, "teacher_contact").as_deref(), Some("done"));
    // The semester is named as people name it, never by its key.
    let chosen = now.text("select[name=semester] option[selected]");
    assert_eq!(chosen, "2026年秋季学期");
    assert!(!now.body.contains(">2026-autumn<"), "a raw key is shown");
    // Months without a talk are shown for the spring (only February had one).
    let months = spring.text(&format!("tr[data-pairing='{}'] td:last-child", f.a.pairing));
    assert_eq!(months, "2026-03、2026-04、2026-05、2026-06、2026-07");
    // The street admin sees completion per community.
    let mut admin = client(&pool, &f.a.admin_login).await;
    let page = admin.get("/pairings/duties?semester=2026-spring").await;
    assert!(
        page.text("#per-community").contains("2/5"),
        "{}",
        page.text("#per-community")
    );
}

#[sqlx::test]
async fn staff_visits_comments_and_follow_ups(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    let child = f.a.child;
    let form = staff.get(&format!("/children/{child}/visits/new")).await;
    let id = form.attr("input[name=id]", "value").unwrap();
    let today = today_in_china().to_string();
    let r = staff
        .post(
            &format!("/children/{child}/visits"),
            &[
                ("id", &id),
                ("kind", "home_visit"),
                ("visited_on", &today),
                ("duration_minutes", "20"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let pairing: Option<Uuid> = sqlx::query_scalar("SELECT pairing_id FROM visit WHERE id = $1")
        .bind(Uuid::parse_str(&id).unwrap())
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(pairing, None, "a staff visit belongs to no pairing");
    let grid = staff.get("/pairings/duties").await;
    assert_eq!(
        grid.attr("td[data-duty=home_visit]", "data-state")
            .as_deref(),
        Some("open"),
        "staff visits do not fulfil a volunteer's duty"
    );

    // A comment on the volunteer's visit asking for a follow-up.
    staff.get(&format!("/children/{child}")).await;
    let r = staff
        .post(
            &format!("/visits/{}/comments", f.a.visit),
            &[
                ("body", "请下次问问作业情况"),
                ("follow_up", "问作业"),
                ("follow_up_due", "2099-02-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut volunteer = client(&pool, &f.a.volunteer_login).await;
    let home = volunteer.get("/").await;
    assert!(home.text("#my-follow-ups").contains("问作业"));
    let page = staff.get(&format!("/children/{child}")).await;
    let timeline = page.texts("#timeline li");
    assert!(timeline.iter().any(|t| t.contains("请下次问问作业情况")));
    assert!(
        timeline
            .iter()
            .any(|t| t.contains("问作业") && t.contains("2099-02-01"))
    );
    // The volunteer closes it from their home page.
    let follow_up: Uuid =
        sqlx::query_scalar("SELECT id FROM follow_up WHERE description = '问作业'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let r = volunteer
        .post(&format!("/follow-ups/{follow_up}/close"), &[("back", "/")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!volunteer.get("/").await.body.contains("问作业"));
    // Another street's staff cannot close the fixture's follow-up.
    let mut b = client(&pool, &f.b.staff_login).await;
    b.get("/").await;
    assert_eq!(
        b.post(&format!("/follow-ups/{}/close", f.a.follow_up), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test]
async fn the_staff_home_heads_with_overdue_follow_ups_and_flags_inactive_pairings(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    sqlx::query("UPDATE follow_up SET due_on = current_date - 3 WHERE id = $1")
        .bind(f.a.follow_up)
        .execute(&pool)
        .await
        .unwrap();
    // The fixture pairing's only visit is in September: over 30 days ago.
    let mut staff = client(&pool, &f.a.staff_login).await;
    let home = staff.get("/").await;
    let first_section = home.attr("main section", "id");
    assert_eq!(
        first_section.as_deref(),
        Some("follow-ups"),
        "overdue follow-ups head the page"
    );
    assert!(home.text("#follow-ups").contains("已逾期"));
    assert!(home.text("#inactive-pairings").contains(&f.a.child_name));
    sqlx::query("INSERT INTO visit (street_id, id, child_id, pairing_id, author_id, kind, visited_on) VALUES ($1, $2, $3, $4, $5, 'talk', current_date)")
        .bind(f.a.id).bind(Uuid::now_v7()).bind(f.a.child).bind(f.a.pairing).bind(f.a.volunteer_user)
        .execute(&pool).await.unwrap();
    assert!(staff.get("/").await.texts("#inactive-pairings").is_empty());
}

#[sqlx::test]
async fn volunteers_are_registered_given_a_login_and_accept_the_code_at_first_login(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    staff.get("/volunteers/new").await;
    let community = f.a.community.to_string();
    let r = staff
        .post(
            "/volunteers",
            &[
                ("community_id", &community),
                ("name", ""),
                ("phone", "123"),
                ("kind", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.texts(".field-error").len(), 3);
    // Another community's id is refused for community staff.
    let other = f.a.other_community.to_string();
    let r = staff
        .post(
            "/volunteers",
            &[
                ("community_id", &other),
                ("name", "越界"),
                ("phone", "13700009999"),
                ("kind", "teacher"),
            ],
        )
        .await;
    assert_eq!(r.texts(".field-error"), vec!["此项必填。"]);
    let r = staff
        .post(
            "/volunteers",
            &[
                ("community_id", &community),
                ("name", "王爱心"),
                ("phone", "137 0000 5555"),
                ("kind", "caring_mother"),
                ("team_name", "巾帼志愿服务队"),
                ("record_check_seen_on", "2026-10-01"),
                ("training_done_on", "2026-10-08"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = staff.get(r.location().unwrap()).await;
    assert_eq!(page.text("#volunteer-name"), "王爱心");
    assert!(
        page.text("#checklist").contains("首次登录时确认"),
        "conduct still pending"
    );
    let created = staff
        .post(&format!("{}/account", r.location().unwrap()), &[])
        .await;
    let one_time = created.text("#one-time-password");
    assert_eq!(created.text("#new-login"), "13700005555");

    let mut phone = TestClient::new(&pool);
    phone.login("13700005555", &one_time).await;
    phone
        .post(
            "/password",
            &[
                ("current", &one_time),
                ("new", "my volunteer pass"),
                ("confirm", "my volunteer pass"),
            ],
        )
        .await;
    let r = phone.get("/").await;
    assert_eq!(
        r.location(),
        Some("/conduct"),
        "the code of conduct comes first"
    );
    phone.get("/conduct").await;
    assert_eq!(phone.post("/conduct", &[]).await.location(), Some("/"));
    assert_eq!(
        phone
            .get("/")
            .await
            .attr("#home-heading", "data-role")
            .as_deref(),
        Some("volunteer")
    );
    let complete: bool = sqlx::query_scalar(
        "SELECT conduct_accepted_at IS NOT NULL FROM volunteer WHERE name = '王爱心'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(complete);
}

#[sqlx::test]
async fn volunteer_pages_are_light(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut volunteer = client(&pool, &f.a.volunteer_login).await;
    // The stylesheet, the offline script and the service worker: fetched once, then kept.
    let css = volunteer.get("/static/app.css").await.body.len()
        + volunteer.get("/static/offline.js").await.body.len()
        + volunteer.get("/sw.js").await.body.len();
    for path in [
        "/".to_string(),
        format!("/v/children/{}", f.a.child),
        format!("/v/children/{}/visit", f.a.child),
        "/v/hours".to_string(),
    ] {
        let html = volunteer.get(&path).await.body.len();
        // Everything a first visit transfers: the page, its stylesheet and scripts (no images).
        assert!(html + css <= 30 * 1024, "{path}: {html} + {css} bytes");
    }
}

/// Two admins with the settings open: the second save, from a form loaded before the first,
/// shows the conflict and does not overwrite the first.
#[sqlx::test]
async fn a_stale_settings_form_shows_the_conflict(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut one = client(&pool, &f.a.admin_login).await;
    let mut two = client(&pool, &f.a.admin_login).await;
    let v1 = one
        .get("/settings")
        .await
        .attr("input[name=version]", "value")
        .unwrap();
    let v2 = two
        .get("/settings")
        .await
        .attr("input[name=version]", "value")
        .unwrap();
    let save = |version: &str, cap: &str| {
        vec![
            ("version".to_string(), version.to_string()),
            ("caseload_cap".to_string(), cap.to_string()),
            ("report_deadline_days".to_string(), "10".to_string()),
            ("retention_years".to_string(), "5".to_string()),
        ]
    };
    let fields = save(&v1, "4");
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        one.post("/settings", &fields).await.texts("#saved").len(),
        1
    );
    let fields = save(&v2, "7");
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = two.post("/settings", &fields).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.texts("#conflict").len(), 1);
    assert_eq!(
        r.attr("#s-cap", "value").as_deref(),
        Some("7"),
        "what was typed stays"
    );
    let cap: i32 = sqlx::query_scalar("SELECT caseload_cap FROM street WHERE id = $1")
        .bind(f.a.id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(cap, 4, "the first save stands");
    // Sent again from the conflict page (it carries the stored version): saved knowingly.
    let v3 = r.attr("input[name=version]", "value").unwrap();
    let fields = save(&v3, "7");
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        two.post("/settings", &fields).await.texts("#saved").len(),
        1
    );

    // Sent at once from the same version: one saves, the other sees the conflict.
    for round in 0..5 {
        let version: i32 = sqlx::query_scalar("SELECT version FROM street WHERE id = $1")
            .bind(f.a.id)
            .fetch_one(&pool)
            .await
            .unwrap();
        let version = version.to_string();
        let (cap_one, cap_two) = ((10 + round).to_string(), (20 + round).to_string());
        let (form_one, form_two) = (save(&version, &cap_one), save(&version, &cap_two));
        let ref_one: Vec<(&str, &str)> = form_one
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let ref_two: Vec<(&str, &str)> = form_two
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let (r1, r2) = tokio::join!(
            one.post("/settings", &ref_one),
            two.post("/settings", &ref_two)
        );
        let mut statuses = [r1.status, r2.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "round {round}"
        );
        let cap: i32 = sqlx::query_scalar("SELECT caseload_cap FROM street WHERE id = $1")
            .bind(f.a.id)
            .fetch_one(&pool)
            .await
            .unwrap();
        let winner = if r1.status == StatusCode::OK {
            &cap_one
        } else {
            &cap_two
        };
        assert_eq!(&cap.to_string(), winner);
    }
}
