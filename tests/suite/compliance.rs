//! The audit viewer and chain check, retention, the compliance export, and strong
//! sign-in with an authenticator app.

use crate::common;

use axum::http::StatusCode;
use common::{Fixture, PASSWORD, TestClient, test_key};
use shouhu::auth::totp;
use sqlx::PgPool;
use uuid::Uuid;

async fn client(pool: &PgPool, login: &str) -> TestClient {
    let mut c = TestClient::new(pool);
    c.login(login, PASSWORD).await;
    c
}

// ---- Audit viewer -------------------------------------------------------------------------

#[sqlx::test]
async fn the_audit_viewer_filters_pages_and_exports(pool: PgPool) {
    use calamine::{Reader, Xlsx};
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    // Some events: the staff member views the child three times.
    for _ in 0..3 {
        assert_eq!(
            staff.get(&format!("/children/{}", f.a.child)).await.status,
            StatusCode::OK
        );
    }
    // Staff have no audit viewer.
    assert_eq!(staff.get("/audit").await.status, StatusCode::NOT_FOUND);
    let mut admin = client(&pool, &f.a.admin_login).await;
    let page = admin.get("/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.attr("#chain-status", "data-intact").as_deref(),
        Some("true")
    );
    // By action and user.
    let page = admin
        .get(&format!("/audit?action=child_viewed&user={}", f.a.staff))
        .await;
    assert_eq!(page.texts("#audit-table tbody tr").len(), 3);
    assert!(
        page.texts("#audit-table tbody tr")
            .iter()
            .all(|r| r.contains(&f.a.child_name)),
        "the child's name is shown"
    );
    // By child name (its beginning), and a date range that excludes today.
    let prefix: String = f.a.child_name.chars().take(2).collect();
    let page = admin
        .get(&format!(
            "/audit?child={}&action=child_viewed",
            urlencode(&prefix)
        ))
        .await;
    assert_eq!(page.texts("#audit-table tbody tr").len(), 3);
    let page = admin
        .get("/audit?action=child_viewed&from=2020-01-01&to=2020-12-31")
        .await;
    assert_eq!(page.texts("#audit-table tbody tr").len(), 0);
    // Bad input: a message beside the field, nothing listed.
    let page = admin.get("/audit?from=2026-13-01").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(page.texts(".field-error").len(), 1);
    let page = admin.get("/audit?from=2026-12-01&to=2026-11-01").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Street B's events never show.
    let mut admin_b = client(&pool, &f.b.admin_login).await;
    let page = admin_b.get("/audit?action=child_viewed").await;
    assert_eq!(page.texts("#audit-table tbody tr").len(), 0);
    // 50 a page.
    for _ in 0..60 {
        staff.get(&format!("/children/{}", f.a.child)).await;
    }
    let page = admin.get("/audit?action=child_viewed").await;
    assert_eq!(page.texts("#audit-table tbody tr").len(), 50);
    let next = page.attr("#next-page", "href").expect("a next page");
    let page2 = admin.get(&next).await;
    assert_eq!(page2.texts("#audit-table tbody tr").len(), 13);
    // The export holds the filtered rows, and is itself on record.
    let (status, bytes) = admin
        .download("/audit/export.xlsx?action=child_viewed")
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("审计日志").unwrap();
    assert_eq!(sheet.height(), 64, "a header and 63 events");
    let page = admin.get("/audit?action=audit_exported").await;
    assert_eq!(page.texts("#audit-table tbody tr").len(), 1);
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)]).unwrap()[2..].to_string()
}

#[sqlx::test]
async fn a_tampered_audit_row_is_found_by_verify(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    for _ in 0..3 {
        staff.get(&format!("/children/{}", f.a.child)).await;
    }
    let checks = shouhu::audit::verify_all(&pool).await.unwrap();
    assert!(checks.iter().all(|c| c.broken.is_none()));
    assert!(shouhu::cli::audit_verify(&pool).await.is_ok());
    // The app role cannot change the log at all...
    let mut tx = pool.begin().await.unwrap();
    sqlx::query(
        "SELECT set_config('role', 'shouhu_app', true), set_config('app.street_id', $1, true)",
    )
    .bind(f.a.id.to_string())
    .execute(&mut *tx)
    .await
    .unwrap();
    assert!(
        sqlx::query("UPDATE audit_event SET ip = '1.2.3.4'")
            .execute(&mut *tx)
            .await
            .is_err(),
        "the app role may not update the audit log"
    );
    tx.rollback().await.unwrap();
    // ... so tamper as the owner: rewrite the detail of the second child view.
    let (seq, id, original): (i64, Uuid, serde_json::Value) = sqlx::query_as(
        "SELECT seq, id, detail FROM audit_event WHERE street_id = $1 AND action = 'child_viewed' ORDER BY seq OFFSET 1 LIMIT 1",
    )
    .bind(f.a.id)
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query("UPDATE audit_event SET detail = '{\"role\": \"nobody\"}' WHERE street_id = $1 AND seq = $2")
        .bind(f.a.id)
        .bind(seq)
        .execute(&pool)
        .await
        .unwrap();
    let checks = shouhu::audit::verify_all(&pool).await.unwrap();
    let a = checks.iter().find(|c| c.street.0 == f.a.id).unwrap();
    let broken = a.broken.as_ref().expect("the tampered row is found");
    assert_eq!(
        (broken.seq, broken.id, broken.reason.as_str()),
        (seq, id, "content")
    );
    let b = checks.iter().find(|c| c.street.0 == f.b.id).unwrap();
    assert!(b.broken.is_none(), "street B's chain is its own");
    let err = shouhu::cli::audit_verify(&pool).await.unwrap_err();
    assert!(err.to_string().contains("1 street"), "{err}");
    // The page says so too.
    let mut admin = client(&pool, &f.a.admin_login).await;
    let page = admin.get("/audit").await;
    assert_eq!(
        page.attr("#chain-status", "data-intact").as_deref(),
        Some("false")
    );
    assert!(page.text("#chain-status").contains(&format!("#{seq}")));

    // Put it back: intact again. Then delete it: the next event's link breaks.
    sqlx::query("UPDATE audit_event SET detail = $3 WHERE street_id = $1 AND seq = $2")
        .bind(f.a.id)
        .bind(seq)
        .bind(&original)
        .execute(&pool)
        .await
        .unwrap();
    let checks = shouhu::audit::verify_all(&pool).await.unwrap();
    assert!(checks.iter().all(|c| c.broken.is_none()), "restored");
    sqlx::query("DELETE FROM audit_event WHERE street_id = $1 AND seq = $2")
        .bind(f.a.id)
        .bind(seq)
        .execute(&pool)
        .await
        .unwrap();
    let checks = shouhu::audit::verify_all(&pool).await.unwrap();
    let a = checks.iter().find(|c| c.street.0 == f.a.id).unwrap();
    let broken = a.broken.as_ref().expect("the gap is found");
    assert_eq!(
        (broken.seq, broken.reason.as_str()),
        (seq + 1, "missing_before")
    );
}

// ---- Retention ----------------------------------------------------------------------------

/// Gives the fixture child the personal data a real file has, and an approved report.
async fn full_file(pool: &PgPool, f: &Fixture) -> (String, String) {
    let number = "36078120160301002X".to_string();
    let key = test_key();
    sqlx::query(
        "UPDATE child SET id_number_enc = $2, id_number_hash = $3, id_number_masked = '360781********002X',
             address = '幸福路8号SECRET', class_teacher = '刘老师SECRET', class_teacher_phone = '13911112222',
             parents_work_place = '东莞SECRET', health_condition = '哮喘SECRET', psychological_note = '想妈妈SECRET',
             status_reason = '年满十六SECRET'
         WHERE id = $1",
    )
    .bind(f.a.child)
    .bind(key.encrypt(&number))
    .bind(key.keyed_hash(&number))
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO visit_comment (street_id, id, visit_id, author_id, body) VALUES ($1, $2, $3, $4, '做得好SECRET')")
        .bind(f.a.id)
        .bind(Uuid::now_v7())
        .bind(f.a.visit)
        .bind(f.a.staff)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO aid (street_id, id, child_id, kind, given_on, amount_fen, note, recorded_by) VALUES ($1, $2, $3, 'cash', '2026-09-20', 10000, '给奶奶SECRET', $4)")
        .bind(f.a.id)
        .bind(Uuid::now_v7())
        .bind(f.a.child)
        .bind(f.a.staff)
        .execute(pool)
        .await
        .unwrap();
    (number, "13512345678".to_string())
}

/// Every row that belongs to the child, as JSON text.
async fn rows_of_child(pool: &PgPool, street: Uuid, child: Uuid) -> String {
    let mut all = String::new();
    for sql in [
        "SELECT row_to_json(t)::text FROM child t WHERE street_id = $1 AND id = $2",
        "SELECT row_to_json(t)::text FROM guardian t WHERE street_id = $1 AND child_id = $2",
        "SELECT row_to_json(t)::text FROM consent t WHERE street_id = $1 AND child_id = $2",
        "SELECT row_to_json(t)::text FROM child_status_change t WHERE street_id = $1 AND child_id = $2",
        "SELECT row_to_json(t)::text FROM visit t WHERE street_id = $1 AND child_id = $2",
        "SELECT row_to_json(t)::text FROM visit_comment t WHERE street_id = $1 AND visit_id IN (SELECT id FROM visit WHERE child_id = $2)",
        "SELECT row_to_json(t)::text FROM follow_up t WHERE street_id = $1 AND child_id = $2",
        "SELECT row_to_json(t)::text FROM aid t WHERE street_id = $1 AND child_id = $2",
        "SELECT row_to_json(t)::text FROM audit_event t WHERE street_id = $1 AND entity_id = $2",
    ] {
        let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(street)
            .bind(child)
            .fetch_all(pool)
            .await
            .unwrap();
        all.push_str(&rows.join("\n"));
        all.push('\n');
    }
    all
}

async fn approve_q3(pool: &PgPool, f: &Fixture) -> String {
    let path = format!("/reports/{}/2026-Q3", f.a.community);
    let mut staff = client(pool, &f.a.staff_login).await;
    staff.get(&path).await;
    let r = staff
        .post(
            &format!("{path}/narrative"),
            &[
                ("work_done", "家访"),
                ("problems", "无"),
                ("next_steps", "继续"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    staff.get(&path).await;
    staff
        .post(&format!("{path}/transition"), &[("action", "submit")])
        .await;
    let mut admin = client(pool, &f.a.admin_login).await;
    admin.get(&path).await;
    let r = admin
        .post(&format!("{path}/transition"), &[("action", "approve")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    path
}

async fn snapshot(pool: &PgPool, f: &Fixture) -> String {
    sqlx::query_scalar("SELECT snapshot::text FROM report WHERE street_id = $1 AND community_id = $2 AND year = 2026 AND quarter = 3")
        .bind(f.a.id)
        .bind(f.a.community)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn retention_clears_every_personal_field_and_leaves_reports_identical(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let (number, phone) = full_file(&pool, &f).await;
    let path = approve_q3(&pool, &f).await;
    let before = snapshot(&pool, &f).await;
    let mut admin = client(&pool, &f.a.admin_login).await;
    let page_before = admin.get(&path).await.text("#figures");
    // The file closed long ago (aged out more than two full years before today).
    sqlx::query(
        "UPDATE child SET status = 'aged_out', status_changed_on = '2024-03-01' WHERE id = $1",
    )
    .bind(f.a.child)
    .execute(&pool)
    .await
    .unwrap();
    let counts = |pool: PgPool, child: Uuid| async move {
        let mut n = Vec::new();
        for table in ["guardian", "consent", "visit", "follow_up", "aid"] {
            let c: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT count(*) FROM {table} WHERE child_id = $1"
            )))
            .bind(child)
            .fetch_one(&pool)
            .await
            .unwrap();
            n.push(c);
        }
        n
    };
    let counts_before = counts(pool.clone(), f.a.child).await;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();

    // A dry run lists the file and changes nothing.
    let runs = shouhu::retention::run_all(&pool, today, true)
        .await
        .unwrap();
    let a = runs.iter().find(|r| r.street.0 == f.a.id).unwrap();
    assert_eq!(
        a.due.iter().map(|d| d.child).collect::<Vec<_>>(),
        vec![f.a.child]
    );
    assert_eq!(a.due[0].guardians, 1);
    let raw = rows_of_child(&pool, f.a.id, f.a.child).await;
    assert!(raw.contains(&f.a.child_name) && raw.contains(&phone));
    // Two years less a day: not yet.
    let early = shouhu::retention::run_all(
        &pool,
        chrono::NaiveDate::from_ymd_opt(2026, 2, 28).unwrap(),
        true,
    )
    .await
    .unwrap();
    assert!(early.iter().all(|r| r.due.is_empty()));

    // The run.
    let runs = shouhu::retention::run_all(&pool, today, false)
        .await
        .unwrap();
    assert_eq!(runs.iter().map(|r| r.due.len()).sum::<usize>(), 1);
    let raw = rows_of_child(&pool, f.a.id, f.a.child).await;
    for secret in [
        f.a.child_name.as_str(),
        number.as_str(),
        &number[6..14],
        phone.as_str(),
        "13911112222",
        "SECRET",
        "奶奶",
    ] {
        assert!(
            !raw.contains(secret),
            "{secret} survived anonymisation:\n{raw}"
        );
    }
    let (enc, hash): (Option<Vec<u8>>, Option<Vec<u8>>) =
        sqlx::query_as("SELECT id_number_enc, id_number_hash FROM child WHERE id = $1")
            .bind(f.a.child)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(enc.is_none() && hash.is_none());
    // Counts and dates kept; the report is byte-identical.
    assert_eq!(counts(pool.clone(), f.a.child).await, counts_before);
    let (birth, changed): (chrono::NaiveDate, chrono::NaiveDate) =
        sqlx::query_as("SELECT birth_date, status_changed_on FROM child WHERE id = $1")
            .bind(f.a.child)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (birth.to_string(), changed.to_string()),
        ("2016-03-01".into(), "2024-03-01".into())
    );
    assert_eq!(snapshot(&pool, &f).await, before);
    assert_eq!(admin.get(&path).await.text("#figures"), page_before);
    // The anonymisation is on record (with no personal data), once.
    let page = admin.get("/audit?action=child_anonymised").await;
    assert_eq!(page.texts("#audit-table tbody tr").len(), 1);
    let again = shouhu::retention::run_all(&pool, today, false)
        .await
        .unwrap();
    assert!(again.iter().all(|r| r.due.is_empty()), "nothing twice");
    // Street B's file (still active) is untouched.
    let b_name: String = sqlx::query_scalar("SELECT name FROM child WHERE id = $1")
        .bind(f.b.child)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(b_name, f.b.child_name);
    // Old roster uploads went with it (the fixture's are from today: kept).
    let uploads: i64 = sqlx::query_scalar("SELECT count(*) FROM import_batch WHERE street_id = $1")
        .bind(f.a.id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(uploads, 2);
}

#[sqlx::test]
async fn the_retention_period_is_a_street_setting(pool: PgPool) {
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
                ("caseload_cap", "3"),
                ("report_deadline_days", "10"),
                ("retention_years", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.texts("#s-retention ~ .field-error").len(), 1);
    let r = admin
        .post(
            "/settings",
            &[
                ("version", &version),
                ("caseload_cap", "3"),
                ("report_deadline_days", "10"),
                ("retention_years", "5"),
            ],
        )
        .await;
    assert_eq!(r.texts("#saved").len(), 1);
    sqlx::query("UPDATE child SET status = 'moved_away', status_changed_on = '2023-06-01' WHERE street_id = ANY($1)")
        .bind(vec![f.a.id, f.b.id])
        .execute(&pool)
        .await
        .unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let runs = shouhu::retention::run_all(&pool, today, true)
        .await
        .unwrap();
    let due = |s: Uuid| runs.iter().find(|r| r.street.0 == s).unwrap().due.len();
    assert_eq!(
        (due(f.a.id), due(f.b.id)),
        (0, 1),
        "A keeps 5 years, B the default 2"
    );
}

// ---- Compliance export --------------------------------------------------------------------

async fn figures_of(
    pool: &PgPool,
    street: Uuid,
    year: i32,
) -> shouhu::web::compliance::db::Figures {
    let street = shouhu::domain::ids::StreetId(street);
    let mut tx = shouhu::db::begin(pool, street, None).await.unwrap();
    let f = shouhu::web::compliance::db::figures(&mut tx, street, year)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    f
}

#[sqlx::test]
async fn the_compliance_figures_match_the_fixture(pool: PgPool) {
    use calamine::{Data, Reader, Xlsx};
    let f = Fixture::new(&pool).await;
    full_file(&pool, &f).await;
    let base = figures_of(&pool, f.a.id, 2026).await;
    // What the fixture holds: one file made this year, one file consent given on 2026-09-01,
    // one admin, three staff accounts and one volunteer.
    assert_eq!(
        (base.files_held, base.files_opened, base.files_closed),
        (1, 1, 0)
    );
    assert_eq!((base.consents_given(), base.consents_withdrawn()), (1, 0));
    assert_eq!(
        (
            base.accounts_of("street_admin"),
            base.accounts_of("community_staff"),
            base.accounts_of("volunteer")
        ),
        (1, 3, 1)
    );
    assert_eq!(figures_of(&pool, f.a.id, 2025).await.files_held, 0);

    // A year of handling: two views, one reveal, one export, one refused request, a consent
    // withdrawn, the file closed.
    let mut staff = client(&pool, &f.a.staff_login).await;
    staff.get(&format!("/children/{}", f.a.child)).await;
    staff.get(&format!("/children/{}", f.a.child)).await;
    let r = staff
        .post(
            &format!("/children/{}/reveal", f.a.child),
            &[("reason", "办理低保申请")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        staff.download("/children/export.xlsx").await.0,
        StatusCode::OK
    );
    let mut other = client(&pool, &f.a.other_staff_login).await;
    assert_eq!(
        other.get(&format!("/children/{}", f.a.child)).await.status,
        StatusCode::NOT_FOUND
    );
    sqlx::query("UPDATE consent SET withdrawn_on = '2026-10-01', withdrawn_reason = '家长要求' WHERE id = $1")
        .bind(f.a.consent)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO child_status_change (street_id, id, child_id, from_status, to_status, changed_on) VALUES ($1, $2, $3, 'active', 'moved_away', '2026-10-02')")
        .bind(f.a.id)
        .bind(Uuid::now_v7())
        .bind(f.a.child)
        .execute(&pool)
        .await
        .unwrap();
    let now = figures_of(&pool, f.a.id, 2026).await;
    assert_eq!(now.file_views - base.file_views, 2);
    assert_eq!(now.children_viewed, 1);
    assert_eq!(now.id_reveals - base.id_reveals, 1);
    assert_eq!(now.exports.get("children_exported"), Some(&1));
    assert_eq!(now.exports_total() - base.exports_total(), 1);
    assert_eq!(now.access_denied - base.access_denied, 1);
    assert_eq!(now.consents_withdrawn(), 1);
    assert_eq!(now.files_closed, 1);
    // Street B's figures know nothing of it.
    let b = figures_of(&pool, f.b.id, 2026).await;
    assert_eq!((b.file_views, b.id_reveals, b.exports_total()), (0, 0, 0));

    // The page and the .xlsx carry the same figures; the export is on record.
    let mut admin = client(&pool, &f.a.admin_login).await;
    let page = admin.get("/compliance?year=2026").await;
    assert_eq!(
        page.text("[data-figure=file_views] .value"),
        now.file_views.to_string()
    );
    assert_eq!(
        admin.get("/compliance?year=1999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(staff.get("/compliance").await.status, StatusCode::NOT_FOUND);
    let (status, bytes) = admin.download("/compliance/export.xlsx?year=2026").await;
    assert_eq!(status, StatusCode::OK);
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        vec!["概览", "导出记录", "身份证号查看", "匿名化记录", "账号"]
    );
    let summary = book.worksheet_range("概览").unwrap();
    let value = |label: &str| {
        summary
            .rows()
            .find(|r| r[0] == Data::String(label.to_string()))
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("{label} missing"))
    };
    assert_eq!(value("年末持有的档案"), Data::Float(1.0));
    assert_eq!(value("档案查看次数"), Data::Float(now.file_views as f64));
    assert_eq!(value("查看完整身份证号次数"), Data::Float(1.0));
    assert_eq!(value("当年撤回的知情同意"), Data::Float(1.0));
    assert_eq!(
        book.worksheet_range("账号").unwrap().height(),
        6,
        "header and five accounts"
    );
    assert_eq!(book.worksheet_range("身份证号查看").unwrap().height(), 2);
    let page = admin.get("/audit?action=compliance_exported").await;
    assert_eq!(page.texts("#audit-table tbody tr").len(), 1);
}

// ---- Strong sign-in -----------------------------------------------------------------------

/// The secret being enrolled (as the QR code carries it), read back through the data key.
async fn pending_secret(pool: &PgPool, user: Uuid) -> Vec<u8> {
    let blob: Vec<u8> = sqlx::query_scalar("SELECT totp_pending_enc FROM app_user WHERE id = $1")
        .bind(user)
        .fetch_one(pool)
        .await
        .unwrap();
    let hex = test_key().decrypt(&blob).unwrap();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

fn now_step() -> i64 {
    totp::step_of(chrono::Utc::now().timestamp())
}

/// Enrols the client's account; returns the secret, the step used and the recovery codes.
async fn enrol(pool: &PgPool, c: &mut TestClient, user: Uuid) -> (Vec<u8>, i64, Vec<String>) {
    let page = c.get("/account/totp").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.texts("#totp-qr svg").len(),
        1,
        "a QR code drawn on the server"
    );
    let secret = pending_secret(pool, user).await;
    assert_eq!(
        page.text("#totp-secret").replace(' ', ""),
        totp::base32(&secret)
    );
    let wrong = format!(
        "{:06}",
        (totp::code_at(&secret, now_step()) + 1) % 1_000_000
    );
    let r = c.post("/account/totp", &[("code", &wrong)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.texts("#totp-error").len(), 1);
    let step = now_step();
    let code = format!("{:06}", totp::code_at(&secret, step));
    let r = c.post("/account/totp", &[("code", &code)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let codes = r.texts("#recovery-codes code");
    assert_eq!(codes.len(), totp::RECOVERY_CODES);
    assert_eq!(
        r.attr("#totp-page", "data-enabled").as_deref(),
        Some("true")
    );
    // Shown once: the page afterwards does not show them.
    assert!(
        c.get("/account/totp")
            .await
            .texts("#recovery-codes")
            .is_empty()
    );
    (secret, step, codes)
}

async fn password_step(c: &mut TestClient, login: &str) {
    let r = c.try_login(login, PASSWORD).await;
    assert_eq!(r.location(), Some("/login/totp"));
    c.get("/login/totp").await;
}

#[sqlx::test]
async fn an_authenticator_guards_sign_in_once_per_code(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut v = client(&pool, &f.a.volunteer_login).await;
    let (secret, step, codes) = enrol(&pool, &mut v, f.a.volunteer_user).await;
    // Recovery codes are stored hashed.
    let stored: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT code_hash FROM recovery_code WHERE user_id = $1")
            .bind(f.a.volunteer_user)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(stored.len(), totp::RECOVERY_CODES);
    assert!(stored.iter().all(|h| {
        !codes
            .iter()
            .any(|c| h.windows(c.len()).any(|w| w == c.as_bytes()))
    }));
    assert!(stored.contains(&totp::recovery_hash(&codes[0])));

    // After the password, nothing opens but the code page.
    let mut c = TestClient::new(&pool);
    password_step(&mut c, &f.a.volunteer_login).await;
    let home = c.get("/").await;
    assert!(
        home.location().is_some_and(|l| l.starts_with("/login")),
        "not signed in yet"
    );
    assert_eq!(
        c.get("/api/v1/children").await.status,
        StatusCode::UNAUTHORIZED
    );
    c.get("/login/totp").await;
    // A wrong code; the code already used at enrolment.
    let r = c.post("/login/totp", &[("code", "000000")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.texts("#totp-error").len(), 1);
    let used = format!("{:06}", totp::code_at(&secret, step));
    let r = c.post("/login/totp", &[("code", &used)]).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a code is accepted once"
    );
    // The next code signs in.
    let next = format!("{:06}", totp::code_at(&secret, step + 1));
    let r = c.post("/login/totp", &[("code", &next)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(c.get("/").await.status, StatusCode::OK);
    let failed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_event WHERE user_id = $1 AND action = 'totp_failed'",
    )
    .bind(f.a.volunteer_user)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        failed, 3,
        "the wrong enrolment code and two wrong sign-in codes"
    );

    // A recovery code works once.
    let mut r1 = TestClient::new(&pool);
    password_step(&mut r1, &f.a.volunteer_login).await;
    let r = r1
        .post("/login/totp", &[("code", &codes[0].to_uppercase())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r1.get("/").await.status, StatusCode::OK);
    let mut r2 = TestClient::new(&pool);
    password_step(&mut r2, &f.a.volunteer_login).await;
    let r = r2.post("/login/totp", &[("code", &codes[0])]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let used: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_event WHERE user_id = $1 AND action = 'recovery_code_used'",
    )
    .bind(f.a.volunteer_user)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(used, 1);
    // Without the pending sign-in, the code page sends back to the password.
    let mut fresh = TestClient::new(&pool);
    assert_eq!(fresh.get("/login/totp").await.location(), Some("/login"));
}

#[sqlx::test]
async fn a_street_can_make_the_authenticator_compulsory_for_staff(pool: PgPool) {
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
                ("caseload_cap", "3"),
                ("report_deadline_days", "10"),
                ("retention_years", "2"),
                ("totp_required", "1"),
            ],
        )
        .await;
    assert_eq!(r.texts("#saved").len(), 1);
    // Staff without an authenticator are sent to set one up, whatever they open.
    let mut staff = TestClient::new(&pool);
    let r = staff.try_login(&f.a.staff_login, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = staff.get("/children").await;
    assert_eq!(r.location(), Some("/account/totp"));
    assert_eq!(
        staff.get("/api/v1/children").await.status,
        StatusCode::UNAUTHORIZED
    );
    let staff_user: Uuid = f.a.staff;
    let (secret, step, _) = enrol(&pool, &mut staff, staff_user).await;
    assert_eq!(staff.get("/children").await.status, StatusCode::OK);
    // And cannot turn it off.
    staff.get("/account/totp").await;
    let code = format!("{:06}", totp::code_at(&secret, step + 1));
    let r = staff
        .post("/account/totp/disable", &[("code", &code)])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.texts("#totp-error").len(), 1);
    // Volunteers are not forced.
    let mut v = client(&pool, &f.a.volunteer_login).await;
    assert_eq!(v.get("/").await.status, StatusCode::OK);
    // Street B is not affected.
    let mut b = client(&pool, &f.b.staff_login).await;
    assert_eq!(b.get("/children").await.status, StatusCode::OK);
}
