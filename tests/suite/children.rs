//! The child registry: validation, encryption at rest, completeness, consent, conflicts,
//! duplicates, lifecycle, transfers, search and filters.

use crate::common;

use axum::http::StatusCode;
use common::{Fixture, PASSWORD, TestClient, test_key};
use shouhu::domain::id_number::IdNumber;
use sqlx::PgPool;
use uuid::Uuid;

/// A valid ID number for a birth date and gender (odd sequence digit: boy).
fn id_for(birth: &str, boy: bool) -> String {
    let seq = if boy { "123" } else { "124" };
    IdNumber::with_check_digit(&format!("360781{}{seq}", birth.replace('-', "")))
        .unwrap()
        .as_str()
        .to_string()
}

fn child_form<'a>(
    community: &'a str,
    name: &'a str,
    id_number: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("community_id", community),
        ("name", name),
        ("gender", "female"),
        ("birth_date", "2016-05-20"),
        ("id_number", id_number),
        ("address", "幸福路 8 号"),
        ("school", "城关第一小学"),
        ("grade", "四年级"),
        ("class_name", "2 班"),
        ("class_teacher", "刘老师"),
        ("class_teacher_phone", "13912345678"),
        ("left_behind", "both_parents_away"),
        ("parents_work_place", "广东省东莞市"),
        ("parents_return_frequency", "每年春节"),
        ("care_situation", "grandparents"),
        ("risk_level", "medium"),
        ("health_condition", "轻度哮喘"),
        ("psychological_note", "想念妈妈，常哭"),
    ]
}

async fn staff_client(pool: &PgPool, login: &str) -> TestClient {
    let mut client = TestClient::new(pool);
    client.login(login, PASSWORD).await;
    client
}

/// Create a child through the form; returns its id.
async fn create(client: &mut TestClient, fields: &[(&str, &str)]) -> Uuid {
    client.get("/children/new").await;
    let r = client.post("/children", fields).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "create failed:\n{:?}",
        r.texts(".field-error")
    );
    r.location()
        .unwrap()
        .trim_start_matches("/children/")
        .parse()
        .unwrap()
}

#[sqlx::test]
async fn id_number_errors_show_beside_the_field_and_nothing_is_saved(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = staff_client(&pool, &f.a.staff_login).await;
    let community = f.a.community.to_string();
    let valid = id_for("2016-05-20", false);
    let mut wrong_check = valid.clone();
    let last = wrong_check.pop().unwrap();
    wrong_check.push(if last == '0' { '1' } else { '0' });
    let cases: Vec<(String, &str)> = vec![
        (wrong_check, "身份证号校验位不正确，请核对。"),
        ("36078120160520124".to_string(), "身份证号应为 18 位。"),
        (
            "3607812016052012A4".to_string(),
            "身份证号只能包含数字，最后一位可以是 X。",
        ),
        (
            IdNumber::with_check_digit("36078120160230124")
                .map(|n| n.as_str().to_string())
                .unwrap_or_else(|| "360781201602301241".into()),
            "身份证号中的出生日期无效。",
        ),
    ];
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM child")
        .fetch_one(&pool)
        .await
        .unwrap();
    for (number, message) in &cases {
        staff.get("/children/new").await;
        let r = staff
            .post("/children", &child_form(&community, "王小花", number))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{number}");
        let errors = r.texts("#id_number ~ .field-error");
        assert_eq!(
            errors.first().map(String::as_str),
            Some(*message),
            "{number}: {errors:?}"
        );
        // What was typed is kept.
        assert_eq!(r.attr("#name", "value").as_deref(), Some("王小花"));
    }
    // An X check digit is accepted (lower-case typed, upper-case kept).
    let x_number = (0..1000)
        .map(|seq| format!("360781201605200{:02}", seq % 100))
        .filter_map(|p| IdNumber::with_check_digit(&p[..17]))
        .find(|n| {
            n.as_str().ends_with('X')
                && matches!(n.gender(), shouhu::domain::id_number::IdGender::Female)
        })
        .expect("a female number ending in X");
    let lower = x_number.as_str().to_lowercase();
    let id = create(&mut staff, &child_form(&community, "王小花", &lower)).await;
    let masked: String = sqlx::query_scalar("SELECT id_number_masked FROM child WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        masked.ends_with('X') && masked.contains("********"),
        "{masked}"
    );
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM child")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(after, before + 1, "only the valid file was saved");
}

#[sqlx::test]
async fn all_errors_at_once_including_birth_date_and_gender_against_the_id(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = staff_client(&pool, &f.a.staff_login).await;
    let community = f.a.community.to_string();
    let boy_2015 = id_for("2015-01-02", true);
    let mut fields = child_form(&community, "", &boy_2015);
    fields.retain(|(k, _)| *k != "care_situation" && *k != "class_teacher_phone");
    fields.push(("class_teacher_phone", "12345"));
    staff.get("/children/new").await;
    let r = staff.post("/children", &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = r.texts(".field-error");
    for expected in [
        "此项必填。",
        "出生日期与身份证号第 7–14 位的出生日期不一致，请核对两者。",
        "性别与身份证号不一致。",
        "请填写有效的手机号（11 位）或带区号的固定电话。",
    ] {
        assert!(
            errors.iter().any(|e| e == expected),
            "missing {expected} in {errors:?}"
        );
    }
    assert!(errors.len() >= 5, "{errors:?}");
    assert_eq!(r.texts("#form-errors").len(), 1);
}

#[sqlx::test]
async fn id_numbers_are_encrypted_at_rest_and_revealed_only_with_a_reason(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = staff_client(&pool, &f.a.staff_login).await;
    let community = f.a.community.to_string();
    let number = id_for("2016-05-20", false);
    let id = create(&mut staff, &child_form(&community, "李安安", &number)).await;

    // The raw table holds no plaintext: not in any column, not in the audit log.
    let dump: String = sqlx::query_scalar("SELECT row_to_json(c)::text FROM child c WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        !dump.contains(&number) && !dump.contains(&number[6..14]),
        "plaintext in child row"
    );
    let raw: Vec<u8> = sqlx::query_scalar("SELECT id_number_enc FROM child WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(!raw.windows(18).any(|w| w == number.as_bytes()));
    assert_eq!(test_key().decrypt(&raw).unwrap(), number);
    let hash: Vec<u8> = sqlx::query_scalar("SELECT id_number_hash FROM child WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(hash, test_key().keyed_hash(&number));

    // The page shows it masked.
    let page = staff.get(&format!("/children/{id}")).await;
    assert_eq!(
        page.text("#id-masked"),
        format!("{}********{}", &number[..6], &number[14..])
    );
    assert!(!page.body.contains(&number));

    // Revealing needs a reason.
    let r = staff
        .post(&format!("/children/{id}/reveal"), &[("reason", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.body.contains(&number));
    staff.get(&format!("/children/{id}")).await;
    let r = staff
        .post(
            &format!("/children/{id}/reveal"),
            &[("reason", "办理低保申请")],
        )
        .await;
    assert_eq!(r.text("#full-id-number"), number);

    let events: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, detail::text FROM audit_event WHERE entity_id = $1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(&pool)
    .await
    .unwrap();
    let actions: Vec<&str> = events.iter().map(|(a, _)| a.as_str()).collect();
    // The refused reveal showed the file again: that is a view too.
    assert_eq!(
        actions,
        vec![
            "child_created",
            "child_viewed",
            "child_viewed",
            "child_viewed",
            "id_number_revealed"
        ]
    );
    assert!(
        events[4].1.contains("办理低保申请"),
        "the reason is recorded"
    );
    let all_audit: String =
        sqlx::query_scalar("SELECT string_agg(detail::text, ' ') FROM audit_event")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(
        !all_audit.contains(&number),
        "the audit log never holds ID numbers"
    );
}

#[sqlx::test]
async fn completeness_lists_what_is_missing_and_the_rate_follows(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = staff_client(&pool, &f.a.staff_login).await;
    let community = f.a.community.to_string();
    let mut fields = child_form(&community, "陈一一", "");
    fields.retain(|(k, _)| *k != "school");
    let id = create(&mut staff, &fields).await;
    let page = staff.get(&format!("/children/{id}")).await;
    let missing: Vec<String> = page
        .html()
        .select(&scraper::Selector::parse("#missing-list li").unwrap())
        .map(|e| e.value().attr("data-missing").unwrap().to_string())
        .collect();
    assert_eq!(
        missing,
        vec![
            "id_number",
            "school",
            "guardian",
            "parent_contact",
            "consent"
        ]
    );

    // The fixture's child is complete (guardian with phone? no parent contact): check the rate
    // arithmetic on the home page: complete / active.
    let (complete, active): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE cardinality(child_missing(c)) = 0), count(*) FROM child c
         WHERE community_id = $1 AND status = 'active'",
    )
    .bind(f.a.community)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((complete, active), (0, 2));
    let home = staff.get("/").await;
    assert_eq!(home.text("#registration-rate"), "0%");

    // Fill in what is missing: the file becomes complete and the rate moves to 50%.
    staff.get(&format!("/children/{id}/edit")).await;
    let number = id_for("2016-05-20", false);
    let mut fields = child_form(&community, "陈一一", &number);
    fields.push(("version", "1"));
    let r = staff.post(&format!("/children/{id}"), &fields).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{:?}",
        r.texts(".field-error")
    );
    staff.get(&format!("/children/{id}/guardians/new")).await;
    let r = staff
        .post(
            &format!("/children/{id}/guardians"),
            &[
                ("name", "陈奶奶"),
                ("relation", "paternal_grandmother"),
                ("phone", "13500001111"),
                ("is_entrusted", "on"),
                ("agreement_signed_on", "2026-09-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // A parent away needs a work place.
    staff.get(&format!("/children/{id}/guardians/new")).await;
    let r = staff
        .post(
            &format!("/children/{id}/guardians"),
            &[
                ("name", "陈爸爸"),
                ("relation", "father"),
                ("is_parent_away", "on"),
                ("family_phone", "13600002222"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.texts(".field-error"),
        vec!["外出务工的父母请填写务工地。"]
    );
    let r = staff
        .post(
            &format!("/children/{id}/guardians"),
            &[
                ("name", "陈爸爸"),
                ("relation", "father"),
                ("is_parent_away", "on"),
                ("family_phone", "13600002222"),
                ("work_place", "浙江义乌"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = staff.get(&format!("/children/{id}")).await;
    let missing: Vec<String> = page.texts("#missing-list li");
    assert_eq!(missing, vec!["监护人建档同意"], "only the consent is left");
    let r = staff
        .post(
            &format!("/children/{id}/consents"),
            &[
                ("scope", "file"),
                ("given_by", "陈奶奶"),
                ("relation", "paternal_grandmother"),
                ("given_on", "2026-09-02"),
                ("method", "written"),
                ("notice_version", "2026-v1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = staff.get(&format!("/children/{id}")).await;
    assert!(page.texts("#missing-list li").is_empty());
    assert_eq!(page.texts("#completeness p"), vec!["档案完整。"]);
    assert_eq!(staff.get("/").await.text("#registration-rate"), "50%");
    let list = staff.get("/children?incomplete=1").await;
    assert_eq!(
        list.texts("#child-table tbody tr").len(),
        1,
        "only the fixture child is incomplete"
    );
}

#[sqlx::test]
async fn withdrawing_consent_hides_the_sections_it_covers(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = staff_client(&pool, &f.a.staff_login).await;
    let community = f.a.community.to_string();
    let id = create(&mut staff, &child_form(&community, "赵小雨", "")).await;
    let page = staff.get(&format!("/children/{id}")).await;
    assert!(
        page.texts("#health-note").is_empty(),
        "no health consent yet: hidden"
    );
    assert!(!page.body.contains("轻度哮喘") && !page.body.contains("想念妈妈"));

    for scope in ["health", "psychological"] {
        let r = staff
            .post(
                &format!("/children/{id}/consents"),
                &[
                    ("scope", scope),
                    ("given_by", "赵奶奶"),
                    ("relation", "paternal_grandmother"),
                    ("given_on", "2026-09-02"),
                    ("method", "written"),
                    ("notice_version", "2026-v1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let page = staff.get(&format!("/children/{id}")).await;
    assert_eq!(page.text("#health-note"), "轻度哮喘");
    assert_eq!(page.text("#psychological-note"), "想念妈妈，常哭");

    let health: Uuid =
        sqlx::query_scalar("SELECT id FROM consent WHERE child_id = $1 AND scope = 'health'")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    let r = staff
        .post(
            &format!("/children/{id}/consents/{health}/withdraw"),
            &[("withdrawn_on", "2026-11-01"), ("reason", "家长要求")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = staff.get(&format!("/children/{id}")).await;
    assert!(
        page.texts("#health-note").is_empty() && !page.body.contains("轻度哮喘"),
        "withdrawn: hidden again"
    );
    assert_eq!(
        page.text("#psychological-note"),
        "想念妈妈，常哭",
        "the other consent still holds"
    );
    let withdrawn: Option<chrono::NaiveDate> =
        sqlx::query_scalar("SELECT withdrawn_on FROM consent WHERE id = $1")
            .bind(health)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(withdrawn, chrono::NaiveDate::from_ymd_opt(2026, 11, 1));
    // The print copy and the edit form hide it too, and saving the form keeps the stored note.
    let print = staff.get(&format!("/children/{id}/print")).await;
    assert!(!print.body.contains("轻度哮喘"));
    let edit = staff.get(&format!("/children/{id}/edit")).await;
    assert!(!edit.body.contains("轻度哮喘") && edit.texts("#health_condition").is_empty());
    assert_eq!(
        edit.texts("#psychological_note").len(),
        1,
        "the consented part stays editable"
    );
    let version = edit.attr("input[name=version]", "value").unwrap();
    let community_id = f.a.community.to_string();
    let mut fields = child_form(&community_id, "赵小雨", "");
    fields.retain(|(k, _)| *k != "health_condition");
    fields.push(("version", &version));
    assert_eq!(
        staff.post(&format!("/children/{id}"), &fields).await.status,
        StatusCode::SEE_OTHER
    );
    let kept: String = sqlx::query_scalar("SELECT health_condition FROM child WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(kept, "轻度哮喘", "nothing saved is lost by hiding it");
    // Withdrawing the file consent makes the file incomplete.
    let r = staff
        .post(
            &format!("/children/{id}/consents"),
            &[
                ("scope", "file"),
                ("given_by", "赵奶奶"),
                ("relation", "paternal_grandmother"),
                ("given_on", "2026-09-02"),
                ("method", "written"),
                ("notice_version", "2026-v1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let file: Uuid =
        sqlx::query_scalar("SELECT id FROM consent WHERE child_id = $1 AND scope = 'file'")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    staff
        .post(
            &format!("/children/{id}/consents/{file}/withdraw"),
            &[("withdrawn_on", "2026-11-02")],
        )
        .await;
    let page = staff.get(&format!("/children/{id}")).await;
    assert!(
        page.texts("#missing-list li")
            .contains(&"监护人建档同意".to_string())
    );
}

/// Sets `field` in a form as the browser would send it.
fn set(form: &mut Vec<(String, String)>, field: &str, value: &str) {
    form.retain(|(k, _)| k != field);
    form.push((field.to_string(), value.to_string()));
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// Two tabs on one file: the first changes 留守类型 and 回家频率 and saves; the second changes
/// 班主任 and saves on the old version. The conflict lists every field that differs, marked by
/// who changed it, and saving from it keeps the first tab's changes (a three-way merge against
/// the version the second form was opened with).
#[sqlx::test]
async fn a_stale_save_keeps_the_other_tabs_changes_to_untouched_fields(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut desk = staff_client(&pool, &f.a.staff_login).await;
    let community = f.a.community.to_string();
    let id = create(&mut desk, &child_form(&community, "孙小北", "")).await;

    let tab1 = desk.get(&format!("/children/{id}/edit")).await;
    let tab2 = desk.get(&format!("/children/{id}/edit")).await;
    let mut first = tab1.form_fields("#child-form");
    set(&mut first, "left_behind", "father_away");
    set(&mut first, "parents_return_frequency", "每月一次");
    let r = desk.post(&format!("/children/{id}"), &pairs(&first)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    let mut second = tab2.form_fields("#child-form");
    set(&mut second, "class_teacher", "王老师");
    let r = desk.post(&format!("/children/{id}"), &pairs(&second)).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let rows: Vec<(String, String)> = {
        let html = r.html();
        let sel = scraper::Selector::parse("#conflict tr.difference").unwrap();
        html.select(&sel)
            .map(|e| {
                (
                    e.value().attr("data-field").unwrap().to_string(),
                    e.value().attr("class").unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        rows,
        [
            ("class_teacher".into(), "difference changed-you".into()),
            ("left_behind".into(), "difference changed-them".into()),
            (
                "parents_return_frequency".into(),
                "difference changed-them".into()
            ),
        ],
        "every differing field, marked: {}",
        r.text("#conflict")
    );
    let conflict = r.text("#conflict");
    for shown in [
        "父亲外出",
        "父母均外出",
        "每月一次",
        "每年春节",
        "王老师",
        "刘老师",
    ] {
        assert!(conflict.contains(shown), "{shown} in {conflict}");
    }
    let merged = r.form_fields("#child-form");
    let value = |k: &str| {
        merged
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(value("left_behind"), "father_away");
    assert_eq!(value("parents_return_frequency"), "每月一次");
    assert_eq!(value("class_teacher"), "王老师");
    assert_eq!(value("version"), "2");
    let stored: (String, String, String) = sqlx::query_as(
        "SELECT left_behind::text, parents_return_frequency, class_teacher FROM child WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        stored,
        ("father_away".into(), "每月一次".into(), "刘老师".into()),
        "the stale save wrote nothing"
    );

    // 以我的内容保存: both edits stand.
    let r = desk.post(&format!("/children/{id}"), &pairs(&merged)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored: (String, String, String, i32) = sqlx::query_as(
        "SELECT left_behind::text, parents_return_frequency, class_teacher, version FROM child WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        stored,
        ("father_away".into(), "每月一次".into(), "王老师".into(), 3)
    );
}

/// A note the guardian did not consent to never reaches the browser, a conflict included.
#[sqlx::test]
async fn a_conflict_never_shows_a_note_without_consent(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut desk = staff_client(&pool, &f.a.staff_login).await;
    let community = f.a.community.to_string();
    let id = create(&mut desk, &child_form(&community, "孙小北", "")).await;
    // A new file carries no consent to its health note yet.
    let tab1 = desk.get(&format!("/children/{id}/edit")).await;
    assert!(!tab1.body.contains("轻度哮喘"));
    let mut second = tab1.form_fields("#child-form");
    sqlx::query(
        "UPDATE child SET health_condition = '新的健康记录', version = version + 1 WHERE id = $1",
    )
    .bind(id)
    .execute(&pool)
    .await
    .unwrap();
    set(&mut second, "school", "城关第二小学");
    let r = desk.post(&format!("/children/{id}"), &pairs(&second)).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(!r.body.contains("新的健康记录"), "{}", r.text("#conflict"));
    assert!(!r.body.contains("轻度哮喘"));
}

#[sqlx::test]
async fn a_stale_save_shows_both_versions_and_loses_nothing(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut desk = staff_client(&pool, &f.a.staff_login).await;
    let mut admin = staff_client(&pool, &f.a.admin_login).await;
    let community = f.a.community.to_string();
    let id = create(&mut desk, &child_form(&community, "孙小北", "")).await;

    // Both open the edit form on version 1.
    let form = desk.get(&format!("/children/{id}/edit")).await;
    assert_eq!(
        form.attr("input[name=version]", "value").as_deref(),
        Some("1")
    );
    admin.get(&format!("/children/{id}/edit")).await;
    let mut theirs = child_form(&community, "孙小北", "");
    theirs.retain(|(k, _)| *k != "address");
    theirs.extend([("address", "和平街 1 号"), ("version", "1")]);
    assert_eq!(
        admin.post(&format!("/children/{id}"), &theirs).await.status,
        StatusCode::SEE_OTHER
    );

    let mut mine = child_form(&community, "孙小北", "");
    mine.retain(|(k, _)| *k != "school");
    mine.extend([("school", "城关第二小学"), ("version", "1")]);
    let r = desk.post(&format!("/children/{id}"), &mine).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let conflict = r.text("#conflict");
    assert!(
        conflict.contains("和平街 1 号"),
        "their version is shown: {conflict}"
    );
    assert!(
        conflict.contains("城关第二小学"),
        "my version is shown: {conflict}"
    );
    assert_eq!(
        r.attr("#school", "value").as_deref(),
        Some("城关第二小学"),
        "my typing is kept in the form"
    );
    assert_eq!(r.attr("input[name=version]", "value").as_deref(), Some("2"));
    let school: String = sqlx::query_scalar("SELECT school FROM child WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(school, "城关第一小学", "nothing was overwritten");

    // Saving again on the new version goes through.
    mine.retain(|(k, _)| *k != "version");
    mine.push(("version", "2"));
    assert_eq!(
        desk.post(&format!("/children/{id}"), &mine).await.status,
        StatusCode::SEE_OTHER
    );
    let (school, version): (String, i32) =
        sqlx::query_as("SELECT school, version FROM child WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((school.as_str(), version), ("城关第二小学", 3));
    // The timeline names the changed fields, never their values.
    let page = desk.get(&format!("/children/{id}")).await;
    let timeline = page.texts("#timeline li");
    assert!(
        timeline[0].contains("修改了档案") && timeline[0].contains("学校"),
        "{timeline:?}"
    );
    assert!(timeline.last().unwrap().contains("建立了档案"));
}

#[sqlx::test]
async fn duplicates_are_found_by_keyed_hash_and_by_name_and_birth_date(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = staff_client(&pool, &f.a.staff_login).await;
    let mut other = staff_client(&pool, &f.a.other_staff_login).await;
    let number = id_for("2016-05-20", false);
    create(
        &mut staff,
        &child_form(&f.a.community.to_string(), "周可可", &number),
    )
    .await;

    // Same ID number in another community of the street: a warning, nothing saved.
    let other_community = f.a.other_community.to_string();
    other.get("/children/new").await;
    let r = other
        .post(
            "/children",
            &child_form(&other_community, "周珂珂", &number),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text("#duplicates").contains("身份证号相同"));
    assert!(
        !r.text("#duplicates").contains("周可可"),
        "another community's child is not named to its staff"
    );
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM child WHERE name LIKE '周%'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 1);
    // Same name and birth date, no ID number.
    let r = other
        .post("/children", &child_form(&other_community, "周可可", ""))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text("#duplicates").contains("姓名和出生日期相同"));
    // Confirmed as a different child: saved.
    let mut fields = child_form(&other_community, "周可可", "");
    fields.push(("confirm_duplicate", "on"));
    assert_eq!(
        other.post("/children", &fields).await.status,
        StatusCode::SEE_OTHER
    );
    // Another street's identical child is not a duplicate here.
    let mut b = staff_client(&pool, &f.b.staff_login).await;
    create(
        &mut b,
        &child_form(&f.b.community.to_string(), "周可可", &number),
    )
    .await;
}

#[sqlx::test]
async fn search_by_pinyin_initials_and_school_with_filters_in_the_url(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut admin = staff_client(&pool, &f.a.admin_login).await;
    let a1 = f.a.community.to_string();
    let a2 = f.a.other_community.to_string();
    create(&mut admin, &child_form(&a1, "张小明", "")).await;
    let mut boy = child_form(&a2, "欧阳娜娜", "");
    boy.retain(|(k, _)| *k != "school" && *k != "birth_date");
    boy.extend([("school", "城关中学"), ("birth_date", "2012-03-03")]);
    create(&mut admin, &boy).await;

    let names = |r: &common::TestResponse| r.texts("#child-table tbody tr td:first-child a");
    assert_eq!(names(&admin.get("/children?q=zxm").await), vec!["张小明"]);
    assert_eq!(names(&admin.get("/children?q=ZX").await), vec!["张小明"]);
    assert_eq!(
        names(&admin.get("/children?q=oynn").await),
        vec!["欧阳娜娜"]
    );
    assert_eq!(
        names(&admin.get("/children?q=%E5%B0%8F%E6%98%8E").await),
        vec!["张小明"],
        "Chinese name part"
    );
    assert_eq!(
        names(
            &admin
                .get("/children?q=%E5%9F%8E%E5%85%B3%E4%B8%AD%E5%AD%A6")
                .await
        ),
        vec!["欧阳娜娜"],
        "school"
    );
    assert_eq!(
        names(&admin.get(&format!("/children?community={a2}")).await),
        vec!["欧阳娜娜"]
    );
    assert_eq!(
        names(&admin.get("/children?age=12-15").await),
        vec!["欧阳娜娜"]
    );
    let list = admin.get("/children?unpaired=1&girl=1").await;
    assert_eq!(list.text("#child-total"), "共 2");
    assert_eq!(
        list.attr("input[name=unpaired]", "checked").as_deref(),
        Some(""),
        "the filter stays ticked"
    );
    assert_eq!(
        names(&admin.get("/children?risk=medium&care=grandparents").await).len(),
        2
    );
    // The fixture child is paired: with no filter, three children.
    assert_eq!(admin.get("/children").await.text("#child-total"), "共 3");

    // Community staff never see another community's children, whatever the URL says.
    let mut staff = staff_client(&pool, &f.a.staff_login).await;
    let r = staff.get(&format!("/children?community={a2}")).await;
    assert_eq!(names(&r), vec!["张小明", f.a.child_name.as_str()]);
}

#[sqlx::test]
async fn fifty_a_page_with_the_total(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    sqlx::query(
        "INSERT INTO child (street_id, id, community_id, name, gender, birth_date, left_behind, care_situation)
         SELECT $1, gen_random_uuid(), $2, '批量' || lpad(n::text, 3, '0'), 'male', '2015-01-01', 'father_away', 'relatives'
         FROM generate_series(1, 120) n",
    )
    .bind(f.a.id)
    .bind(f.a.community)
    .execute(&pool)
    .await
    .unwrap();
    let mut staff = staff_client(&pool, &f.a.staff_login).await;
    let first = staff.get("/children").await;
    assert_eq!(first.text("#child-total"), "共 121");
    assert_eq!(first.texts("#child-table tbody tr").len(), 50);
    let next = first.attr("#next-page", "href").unwrap();
    let third = staff.get(&next.replace("page=2", "page=3")).await;
    let rows = third.texts("#child-table tbody tr");
    assert_eq!(rows.len(), 21);
    // What each file lacks is looked up for the page's children after the page is chosen: the
    // last page's files show their own gaps (eight: nothing but name, birth and community).
    let batch: Vec<&String> = rows.iter().filter(|r| r.contains("批量")).collect();
    assert!(!batch.is_empty());
    for row in batch {
        assert!(row.contains("（8）"), "the row shows its eight gaps: {row}");
        assert!(row.contains("未结对"), "and that it is not paired: {row}");
    }
    assert!(
        third.body.contains("批量120"),
        "the last page ends with the last child"
    );
    // The count rides on the page's rows; the last page carries it too, and a page past the
    // end, with no row to carry it, counts on its own.
    assert_eq!(third.text("#child-total"), "共 121");
    let past = staff.get(&next.replace("page=2", "page=4")).await;
    assert_eq!(past.texts("#child-table tbody tr").len(), 0);
    assert_eq!(past.text("#child-total"), "共 121");
    let none = staff.get("/children?q=没有这个名字").await;
    assert_eq!(none.text("#child-total"), "共 0");
}

/// The list as it opens takes `child_list_page()`, which walks the communities in name order and
/// skips whole ones by their counts; the general statement, with one sort over all, must agree
/// with it on every page: children, order, facts and total, for the street and for a community.
#[sqlx::test]
async fn the_opening_list_pages_like_the_general_statement(pool: PgPool) {
    use shouhu::domain::child::ChildStatus;
    use shouhu::domain::ids::StreetId;
    use shouhu::web::children::list_db::{ListFilter, ListRow, list};
    let f = Fixture::new(&pool).await;
    // A third community, made last but first by name, and 40 more children in the three, some
    // with the same name, one moved away.
    let third = Uuid::now_v7();
    sqlx::query("INSERT INTO community (street_id, id, name) VALUES ($1, $2, 'A 翻页社区')")
        .bind(f.a.id)
        .bind(third)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO child (street_id, id, community_id, name, gender, birth_date, left_behind, care_situation,
                            status, school)
         SELECT $1, gen_random_uuid(), CASE WHEN n % 5 < 2 THEN $2 WHEN n % 5 < 4 THEN $3 ELSE $4 END,
                '翻页' || lpad((n % 13)::text, 2, '0'), 'female', '2014-03-01', 'both_parents_away', 'relatives',
                CASE WHEN n = 7 THEN 'moved_away'::child_status ELSE 'active' END,
                CASE WHEN n % 2 = 0 THEN '实验小学' ELSE '' END
         FROM generate_series(1, 40) n",
    )
    .bind(f.a.id)
    .bind(f.a.community)
    .bind(f.a.other_community)
    .bind(third)
    .execute(&pool)
    .await
    .unwrap();
    let street = StreetId(f.a.id);
    // What a row shows that the two ways could get wrong.
    let shown = |r: &ListRow| {
        let facts = (r.missing.clone(), r.paired);
        (r.id, r.community_name.clone(), r.school.clone(), facts)
    };
    let mut tx = shouhu::db::begin(&pool, street, None).await.unwrap();
    for community in [
        None,
        Some(f.a.community),
        Some(f.a.other_community),
        Some(third),
    ] {
        let filter = ListFilter {
            community,
            status: Some(ChildStatus::Active),
            ..ListFilter::default()
        };
        // Over 200 a page goes the general way (a spreadsheet of the whole list).
        let whole = ListFilter {
            limit: 1_000,
            ..filter.clone()
        };
        let (all, total) = list(&mut tx, street, &whole).await.unwrap();
        assert!(all.len() > 7, "enough children to page: {}", all.len());
        assert_eq!(total, all.len() as i64);
        for (limit, offset) in [
            (7, 0),
            (7, 7),
            (7, 14),
            (5, 12),
            (50, 0),
            (3, all.len() as i64 - 2),
        ] {
            let page = ListFilter {
                limit,
                offset,
                ..filter.clone()
            };
            let (rows, page_total) = list(&mut tx, street, &page).await.unwrap();
            let expected: Vec<_> = all
                .iter()
                .skip(offset as usize)
                .take(limit as usize)
                .map(shown)
                .collect();
            let got: Vec<_> = rows.iter().map(shown).collect();
            assert_eq!(got, expected, "{community:?} limit {limit} offset {offset}");
            assert_eq!(page_total, total);
        }
    }
    tx.rollback().await.unwrap();
}

/// Only the filters in use are written into the list's query: each one answers, keeps the child
/// that matches and drops one that matches every other filter but not this one, and the count
/// follows the same filter.
#[sqlx::test]
async fn every_filter_keeps_the_matching_child_and_drops_the_other(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let control = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO child (street_id, id, community_id, name, gender, birth_date, left_behind, care_situation)
         VALUES ($1, $2, $3, '对照儿童', 'male', '2015-01-01', 'father_away', 'relatives')",
    )
    .bind(f.a.id)
    .bind(control)
    .bind(f.a.community)
    .execute(&pool)
    .await
    .unwrap();
    // Both children match every filter; then, filter by filter, the control child stops
    // matching that one.
    let set = |id: Uuid, assignments: &str| {
        let pool = pool.clone();
        let sql = format!("UPDATE child SET {assignments} WHERE street_id = $1 AND id = $2");
        async move {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(f.a.id)
                .bind(id)
                .execute(&pool)
                .await
                .unwrap();
        }
    };
    let all = format!(
        "disability = true, subsistence_allowance = true, poverty = true, health_condition = '哮喘',
         psychological_concern = true, gender = 'female', risk_level = 'high',
         care_situation = 'self_care', grid_id = '{}'",
        f.a.grid
    );
    set(f.a.child, &all).await;
    let mut staff = staff_client(&pool, &f.a.staff_login).await;
    let names = |r: &common::TestResponse| r.texts("#child-table tbody tr td:first-child a");
    let grid = format!("grid={}", f.a.grid);
    for (query, unmatched) in [
        ("disability=1", "disability = false"),
        ("subsistence=1", "subsistence_allowance = false"),
        ("poverty=1", "poverty = false"),
        ("health=1", "health_condition = ''"),
        ("psychological=1", "psychological_concern = false"),
        ("girl=1", "gender = 'male'"),
        ("risk=high", "risk_level = 'low'"),
        ("care=self_care", "care_situation = 'relatives'"),
        (grid.as_str(), "grid_id = NULL"),
    ] {
        set(control, &all).await;
        let both = staff.get(&format!("/children?{query}")).await;
        assert_eq!(
            both.text("#child-total"),
            "共 2",
            "{query}: both match at first"
        );
        set(control, unmatched).await;
        let page = staff.get(&format!("/children?{query}")).await;
        assert_eq!(page.status, 200, "{query}");
        assert_eq!(names(&page), vec![f.a.child_name.clone()], "{query}");
        assert_eq!(page.text("#child-total"), "共 1", "{query}");
    }
    let combined = staff
        .get("/children?disability=1&girl=1&risk=high&q=SECRET")
        .await;
    assert_eq!(names(&combined), vec![f.a.child_name.clone()]);
    // The fixture child is paired, the control child is not.
    let unpaired = staff.get("/children?unpaired=1").await;
    assert_eq!(names(&unpaired), vec!["对照儿童"]);
    assert_eq!(unpaired.text("#child-total"), "共 1");
}

#[sqlx::test]
async fn status_changes_are_dated_with_reasons_and_kept(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = staff_client(&pool, &f.a.staff_login).await;
    let id = f.a.child;
    staff.get(&format!("/children/{id}")).await;
    let r = staff
        .post(
            &format!("/children/{id}/status"),
            &[
                ("version", "1"),
                ("status", "parents_returned"),
                ("changed_on", "2026-11-20"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.texts(".field-error"), vec!["请填写原因。"]);
    // A page drawn before someone else's change cannot change the status.
    let r = staff
        .post(
            &format!("/children/{id}/status"),
            &[
                ("version", "0"),
                ("status", "parents_returned"),
                ("changed_on", "2026-11-20"),
                ("reason", "母亲返乡就业"),
            ],
        )
        .await;
    assert_eq!(
        r.texts(".field-error"),
        vec!["这份档案刚被他人修改过，下面是最新内容，请核对后再操作。"]
    );
    let r = staff
        .post(
            &format!("/children/{id}/status"),
            &[
                ("version", "1"),
                ("status", "parents_returned"),
                ("changed_on", "2026-11-20"),
                ("reason", "母亲返乡就业"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = staff.get(&format!("/children/{id}")).await;
    assert_eq!(page.text("#child-status"), "父母返乡");
    let history = page.texts("#status-history li");
    assert_eq!(history.len(), 1);
    assert!(
        history[0].contains("2026-11-20")
            && history[0].contains("母亲返乡就业")
            && history[0].contains("在册 → 父母返乡"),
        "{history:?}"
    );
    // Inactive children drop out of the default list but stay on file.
    assert!(
        staff
            .get("/children")
            .await
            .texts("#child-table tbody tr")
            .is_empty()
    );
    assert_eq!(
        staff
            .get("/children?status=parents_returned")
            .await
            .texts("#child-table tbody tr")
            .len(),
        1
    );
}

#[sqlx::test]
async fn sixteen_year_olds_are_flagged_and_verification_is_per_semester(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let today = shouhu::domain::semester::today_in_china();
    let turning = shouhu::domain::child::sixteenth_birthday(today).with_year_minus16(today);
    sqlx::query("UPDATE child SET birth_date = $2 WHERE id = $1")
        .bind(f.a.child)
        .bind(turning)
        .execute(&pool)
        .await
        .unwrap();
    let mut staff = staff_client(&pool, &f.a.staff_login).await;
    let page = staff.get(&format!("/children/{}", f.a.child)).await;
    assert_eq!(page.text("#age-flag"), "30 天内年满 16 周岁");
    assert_eq!(page.texts("#unverified").len(), 1);
    assert_eq!(
        staff
            .get("/children?unverified=1")
            .await
            .texts("#child-table tbody tr")
            .len(),
        1
    );
    staff
        .post(&format!("/children/{}/verify", f.a.child), &[])
        .await;
    let page = staff.get(&format!("/children/{}", f.a.child)).await;
    assert!(page.texts("#unverified").is_empty());
    assert!(
        staff
            .get("/children?unverified=1")
            .await
            .texts("#child-table tbody tr")
            .is_empty()
    );
    // Verified in the previous semester counts as not verified now.
    let last_semester = shouhu::domain::semester::Semester::containing(today)
        .previous()
        .end();
    sqlx::query("UPDATE child SET verified_on = $2 WHERE id = $1")
        .bind(f.a.child)
        .bind(last_semester)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        staff
            .get("/children?unverified=1")
            .await
            .texts("#child-table tbody tr")
            .len(),
        1
    );
    // Already sixteen.
    sqlx::query("UPDATE child SET birth_date = birth_date - interval '1 year' WHERE id = $1")
        .bind(f.a.child)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        staff
            .get(&format!("/children/{}", f.a.child))
            .await
            .text("#age-flag"),
        "已满 16 周岁，请办理退出"
    );
}

trait MinusSixteen {
    fn with_year_minus16(self, today: chrono::NaiveDate) -> chrono::NaiveDate;
}

impl MinusSixteen for chrono::NaiveDate {
    /// The birth date of someone who turns 16 ten days from `today`.
    fn with_year_minus16(self, today: chrono::NaiveDate) -> chrono::NaiveDate {
        use chrono::Datelike;
        let in_ten_days = today + chrono::Duration::days(10);
        in_ten_days
            .with_year(in_ten_days.year() - 16)
            .unwrap_or(in_ten_days - chrono::Duration::days(16 * 365))
    }
}

#[sqlx::test]
async fn a_street_admin_transfers_a_child_keeping_the_history(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let id = f.a.child;
    // Staff cannot transfer.
    let mut staff = staff_client(&pool, &f.a.staff_login).await;
    staff.get(&format!("/children/{id}")).await;
    let r = staff
        .post(
            &format!("/children/{id}/transfer"),
            &[
                ("version", "1"),
                ("to_community", &f.a.other_community.to_string()),
                ("reason", "搬家"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Not to another street's community.
    let mut admin = staff_client(&pool, &f.a.admin_login).await;
    admin.get(&format!("/children/{id}")).await;
    let r = admin
        .post(
            &format!("/children/{id}/transfer"),
            &[
                ("version", "1"),
                ("to_community", &f.b.community.to_string()),
                ("reason", "搬家"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin
        .post(
            &format!("/children/{id}/transfer"),
            &[
                ("version", "1"),
                ("to_community", &f.a.other_community.to_string()),
                ("reason", "随祖父母搬家"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = admin.get(&format!("/children/{id}")).await;
    assert_eq!(page.text("#child-community"), f.a.other_community_name);
    let ended: Option<chrono::NaiveDate> =
        sqlx::query_scalar("SELECT ended_on FROM pairing WHERE id = $1")
            .bind(f.a.pairing)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(
        ended.is_some(),
        "the old community's pairing ends with the transfer"
    );
    assert!(page.text("#status-history").contains("随祖父母搬家"));
    // The old community's staff lose it; the new community's staff have it.
    assert_eq!(
        staff.get(&format!("/children/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let mut other = staff_client(&pool, &f.a.other_staff_login).await;
    assert_eq!(
        other.get(&format!("/children/{id}")).await.status,
        StatusCode::OK
    );
}

#[sqlx::test]
async fn out_of_scope_child_pages_are_404_and_audited(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    for login in [
        &f.a.other_staff_login,
        &f.a.volunteer_login,
        &f.b.admin_login,
        &f.b.staff_login,
    ] {
        let mut client = staff_client(&pool, login).await;
        for path in [
            format!("/children/{}", f.a.child),
            format!("/children/{}/print", f.a.child),
            format!("/children/{}/edit", f.a.child),
        ] {
            let r = client.get(&path).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{login} {path}");
            assert!(!r.body.contains(&f.a.child_name));
        }
    }
    let denied: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_event WHERE action = 'access_denied'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(denied, 12, "every refused look is on record");
    let viewed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_event WHERE action = 'child_viewed'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(viewed, 0);
}

#[sqlx::test]
async fn guardians_are_edited_with_versions_and_removed(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = staff_client(&pool, &f.a.staff_login).await;
    let (child, guardian) = (f.a.child, f.a.guardian);
    let form = staff
        .get(&format!("/children/{child}/guardians/{guardian}/edit"))
        .await;
    assert_eq!(
        form.attr("#g-phone", "value").as_deref(),
        Some("13512345678"),
        "staff see guardians' phones"
    );
    let fields = [
        ("name", "甲奶奶"),
        ("relation", "paternal_grandmother"),
        ("phone", "13512340000"),
        ("version", "1"),
    ];
    assert_eq!(
        staff
            .post(&format!("/children/{child}/guardians/{guardian}"), &fields)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // The same stale version again: a conflict, the typed values kept.
    let stale = [
        ("name", "甲奶奶"),
        ("relation", "paternal_grandmother"),
        ("phone", "13599999999"),
        ("version", "1"),
    ];
    let r = staff
        .post(&format!("/children/{child}/guardians/{guardian}"), &stale)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.attr("#g-phone", "value").as_deref(), Some("13599999999"));
    assert_eq!(r.attr("input[name=version]", "value").as_deref(), Some("2"));
    let phone: String = sqlx::query_scalar("SELECT phone FROM guardian WHERE id = $1")
        .bind(guardian)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(phone, "13512340000");
    staff.get(&format!("/children/{child}")).await;
    assert_eq!(
        staff
            .post(
                &format!("/children/{child}/guardians/{guardian}/delete"),
                &[]
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert!(
        staff
            .get(&format!("/children/{child}"))
            .await
            .texts("#guardian-table tbody tr")
            .is_empty()
    );
    // Another street's guardian id under this child: 404.
    let r = staff
        .post(
            &format!("/children/{child}/guardians/{}/delete", f.b.guardian),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn the_print_copy_is_a4_and_audited(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = staff_client(&pool, &f.a.staff_login).await;
    let r = staff.get(&format!("/children/{}/print", f.a.child)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.text("#print-name"), f.a.child_name);
    assert_eq!(
        r.attr("link[rel=stylesheet]", "href").as_deref(),
        Some("/static/print.css")
    );
    let css = staff.get("/static/print.css").await;
    assert!(css.body.contains("size: A4"));
    let printed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_event WHERE action = 'child_printed' AND entity_id = $1",
    )
    .bind(f.a.child)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(printed, 1);
}

#[sqlx::test]
async fn the_list_shows_each_childs_community_and_grid(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let grid = common::grid_name(&pool, f.a.grid).await;
    let mut staff = staff_client(&pool, &f.a.staff_login).await;
    let community = f.a.community.to_string();
    create(&mut staff, &child_form(&community, "周小禾", "")).await;
    let list = staff.get("/children").await;
    let rows = list.texts("#child-table tbody tr");
    let with_grid = format!("{} · {grid}", f.a.community_name);
    let row = |name: &str| {
        rows.iter()
            .find(|r| r.contains(name))
            .unwrap_or_else(|| panic!("{name} is listed: {rows:?}"))
            .clone()
    };
    assert!(
        row(&f.a.child_name).contains(&with_grid),
        "the fixture child lives in a grid"
    );
    let no_grid = row("周小禾");
    assert!(
        no_grid.contains(&f.a.community_name) && !no_grid.contains(&grid),
        "a child without a grid shows the community alone: {no_grid}"
    );
    assert!(
        list.texts("select[name=grid] option").contains(&with_grid),
        "the grid filter offers the grid with its community"
    );
    // Another street's grids never show.
    assert!(!list.body.contains(&f.b.community_name));
}

/// The list's community and grid filters come from a cache (a minute); a grid or community added
/// through this app server shows in them at once.
#[sqlx::test]
async fn a_new_grid_shows_in_the_list_filter_at_once_though_cached(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let state = common::test_state(&pool, false).with_cache_seconds(60);
    let mut admin = TestClient::with_app(shouhu::app(state));
    admin.login(&f.a.admin_login, PASSWORD).await;
    let options = |r: &common::TestResponse| r.texts("select[name=grid] option");
    let before = admin.get("/children").await;
    let label = format!("{} · 新建网格", f.a.community_name);
    assert!(!options(&before).contains(&label));
    let community = f.a.community;
    admin.get(&format!("/communities/{community}")).await;
    let r = admin
        .post(
            &format!("/communities/{community}/grids"),
            &[("name", "新建网格")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let after = admin.get("/children").await;
    assert!(
        options(&after).contains(&label),
        "the new grid is offered: {:?}",
        options(&after)
    );
    admin.get("/communities").await;
    let r = admin.post("/communities", &[("name", "新建社区")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let after = admin.get("/children").await;
    assert!(
        after
            .texts("select[name=community] option")
            .contains(&"新建社区".to_string()),
        "the new community is offered: {:?}",
        after.texts("select[name=community] option")
    );
}

/// Completeness is counted in several places: per file (`child_missing()`), for a page of the
/// list (`child_list_facts()`), for the "incomplete" filter, per community (the summaries behind
/// the rates) and in the quarterly figures, the last two with the rules written out set-based.
/// A complete file and eight files each lacking one thing must count the same everywhere.
#[sqlx::test]
async fn every_count_of_complete_files_follows_the_same_rules(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let (street, community) = (f.a.id, f.a.other_community);
    // A complete file, then one lacking each thing a complete file has.
    let gaps: Vec<&str> = std::iter::once("")
        .chain(shouhu::domain::child::MISSING_KEYS)
        .collect();
    for (n, gap) in gaps.iter().enumerate() {
        let child = Uuid::now_v7();
        let value = |field: &str, v: &'static str| if *gap == field { "" } else { v };
        sqlx::query(
            "INSERT INTO child (street_id, id, community_id, name, gender, birth_date, left_behind,
                                care_situation, id_number_hash, address, school, grade, parents_work_place)
             VALUES ($1, $2, $3, $4, 'male', '2015-01-01', 'both_parents_away', 'grandparents',
                     CASE WHEN $5 THEN NULL ELSE '\\x01'::bytea END, $6, $7, $8, $9)",
        )
        .bind(street)
        .bind(child)
        .bind(community)
        .bind(format!("规则童{n}"))
        .bind(*gap == "id_number")
        .bind(value("address", "演示路1号"))
        .bind(value("school", "演示小学"))
        .bind(value("grade", "三年级"))
        .bind(value("parents_work_place", "东莞"))
        .execute(&pool)
        .await
        .unwrap();
        // The carer at home, and the father away with a phone; the one lacking a carer has
        // only the father, the one lacking a parent contact has a father without a phone.
        if *gap != "guardian" {
            sqlx::query(
                "INSERT INTO guardian (street_id, id, child_id, name, relation, phone)
                 VALUES ($1, gen_random_uuid(), $2, '奶奶', 'paternal_grandmother', '13500000000')",
            )
            .bind(street)
            .bind(child)
            .execute(&pool)
            .await
            .unwrap();
        }
        sqlx::query(
            "INSERT INTO guardian (street_id, id, child_id, name, relation, phone, is_parent_away, family_phone)
             VALUES ($1, gen_random_uuid(), $2, '爸爸', 'father', '', true, $3)",
        )
        .bind(street)
        .bind(child)
        .bind(value("parent_contact", "13600000000"))
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO consent (street_id, id, child_id, scope, given_by, relation, given_on, method,
                                  notice_version, withdrawn_on)
             VALUES ($1, gen_random_uuid(), $2, 'file', '奶奶', 'paternal_grandmother', '2026-09-01',
                     'written', 'v1', CASE WHEN $3 THEN DATE '2026-10-01' END)",
        )
        .bind(street)
        .bind(child)
        .bind(*gap == "consent")
        .execute(&pool)
        .await
        .unwrap();
    }

    // Per file: each lacks exactly its own gap.
    let mut tx = shouhu::db::begin(&pool, shouhu::domain::ids::StreetId(street), None)
        .await
        .unwrap();
    let missing: Vec<(String, Vec<String>)> = sqlx::query_as(
        "SELECT name, child_missing(c) FROM child c WHERE community_id = $1 ORDER BY name",
    )
    .bind(community)
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    for (n, gap) in gaps.iter().enumerate() {
        let expected: Vec<String> = Some(gap.to_string())
            .filter(|g| !g.is_empty())
            .into_iter()
            .collect();
        assert_eq!(missing[n], (format!("规则童{n}"), expected));
    }
    // Per community, as the rates count them.
    let summaries = shouhu::web::communities::db::summaries(
        &mut tx,
        shouhu::domain::ids::StreetId(street),
        Some(community),
    )
    .await
    .unwrap();
    assert_eq!((summaries[0].complete, summaries[0].children), (1, 9));
    tx.rollback().await.unwrap();

    // The list, page and filter.
    let mut admin = staff_client(&pool, &f.a.admin_login).await;
    let page = admin.get(&format!("/children?community={community}")).await;
    let rows = page.texts("#child-table tbody tr");
    assert_eq!(rows.len(), 9);
    assert_eq!(rows.iter().filter(|r| r.contains("（1）")).count(), 8);
    assert_eq!(rows.iter().filter(|r| r.contains("完整")).count(), 1);
    let incomplete = admin
        .get(&format!("/children?community={community}&incomplete=1"))
        .await;
    assert_eq!(incomplete.text("#child-total"), "共 8");

    // The quarter's figures.
    let report = admin.get(&format!("/reports/{community}/2026-Q4")).await;
    assert_eq!(report.status, StatusCode::OK);
    let completeness = report.text("dd[data-figure=completeness]");
    assert!(completeness.ends_with("（1/9）"), "{completeness}");
}

/// A name is found by its initials, its full pinyin and the pinyin of the given name; files saved
/// with initials only get the full search key when the app migrates.
#[sqlx::test]
async fn children_are_found_by_full_pinyin(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    sqlx::query(
        "INSERT INTO child (street_id, id, community_id, name, name_initials, gender, birth_date, left_behind, care_situation)
         VALUES ($1, $2, $3, '黄思琪', 'hsq', 'female', '2016-03-01', 'father_away', 'grandparents')",
    )
    .bind(f.a.id)
    .bind(Uuid::now_v7())
    .bind(f.a.community)
    .execute(&pool)
    .await
    .unwrap();
    shouhu::db::migrate(&pool).await.unwrap();
    let key: String = sqlx::query_scalar("SELECT name_initials FROM child WHERE name = '黄思琪'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(key, "hsq|huangsiqi");
    let mut client = TestClient::new(&pool);
    client.login(&f.a.staff_login, PASSWORD).await;
    let names = |r: &common::TestResponse| r.texts("#child-table tbody tr td:first-child a");
    for q in ["hsq", "huangsiqi", "HuangSiqi", "siqi", "huang"] {
        let list = client.get(&format!("/children?q={q}")).await;
        assert_eq!(names(&list), vec!["黄思琪".to_string()], "{q}");
    }
    for q in ["huangsq", "hsqi"] {
        let list = client.get(&format!("/children?q={q}")).await;
        assert!(names(&list).is_empty(), "{q}: {:?}", names(&list));
    }
    // A file saved through the form gets the whole key at once.
    let key = shouhu::domain::pinyin::search_key("欧阳娜娜");
    assert_eq!(key, "oynn|ouyangnana");
}
