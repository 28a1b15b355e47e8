//! Quarterly reports: figures checked against a fixture computed by hand, the freeze on
//! approval, workflow permissions, the street view, the evaluation, and the .xlsx export.

use crate::common;

use axum::http::StatusCode;
use common::{Fixture, PASSWORD, TestClient};
use sqlx::PgPool;
use uuid::Uuid;

async fn client(pool: &PgPool, login: &str) -> TestClient {
    let mut c = TestClient::new(pool);
    c.login(login, PASSWORD).await;
    c
}

/// Street A, first community, in the third quarter of 2026 (1 Jul – 30 Sep), by hand:
/// - the fixture child, created 1 Aug, re-verified 10 Aug, paired since 1 Sep;
/// - a second child created 15 Sep whose parents returned on 20 Sep (new, then exited);
/// - visits: the fixture's talk on 10 Sep and a home visit on 20 Aug;
/// - one activity on 12 Sep with two people; aid of ¥123.45 on 5 Sep;
/// - the fixture's open follow-up, due 1 Dec (not overdue at the quarter's end).
async fn third_quarter(pool: &PgPool, f: &Fixture) {
    let a = &f.a;
    let run = |sql: &'static str| sqlx::query(sql);
    // Both communities joined the programme before the quarter, so it owes a report.
    run("UPDATE community SET created_at = '2026-06-01' WHERE street_id = $1")
        .bind(a.id)
        .execute(pool)
        .await
        .unwrap();
    run("UPDATE child SET created_at = '2026-08-01', verified_on = '2026-08-10' WHERE id = $1")
        .bind(a.child)
        .execute(pool)
        .await
        .unwrap();
    let second = Uuid::now_v7();
    run("INSERT INTO child (street_id, id, community_id, name, gender, birth_date, left_behind, care_situation, created_at, status, status_changed_on)
         VALUES ($1, $2, $3, '返乡童', 'male', '2014-01-01', 'father_away', 'relatives', '2026-09-15', 'parents_returned', '2026-09-20')")
        .bind(a.id).bind(second).bind(a.community).execute(pool).await.unwrap();
    run("INSERT INTO child_status_change (street_id, id, child_id, from_status, to_status, changed_on, reason) VALUES ($1, $2, $3, 'active', 'parents_returned', '2026-09-20', '母亲返乡')")
        .bind(a.id).bind(Uuid::now_v7()).bind(second).execute(pool).await.unwrap();
    run("INSERT INTO visit (street_id, id, child_id, pairing_id, author_id, kind, visited_on, duration_minutes) VALUES ($1, $2, $3, $4, $5, 'home_visit', '2026-08-20', 60)")
        .bind(a.id).bind(Uuid::now_v7()).bind(a.child).bind(a.pairing).bind(a.volunteer_user).execute(pool).await.unwrap();
    let activity = Uuid::now_v7();
    run("INSERT INTO activity (street_id, id, community_id, kind, title, starts_at, ends_at, created_by) VALUES ($1, $2, $3, 'forum', '座谈会', '2026-09-12 02:00+00', '2026-09-12 04:00+00', $4)")
        .bind(a.id).bind(activity).bind(a.community).bind(a.staff).execute(pool).await.unwrap();
    for (child, volunteer) in [(Some(a.child), None), (None, Some(a.volunteer))] {
        run("INSERT INTO attendance (street_id, id, activity_id, child_id, volunteer_id, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(a.id).bind(Uuid::now_v7()).bind(activity).bind(child).bind(volunteer).bind(a.staff).execute(pool).await.unwrap();
    }
    run("INSERT INTO aid (street_id, id, child_id, kind, given_on, amount_fen, recorded_by) VALUES ($1, $2, $3, 'cash', '2026-09-05', 12345, $4)")
        .bind(a.id).bind(Uuid::now_v7()).bind(a.child).bind(a.staff).execute(pool).await.unwrap();
}

fn figure(page: &common::TestResponse, name: &str) -> String {
    page.text(&format!("dd[data-figure={name}]"))
}

#[sqlx::test]
async fn every_figure_matches_the_hand_computed_fixture(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    third_quarter(&pool, &f).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    let page = staff
        .get(&format!("/reports/{}/2026-Q3", f.a.community))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(figure(&page, "children"), "1");
    assert_eq!(figure(&page, "new_children"), "2");
    assert_eq!(figure(&page, "exited_children"), "1");
    assert_eq!(figure(&page, "completeness"), "0%（0/1）");
    assert_eq!(figure(&page, "pairing_coverage"), "100%（1/1）");
    assert_eq!(figure(&page, "visits"), "2：家访 1 谈心 1");
    assert_eq!(figure(&page, "duty_completion"), "40%（2/5）");
    assert_eq!(figure(&page, "talk_coverage"), "100%（1/1）");
    assert_eq!(figure(&page, "activities"), "1");
    assert_eq!(figure(&page, "person_times"), "2");
    assert_eq!(figure(&page, "aid"), "1 · ¥123.45");
    assert_eq!(figure(&page, "follow_ups"), "1（已逾期 0）");
    assert_eq!(figure(&page, "verification"), "100%（1/1）");
    // Another quarter of the same community knows nothing of these visits.
    let q2 = staff
        .get(&format!("/reports/{}/2026-Q2", f.a.community))
        .await;
    assert_eq!(figure(&q2, "visits"), "0：");
}

#[sqlx::test]
async fn approval_freezes_the_report(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    third_quarter(&pool, &f).await;
    let path = format!("/reports/{}/2026-Q3", f.a.community);
    let mut staff = client(&pool, &f.a.staff_login).await;
    staff.get(&path).await;
    let r = staff
        .post(
            &format!("{path}/narrative"),
            &[
                ("work_done", "开展家访和座谈会"),
                ("problems", "志愿者不足"),
                ("next_steps", "招募大学生志愿者"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    staff.get(&path).await;
    assert_eq!(
        staff
            .post(&format!("{path}/transition"), &[("action", "submit")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let mut admin = client(&pool, &f.a.admin_login).await;
    admin.get(&path).await;
    assert_eq!(
        admin
            .post(&format!("{path}/transition"), &[("action", "approve")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // Records change after approval: another visit, the aid deleted, a new child.
    sqlx::query("INSERT INTO visit (street_id, id, child_id, pairing_id, author_id, kind, visited_on) VALUES ($1, $2, $3, $4, $5, 'letter', '2026-09-25')")
        .bind(f.a.id).bind(Uuid::now_v7()).bind(f.a.child).bind(f.a.pairing).bind(f.a.volunteer_user).execute(&pool).await.unwrap();
    sqlx::query("DELETE FROM aid").execute(&pool).await.unwrap();
    let frozen = admin.get(&path).await;
    assert_eq!(
        frozen.attr("#report-status", "data-status").as_deref(),
        Some("approved")
    );
    assert_eq!(figure(&frozen, "visits"), "2：家访 1 谈心 1");
    assert_eq!(figure(&frozen, "duty_completion"), "40%（2/5）");
    assert_eq!(figure(&frozen, "aid"), "1 · ¥123.45");
    // The narrative can no longer be changed by staff.
    let page = staff.get(&path).await;
    assert!(page.texts("#narrative-form").is_empty());
    let version: i32 = sqlx::query_scalar("SELECT version FROM report")
        .fetch_one(&pool)
        .await
        .unwrap();
    let r = staff
        .post(
            &format!("{path}/narrative"),
            &[("work_done", "改"), ("version", &version.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Reopened with a reason, the report is live again.
    admin.get(&path).await;
    let r = admin
        .post(
            &format!("{path}/transition"),
            &[("action", "reopen"), ("comment", "")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is required"
    );
    assert_eq!(
        admin
            .post(
                &format!("{path}/transition"),
                &[("action", "reopen"), ("comment", "补录九月走访")]
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let live = admin.get(&path).await;
    assert_eq!(figure(&live, "visits"), "3：家访 1 谈心 1 写信 1");
    assert_eq!(figure(&live, "aid"), "0 · ¥0.00");
    let history = live.texts("#transitions li");
    assert_eq!(history.len(), 3);
    assert!(history[2].contains("补录九月走访"));
    // Times in Beijing time, as the timeline and the audit log show them.
    let last: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT max(created_at) FROM report_transition")
            .fetch_one(&pool)
            .await
            .unwrap();
    let beijing = last.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
    assert!(
        history[2].starts_with(&beijing.format("%Y-%m-%d %H:%M").to_string()),
        "{} at {beijing}",
        history[2]
    );
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_event WHERE action = 'report_transition'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(audited, 3);
}

#[sqlx::test]
async fn only_the_right_roles_move_a_report(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let path = format!("/reports/{}/2026-Q3", f.a.community);
    let mut staff = client(&pool, &f.a.staff_login).await;
    staff.get(&path).await;
    assert_eq!(
        staff
            .post(&format!("{path}/transition"), &[("action", "approve")])
            .await
            .status,
        StatusCode::NOT_FOUND,
        "staff cannot approve"
    );
    let mut other = client(&pool, &f.a.other_staff_login).await;
    other.get("/").await;
    assert_eq!(
        other
            .post(&format!("{path}/transition"), &[("action", "submit")])
            .await
            .status,
        StatusCode::NOT_FOUND,
        "another community cannot submit"
    );
    assert_eq!(other.get(&path).await.status, StatusCode::NOT_FOUND);
    let mut admin = client(&pool, &f.a.admin_login).await;
    admin.get(&path).await;
    assert_eq!(
        admin
            .post(&format!("{path}/transition"), &[("action", "submit")])
            .await
            .status,
        StatusCode::NOT_FOUND,
        "the admin does not submit for staff"
    );
    let r = admin
        .post(&format!("{path}/transition"), &[("action", "approve")])
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a draft cannot be approved"
    );
    let mut volunteer = client(&pool, &f.a.volunteer_login).await;
    assert_eq!(volunteer.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        volunteer.get("/reports").await.status,
        StatusCode::NOT_FOUND
    );
    let mut b = client(&pool, &f.b.admin_login).await;
    assert_eq!(b.get(&path).await.status, StatusCode::NOT_FOUND);
    let status: Option<String> = sqlx::query_scalar("SELECT status::text FROM report")
        .fetch_optional(&pool)
        .await
        .unwrap();
    assert_eq!(status.as_deref(), Some("draft"));
}

#[sqlx::test]
async fn the_street_view_sorts_and_the_evaluation_ranks(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    third_quarter(&pool, &f).await;
    let mut admin = client(&pool, &f.a.admin_login).await;
    let page = admin
        .get("/reports?period=2026-Q3&sort=visits&dir=desc")
        .await;
    let rows = page.texts("#street-table tbody tr");
    assert_eq!(rows.len(), 2);
    assert!(
        rows[0].contains(&f.a.community_name),
        "the community with visits first: {rows:?}"
    );
    let page = admin
        .get("/reports?period=2026-Q3&sort=visits&dir=asc")
        .await;
    assert!(page.texts("#street-table tbody tr")[0].contains(&f.a.other_community_name));
    // Q3 2026's deadline (10 days after 30 Sep) has passed and nothing was submitted: late.
    assert_eq!(page.text("#on-time-rate"), "0%");
    assert_eq!(page.texts("#street-table .tag").len(), 2);
    // A community that joined after the quarter owed nothing for it: it is not counted late.
    sqlx::query("UPDATE community SET created_at = '2026-10-20' WHERE id = $1")
        .bind(f.a.other_community)
        .execute(&pool)
        .await
        .unwrap();
    let page = admin.get("/reports?period=2026-Q3").await;
    assert_eq!(page.text("#on-time-rate"), "0%");
    assert_eq!(page.texts("#street-table .tag").len(), 1);
    sqlx::query("UPDATE community SET created_at = '2026-06-01' WHERE id = $1")
        .bind(f.a.other_community)
        .execute(&pool)
        .await
        .unwrap();
    let ranking = admin.get("/reports/evaluation?year=2026").await;
    // One definition of the five-duty rate, said on both pages, with how each page derives it.
    let report = admin
        .get(&format!("/reports/{}/2026-Q3", f.a.community))
        .await;
    let definition = zh_text("report.duty_definition");
    assert!(ranking.text("#duty-definition").starts_with(&definition));
    assert!(report.text("#duty-definition").starts_with(&definition));
    assert_ne!(
        ranking.text("#duty-definition"),
        report.text("#duty-definition")
    );
    let first = ranking.texts("#ranking tbody tr")[0].clone();
    assert!(first.contains(&f.a.community_name), "{first}");
    // Weights are validated (what was typed stays in the form) and saved.
    let opened = ranking
        .attr("#weights-form input[name=opened]", "value")
        .unwrap();
    let r = admin
        .post(
            "/reports/evaluation",
            &[("completeness", "200"), ("opened", &opened)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.attr("#w-completeness", "value").as_deref(), Some("200"));
    let weights = [
        ("completeness", "0"),
        ("pairing_coverage", "0"),
        ("duty_completion", "0"),
        ("talk_coverage", "0"),
        ("verification", "0"),
        ("on_time", "100"),
        ("opened", &opened),
    ];
    assert_eq!(
        admin.post("/reports/evaluation", &weights).await.status,
        StatusCode::SEE_OTHER
    );
    let ranking = admin.get("/reports/evaluation?year=2026").await;
    assert!(
        ranking
            .texts("#ranking td.score")
            .iter()
            .all(|s| s == "0.0"),
        "nobody reported on time"
    );
}

fn weights_form<'a>(on_time: &'a str, opened: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("completeness", "20"),
        ("pairing_coverage", "20"),
        ("duty_completion", "20"),
        ("talk_coverage", "20"),
        ("verification", "0"),
        ("on_time", on_time),
        ("opened", opened),
    ]
}

async fn stored_on_time(pool: &PgPool, street: Uuid) -> i64 {
    sqlx::query_scalar("SELECT (evaluation_weights->>'on_time')::bigint FROM street WHERE id = $1")
        .bind(street)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Two admins open the weights; the second saves over the first's save: the conflict is shown
/// with what was typed, nothing is overwritten, and saving from the conflict page goes through.
/// Sent at once from forms opened together, exactly one save lands.
#[sqlx::test]
async fn a_stale_weights_form_shows_the_conflict(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut first = client(&pool, &f.a.admin_login).await;
    let mut second = client(&pool, &f.a.admin_login).await;
    let page = first.get("/reports/evaluation").await;
    second.get("/reports/evaluation").await;
    let opened = page
        .attr("#weights-form input[name=opened]", "value")
        .unwrap();
    assert_eq!(opened, "20,20,25,15,10,10");
    let r = first
        .post("/reports/evaluation", &weights_form("20", &opened))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = second
        .post("/reports/evaluation", &weights_form("30", &opened))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.text("#conflict").contains("20"),
        "{}",
        r.text("#conflict")
    );
    assert_eq!(r.attr("#w-on_time", "value").as_deref(), Some("30"));
    assert_eq!(stored_on_time(&pool, f.a.id).await, 20, "not overwritten");
    let reopened = r.attr("#weights-form input[name=opened]", "value").unwrap();
    assert_eq!(reopened, "20,20,20,20,0,20");
    let r = second
        .post("/reports/evaluation", &weights_form("30", &reopened))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(stored_on_time(&pool, f.a.id).await, 30);

    // At once, both from the same opened weights: one lands, the other sees the conflict.
    for round in 0..5 {
        let (a, b) = (format!("{}", 40 + round), format!("{}", 60 + round));
        let now = stored_on_time(&pool, f.a.id).await.to_string();
        let opened = format!("20,20,20,20,0,{now}");
        let (form_a, form_b) = (weights_form(&a, &opened), weights_form(&b, &opened));
        let (ra, rb) = tokio::join!(
            first.post("/reports/evaluation", &form_a),
            second.post("/reports/evaluation", &form_b),
        );
        let mut statuses = [ra.status, rb.status];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
        let stored = stored_on_time(&pool, f.a.id).await.to_string();
        let winner = if ra.status == StatusCode::SEE_OTHER {
            &a
        } else {
            &b
        };
        assert_eq!(&stored, winner);
    }
}

#[sqlx::test]
async fn the_xlsx_export_reads_back_the_same_figures(pool: PgPool) {
    use calamine::{Data, Reader, Xlsx};
    let f = Fixture::new(&pool).await;
    third_quarter(&pool, &f).await;
    let staff = client(&pool, &f.a.staff_login).await;
    let response = staff
        .download(&format!("/reports/{}/2026-Q3/export.xlsx", f.a.community))
        .await;
    assert_eq!(response.0, StatusCode::OK);
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(response.1)).unwrap();
    assert_eq!(book.sheet_names(), vec!["概况", "走访", "工作情况"]);
    let sheet = book.worksheet_range("概况").unwrap();
    let value = |label: &str| -> Data {
        sheet
            .rows()
            .find(|r| r[0] == Data::String(label.to_string()))
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("no row {label}"))
    };
    assert_eq!(value("在册儿童"), Data::Float(1.0));
    assert_eq!(value("本季度新建档"), Data::Float(2.0));
    assert_eq!(value("走访次数"), Data::Float(2.0));
    assert_eq!(value("五个一完成率（本学期）"), Data::Float(0.4));
    assert_eq!(value("资助金额（元）"), Data::Float(123.45));
    let visits = book.worksheet_range("走访").unwrap();
    assert_eq!(
        visits.rows().nth(1).unwrap()[1],
        Data::Float(1.0),
        "home visits"
    );
}

#[sqlx::test]
async fn dashboards_draw_svg_charts_on_the_server(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut admin = client(&pool, &f.a.admin_login).await;
    let home = admin.get("/").await;
    for id in [
        "chart-visits",
        "chart-duties",
        "chart-activities",
        "chart-person-times",
    ] {
        assert_eq!(
            home.texts(&format!("figure#{id} > svg")).len(),
            1,
            "{id}:\n{}",
            home.body
        );
    }
    assert_eq!(home.texts("#chart-visits g.bar").len(), 12);
    let duties: Vec<String> = home
        .html()
        .select(&scraper::Selector::parse("#chart-duties g.bar").unwrap())
        .map(|g| g.value().attr("data-label").unwrap().to_string())
        .collect();
    assert_eq!(
        duties,
        vec![f.a.community_name.clone()],
        "one bar per community with pairings"
    );
    // No script draws them: the only script is the menu's.
    let scripts: Vec<String> = home
        .html()
        .select(&scraper::Selector::parse("script").unwrap())
        .map(|s| s.value().attr("src").unwrap_or("inline").to_string())
        .collect();
    assert_eq!(
        scripts,
        vec!["/static/menu.js".to_string()],
        "no script draws them"
    );
    let mut staff = client(&pool, &f.a.staff_login).await;
    assert_eq!(staff.get("/").await.texts("#dashboard figure").len(), 4);
}

#[sqlx::test]
async fn the_data_quality_view_groups_what_is_missing(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    let page = staff.get("/quality").await;
    let groups: Vec<String> = page
        .html()
        .select(&scraper::Selector::parse("#quality-missing details").unwrap())
        .map(|d| d.value().attr("data-missing").unwrap().to_string())
        .collect();
    // The fixture child has a grade, a guardian and consent, but no ID number, address, school,
    // parents' work place or parent contact.
    assert_eq!(
        groups,
        vec![
            "address",
            "id_number",
            "parent_contact",
            "parents_work_place",
            "school"
        ]
    );
    assert!(page.text("#quality-unverified").contains(&f.a.child_name));
    assert!(
        page.text("#quality-inactive").contains(&f.a.child_name),
        "no visit for over 30 days"
    );
}

#[sqlx::test]
async fn an_activity_counts_in_its_quarter_once_it_has_taken_place(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    use chrono::Datelike;
    let path = format!(
        "/reports/{}/{}-Q{}",
        f.a.community,
        today.year(),
        (today.month() - 1) / 3 + 1
    );
    let before: i64 = figure(&staff.get(&path).await, "activities")
        .parse()
        .unwrap();
    // A lecture later today, still planned: not counted yet.
    let lecture: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO activity SELECT (jsonb_populate_record(a, jsonb_build_object(
             'id', gen_random_uuid(), 'community_id', $2::uuid, 'status', 'planned',
             'starts_at', now() + interval '1 minute', 'ends_at', now() + interval '2 minutes'))).*
         FROM activity a WHERE a.id = $1 RETURNING id",
    )
    .bind(f.a.activity)
    .bind(f.a.community)
    .fetch_one(&pool)
    .await
    .unwrap();
    let planned: i64 = figure(&staff.get(&path).await, "activities")
        .parse()
        .unwrap();
    assert_eq!(
        planned, before,
        "a planned activity still to come is not counted"
    );
    sqlx::query("UPDATE activity SET starts_at = now() - interval '2 minutes', ends_at = now() - interval '1 minute' WHERE id = $1")
        .bind(lecture)
        .execute(&pool)
        .await
        .unwrap();
    let held: i64 = figure(&staff.get(&path).await, "activities")
        .parse()
        .unwrap();
    assert_eq!(held, before + 1, "once it has taken place it counts");
}

#[sqlx::test]
async fn a_quarter_is_submitted_only_once_it_has_ended(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    use chrono::Datelike;
    let current = format!(
        "/reports/{}/{}-Q{}",
        f.a.community,
        today.year(),
        (today.month() - 1) / 3 + 1
    );
    staff.get(&current).await;
    let r = staff
        .post(&format!("{current}/transition"), &[("action", "submit")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("还没有结束"), "{}", r.body);
    let status: Option<String> =
        sqlx::query_scalar("SELECT status::text FROM report WHERE community_id = $1")
            .bind(f.a.community)
            .fetch_optional(&pool)
            .await
            .unwrap();
    assert_ne!(status.as_deref(), Some("submitted"));
    // A quarter that has ended is submitted as before.
    let past = format!("/reports/{}/2026-Q3", f.a.community);
    staff.get(&past).await;
    let r = staff
        .post(&format!("{past}/transition"), &[("action", "submit")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[sqlx::test]
async fn the_report_page_prints(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    let page = staff
        .get(&format!("/reports/{}/2026-Q3", f.a.community))
        .await;
    assert_eq!(page.text("#print-report"), "打印");
    assert!(
        page.body
            .contains(r#"<script src="/static/print.js" defer></script>"#)
    );
    let script = staff.get("/static/print.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.body.contains("window.print()"));
}

fn zh_text(key: &str) -> String {
    shouhu::i18n::catalog(shouhu::i18n::Lang::Zh)
        .t(key)
        .to_string()
}
