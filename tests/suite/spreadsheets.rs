//! Spreadsheets in and out: round trip, per-cell errors, bad files, all-or-nothing, GBK.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Fixture, PASSWORD, TestClient, TestResponse, test_key};
use shouhu::domain::id_number::IdNumber;
use sqlx::PgPool;
use uuid::Uuid;

async fn client(pool: &PgPool, login: &str) -> TestClient {
    let mut c = TestClient::new(pool);
    c.login(login, PASSWORD).await;
    c
}

fn id_for(birth: &str, boy: bool, seq: u32) -> String {
    let seq = seq * 2 + u32::from(boy);
    IdNumber::with_check_digit(&format!(
        "360781{}{:03}",
        birth.replace('-', ""),
        seq % 1000
    ))
    .unwrap()
    .as_str()
    .to_string()
}

const HEADER: &str = "姓名,性别,出生日期,身份证号,家庭住址,学校,年级,留守类型,父母外出务工地,监护情况,监护人姓名,监护人关系,监护人电话,外出父母姓名,外出父母关系,亲情电话,建档同意日期";

fn row(name: &str, birth: &str, id: &str) -> String {
    format!(
        "{name},女,{birth},{id},幸福路1号,城关一小,三年级,父母均外出,广东东莞,隔代监护,{name}奶奶,奶奶,13512345678,{name}爸爸,父亲,13612345678,2026-09-01"
    )
}

async fn upload(
    client: &mut TestClient,
    bytes: &[u8],
    file_name: &str,
    community: Option<Uuid>,
) -> TestResponse {
    let boundary = "----shouhu-import";
    let mut body = Vec::new();
    if let Some(c) = community {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"community_id\"\r\n\r\n{c}\r\n").as_bytes());
    }
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let csrf = client.csrf.clone().unwrap();
    let req = Request::post(format!("/children/import?csrf={csrf}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    client.request(req).await
}

async fn children_named(pool: &PgPool, prefix: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM child WHERE name LIKE $1")
        .bind(format!("{prefix}%"))
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn a_clean_roster_imports_with_guardians_and_consent(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    staff.get("/children/import").await;
    let csv = format!(
        "{HEADER}\n{}\n{}\n",
        row("导入甲", "2016-05-20", &id_for("2016-05-20", false, 1)),
        row("导入乙", "2015/3/2", "")
    );
    let r = upload(&mut staff, csv.as_bytes(), "roster.csv", None).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{:?}",
        r.texts("#import-error")
    );
    let preview = staff.get(r.location().unwrap()).await;
    assert_eq!(
        preview.text("#preview-summary"),
        "共 2 · 新建 2 · 已在本街道 0（其中信息有变化 0） · 有错误的行 0"
    );
    assert_eq!(
        children_named(&pool, "导入").await,
        0,
        "nothing is written before confirming"
    );
    let r = staff.post(r.location().unwrap(), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(children_named(&pool, "导入").await, 2);
    let (community, guardians, consents, masked): (Uuid, i64, i64, String) = sqlx::query_as(
        "SELECT c.community_id, (SELECT count(*) FROM guardian g WHERE g.child_id = c.id), (SELECT count(*) FROM consent k WHERE k.child_id = c.id), c.id_number_masked
         FROM child c WHERE c.name = '导入甲'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((community, guardians, consents), (f.a.community, 2, 1));
    assert!(masked.contains("********"));
    // The imported file is complete: ID, address, school, grade, work place, guardian, parent, consent.
    let missing: Vec<String> =
        sqlx::query_scalar("SELECT unnest(child_missing(c)) FROM child c WHERE c.name = '导入甲'")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(missing.is_empty(), "{missing:?}");
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_event WHERE action = 'children_imported'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(audited, 1);
}

#[sqlx::test]
async fn every_faulty_cell_is_shown_and_nothing_is_written(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    // A child already in the street (another community) with an ID number.
    let existing = id_for("2014-01-01", false, 7);
    sqlx::query("UPDATE child SET id_number_hash = $2 WHERE id = $1")
        .bind(f.a.child)
        .bind(test_key().keyed_hash(&existing))
        .execute(&pool)
        .await
        .unwrap();
    let mut staff = client(&pool, &f.a.other_staff_login).await;
    staff.get("/children/import").await;
    let good = id_for("2016-05-20", false, 2);
    let mut bad_check = good.clone();
    let last = bad_check.pop().unwrap();
    bad_check.push(if last == '0' { '1' } else { '0' });
    let csv = format!(
        "{HEADER}\n{}\n{}\n{}\n{}\n{}\n",
        row("好行", "2016-05-20", &good),
        row("校验错", "2016-05-20", &bad_check),
        row("日期错", "2016-13-40", ""),
        row("好行", "2016-05-20", ""),
        row("街道重复", "2014-01-01", &existing),
    )
    .replace("女,2016-13-40", "未知,2016-13-40");
    let r = upload(&mut staff, csv.as_bytes(), "roster.csv", None).await;
    let preview = staff.get(r.location().unwrap()).await;
    assert_eq!(
        preview.text("#preview-summary"),
        "共 5 · 新建 1 · 已在本街道 1（其中信息有变化 1） · 有错误的行 3"
    );
    let errors_of =
        |row: usize| preview.texts(&format!("tr[data-row='{row}'] td.cell-error .field-error"));
    assert!(errors_of(2).is_empty());
    // Each message names its field.
    assert_eq!(
        errors_of(3),
        vec!["身份证号：身份证号校验位不正确，请核对。"]
    );
    let row4 = errors_of(4);
    assert!(
        row4.contains(&"性别：不是可选的值，请从下拉列表中选择。".to_string())
            && row4.contains(&"出生日期：请填写有效日期（年-月-日）。".to_string()),
        "{row4:?}"
    );
    assert_eq!(errors_of(5), vec!["姓名：与文件中前面的行重复。"]);
    // A child the street has (same ID number) is not an error: it is said, with what differs.
    assert!(errors_of(6).is_empty());
    let tag = preview.text("tr[data-row='6'] .existing-tag");
    assert!(tag.starts_with("已在本街道，将变化："), "{tag}");
    assert!(tag.contains("姓名") && tag.contains("家庭住址"), "{tag}");
    assert!(
        preview.texts("#confirm-import").is_empty(),
        "no confirm button while errors remain"
    );
    let batch = r.location().unwrap().to_string();
    let r = staff.post(&batch, &[]).await;
    assert_eq!(
        r.location(),
        Some(batch.as_str()),
        "a confirm with errors goes back to the preview"
    );
    assert_eq!(children_named(&pool, "好行").await, 0);
}

#[sqlx::test]
async fn an_error_in_row_9999_writes_nothing(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    staff.get("/children/import").await;
    let mut csv = format!("{HEADER}\n");
    for i in 0..10_000 {
        let birth = if i == 9_997 {
            "not a date".to_string()
        } else {
            format!("2015-{:02}-{:02}", 1 + i % 12, 1 + (i / 12) % 28)
        };
        csv.push_str(&row(&format!("批量{i:05}"), &birth, ""));
        csv.push('\n');
    }
    let r = upload(&mut staff, csv.as_bytes(), "big.csv", None).await;
    let started = std::time::Instant::now();
    let preview = staff.get(r.location().unwrap()).await;
    eprintln!("10,000-row preview (debug build): {:?}", started.elapsed());
    assert_eq!(
        preview.text("#preview-summary"),
        "共 10000 · 新建 9999 · 已在本街道 0（其中信息有变化 0） · 有错误的行 1"
    );
    assert_eq!(preview.texts("tr.has-errors td:first-child"), vec!["9999"]);
    // The row with a problem, then one page of the others: a page, not megabytes.
    assert_eq!(preview.texts("#preview-table tbody tr").len(), 101);
    assert!(preview.body.len() < 300_000, "{} bytes", preview.body.len());
    assert!(preview.text("#preview-pager").contains("1 / 100"));
    let last = staff
        .get(&format!("{}?page=100", r.location().unwrap()))
        .await;
    assert_eq!(
        last.texts("#preview-table tbody tr td:first-child")
            .last()
            .map(String::as_str),
        Some("10001"),
        "the last page ends with the last row"
    );
    staff.post(r.location().unwrap(), &[]).await;
    assert_eq!(children_named(&pool, "批量").await, 0, "all or nothing");
}

/// One row of the long roster: its cells as written in the file, and what each closed-list cell
/// must be stored as. Values differ from row to row, so rows shifted inside one column show.
struct LongRow {
    name: String,
    birth: String,
    /// Row 5 has no ID number and no grid (both must be stored as NULL).
    id: Option<String>,
    gender: (&'static str, &'static str),
    left_behind: (&'static str, &'static str),
    care: (&'static str, &'static str),
    risk: (&'static str, &'static str),
    /// The guardian at home (the last row has none: its consent is given by the parent away).
    guardian: Option<(&'static str, &'static str)>,
}

const LONG_ROWS: usize = 2_101;

fn long_row(i: usize) -> LongRow {
    let birth = format!("2014-{:02}-{:02}", 1 + i % 12, 1 + (i / 12) % 28);
    let boy = i % 2 == 0;
    LongRow {
        name: format!("分批{i:04}"),
        id: (i != 5).then(|| id_for(&birth, boy, (i / 336) as u32)),
        birth,
        gender: if boy {
            ("男", "male")
        } else {
            ("女", "female")
        },
        left_behind: [
            ("父亲外出", "father_away"),
            ("母亲外出", "mother_away"),
            ("父母均外出", "both_parents_away"),
        ][i % 3],
        care: [("亲属监护", "relatives"), ("隔代监护", "grandparents")][i % 2],
        risk: [
            ("一般关注", "low"),
            ("重点关注", "medium"),
            ("特别关注", "high"),
        ][i % 3],
        guardian: (i != LONG_ROWS - 1).then_some(
            [
                ("外祖母", "maternal_grandmother"),
                ("祖母", "paternal_grandmother"),
            ][i % 2],
        ),
    }
}

/// The import writes in batches of 2,000 rows, each column bound as one array: a roster longer
/// than a batch lands whole, and every cell in its own column (a swapped array would put one
/// column's values in another's, or fail on a foreign key).
#[sqlx::test]
async fn a_roster_longer_than_a_batch_lands_column_by_column(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let grid = common::grid_name(&pool, f.a.grid).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    staff.get("/children/import").await;
    let mut csv = String::from(
        "姓名,性别,出生日期,身份证号,网格,家庭住址,学校,年级,班级,班主任,班主任电话,留守类型,父母外出务工地,回家频率,监护情况,关注等级,监护人姓名,监护人关系,监护人电话,外出父母姓名,外出父母关系,亲情电话,建档同意日期\n",
    );
    for i in 0..LONG_ROWS {
        let r = long_row(i);
        let guardian = match r.guardian {
            Some((relation, _)) => format!("外婆{i},{relation},1351234{i:04}"),
            None => ",,".to_string(),
        };
        let (id, grid) = match &r.id {
            Some(id) => (id.as_str(), grid.as_str()),
            None => ("", ""),
        };
        csv.push_str(&format!(
            "{},{},{},{id},{grid},地址{i},学校{i},年级{i},班{i},老师{i},1371234{i:04},{},务工地{i},每年{i}次,{},{},{guardian},妈妈{i},母亲,1361234{i:04},2026-08-{:02}\n",
            r.name, r.gender.0, r.birth, r.left_behind.0, r.care.0, r.risk.0,
            1 + i % 28
        ));
    }
    let r = upload(&mut staff, csv.as_bytes(), "long.csv", None).await;
    let preview = staff.get(r.location().unwrap()).await;
    assert_eq!(
        preview.text("#preview-summary"),
        format!(
            "共 {LONG_ROWS} · 新建 {LONG_ROWS} · 已在本街道 0（其中信息有变化 0） · 有错误的行 0"
        )
    );
    let r = staff.post(r.location().unwrap(), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(children_named(&pool, "分批").await, LONG_ROWS as i64);

    let key = test_key();
    // The first rows, the one without ID number and grid, the last of the first batch, the first
    // of the second, the last.
    for i in [0, 1, 2, 5, 1_999, 2_000, LONG_ROWS - 1] {
        let row = long_row(i);
        let name = &row.name;
        let child: (Uuid, Uuid, Option<Uuid>, Option<Vec<u8>>, Option<Vec<u8>>, Uuid, Uuid, Vec<String>) =
            sqlx::query_as(
                "SELECT id, community_id, grid_id, id_number_enc, id_number_hash, created_by, updated_by,
                        ARRAY[gender::text, birth_date::text, address, school, grade, class_name, class_teacher,
                              class_teacher_phone, left_behind::text, parents_work_place, parents_return_frequency,
                              care_situation::text, risk_level::text, name_initials, id_number_masked]
                 FROM child WHERE name = $1",
            )
            .bind(name)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!((child.5, child.6), (f.a.staff, f.a.staff), "{name}");
        let masked = child.7.last().unwrap().clone();
        match &row.id {
            Some(id) => {
                assert_eq!(
                    (child.1, child.2),
                    (f.a.community, Some(f.a.grid)),
                    "{name}"
                );
                assert_eq!(
                    key.decrypt(child.3.as_deref().unwrap()).unwrap(),
                    *id,
                    "{name}"
                );
                assert_eq!(child.4, Some(key.keyed_hash(id)), "{name}");
                assert!(
                    masked.contains("********") && masked.starts_with("3607"),
                    "{name}: {masked}"
                );
            }
            None => {
                assert_eq!((child.1, child.2), (f.a.community, None), "{name}");
                assert_eq!(
                    (child.3, child.4, masked.as_str()),
                    (None, None, ""),
                    "{name}"
                );
            }
        }
        assert_eq!(
            child.7[..14],
            [
                row.gender.1.to_string(),
                row.birth.clone(),
                format!("地址{i}"),
                format!("学校{i}"),
                format!("年级{i}"),
                format!("班{i}"),
                format!("老师{i}"),
                format!("1371234{i:04}"),
                row.left_behind.1.to_string(),
                format!("务工地{i}"),
                format!("每年{i}次"),
                row.care.1.to_string(),
                row.risk.1.to_string(),
                format!("fp{i:04}|fenpi{i:04}"),
            ],
            "{name}"
        );

        let guardians: Vec<(String, String, String, bool, String, String, bool, Uuid)> = sqlx::query_as(
            "SELECT name, relation::text, phone, is_parent_away, work_place, family_phone, is_entrusted, updated_by
             FROM guardian WHERE child_id = $1 ORDER BY is_parent_away",
        )
        .bind(child.0)
        .fetch_all(&pool)
        .await
        .unwrap();
        let parent = (
            format!("妈妈{i}"),
            "mother".to_string(),
            String::new(),
            true,
            format!("务工地{i}"),
            format!("1361234{i:04}"),
            false,
            f.a.staff,
        );
        let mut expected = vec![parent];
        if let Some((_, relation)) = row.guardian {
            expected.insert(
                0,
                (
                    format!("外婆{i}"),
                    relation.to_string(),
                    format!("1351234{i:04}"),
                    false,
                    String::new(),
                    String::new(),
                    true,
                    f.a.staff,
                ),
            );
        }
        assert_eq!(guardians, expected, "{name}");

        let consent: (String, String, String, String, String, String, Uuid) = sqlx::query_as(
            "SELECT scope::text, given_by, relation::text, given_on::text, method::text, notice_version, recorded_by
             FROM consent WHERE child_id = $1",
        )
        .bind(child.0)
        .fetch_one(&pool)
        .await
        .unwrap();
        let (given_by, relation) = match row.guardian {
            Some((_, relation)) => (format!("外婆{i}"), relation),
            None => (format!("妈妈{i}"), "mother"),
        };
        assert_eq!(
            consent,
            (
                "file".to_string(),
                given_by,
                relation.to_string(),
                format!("2026-08-{:02}", 1 + i % 28),
                "written".to_string(),
                "roster import".to_string(),
                f.a.staff
            ),
            "{name}"
        );
    }
    // Every child of the roster has its people and its consent, in both batches.
    let (people, consents): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM guardian g JOIN child c ON c.id = g.child_id WHERE c.name LIKE '分批%'),
                (SELECT count(*) FROM consent k JOIN child c ON c.id = k.child_id WHERE c.name LIKE '分批%')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (people, consents),
        (2 * LONG_ROWS as i64 - 1, LONG_ROWS as i64)
    );
}

#[sqlx::test]
async fn bad_files_get_a_clear_message_and_write_nothing(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    staff.get("/children/import").await;
    let mut too_many = String::from("姓名,性别\n");
    for i in 0..20_001 {
        too_many.push_str(&format!("童{i},男\n"));
    }
    let ole = [
        &[0xD0u8, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..],
        &[0u8; 600][..],
    ]
    .concat();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            b"\x89PNG\r\n\x1a\n\0\0\0binary".to_vec(),
            "这不是可识别的表格文件（请使用 .xlsx、.xls 或 .csv）。",
        ),
        (ole, "无法读取：文件可能设置了密码或格式不受支持。"),
        (vec![b'a'; 10 * 1024 * 1024 + 1], "文件超过 10 MB。"),
        (too_many.into_bytes(), "超过 20000 行"),
        (Vec::new(), "文件是空的，或没有数据行。"),
    ];
    for (bytes, message) in cases {
        let r = upload(&mut staff, &bytes, "x.xlsx", None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(
            r.text("#import-error").starts_with(message),
            "{}",
            r.text("#import-error")
        );
    }
    // No column is recognised as a name: the file is kept and its preview asks which column
    // is what, writing nothing yet.
    let r = upload(
        &mut staff,
        "名字,生日\n张三,2015-01-01\n".as_bytes(),
        "x.csv",
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let preview = staff.get(r.location().unwrap()).await;
    assert!(
        preview.text("#import-error").contains("姓名"),
        "{}",
        preview.body
    );
    assert_eq!(preview.texts("#mapping-table tbody tr.unmapped").len(), 1);
    assert!(preview.texts("#confirm-import").is_empty());
    let kept: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM import_batch WHERE file_name NOT IN ('r.csv', 'v.csv')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        kept, 1,
        "only the file that waits for its columns is kept; refused files are not"
    );
}

#[sqlx::test]
async fn a_gbk_csv_from_excel_imports(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    staff.get("/children/import").await;
    let text = format!(
        "{}\n{}\n",
        HEADER
            .replacen("姓名", "儿童姓名", 1)
            .replace("身份证号", "身份证号码"),
        row("国标童", "2016-01-02", "")
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let r = upload(&mut staff, &gbk, "gbk.csv", None).await;
    let preview = staff.get(r.location().unwrap()).await;
    assert_eq!(
        preview.text("#preview-summary"),
        "共 1 · 新建 1 · 已在本街道 0（其中信息有变化 0） · 有错误的行 0"
    );
    staff.post(r.location().unwrap(), &[]).await;
    assert_eq!(children_named(&pool, "国标童").await, 1);
}

async fn download(client: &mut TestClient, path: &str) -> (StatusCode, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let cookie = client
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let mut req = Request::get(path)
        .header("cookie", cookie)
        .body(Body::empty())
        .unwrap();
    req.extensions_mut().insert(axum::extract::ConnectInfo(
        "127.0.0.1:1".parse::<std::net::SocketAddr>().unwrap(),
    ));
    let response = client.app.clone().oneshot(req).await.unwrap();
    let status = response.status();
    (
        status,
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
}

#[sqlx::test]
async fn export_then_import_into_an_empty_community_gives_the_same_files(pool: PgPool) {
    use calamine::{Reader, Xlsx};
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    staff.get("/children/import").await;
    let csv = format!(
        "{HEADER}\n{}\n{}\n",
        row("往返甲", "2016-05-20", &id_for("2016-05-20", false, 3)),
        row("往返乙", "2013-11-30", &id_for("2013-11-30", false, 4))
    );
    let r = upload(&mut staff, csv.as_bytes(), "a.csv", None).await;
    staff.post(r.location().unwrap(), &[]).await;

    // Staff get masked numbers; full numbers need a street admin and a reason.
    let (status, masked) = download(&mut staff, "/children/export.xlsx?q=%E5%BE%80%E8%BF%94").await;
    assert_eq!(status, StatusCode::OK);
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(masked)).unwrap();
    let sheet = book.worksheet_range("儿童花名册").unwrap();
    assert_eq!(
        sheet.rows().count(),
        3,
        "header and the two filtered children"
    );
    assert!(
        sheet.rows().nth(1).unwrap()[3]
            .to_string()
            .contains("********")
    );
    assert_eq!(
        download(
            &mut staff,
            "/children/export.xlsx?full_ids=1&reason=%E6%A0%B8%E5%AF%B9"
        )
        .await
        .0,
        StatusCode::BAD_REQUEST
    );
    let mut admin = client(&pool, &f.a.admin_login).await;
    assert_eq!(
        download(&mut admin, "/children/export.xlsx?full_ids=1")
            .await
            .0,
        StatusCode::BAD_REQUEST,
        "a reason is required"
    );
    let (status, full) = download(&mut admin, "/children/export.xlsx?q=%E5%BE%80%E8%BF%94&full_ids=1&reason=%E8%BF%81%E7%A7%BB%E5%88%B0%E6%96%B0%E7%A4%BE%E5%8C%BA").await;
    assert_eq!(status, StatusCode::OK);
    let exports: Vec<String> = sqlx::query_scalar("SELECT detail->>'full_ids' FROM audit_event WHERE action = 'children_exported' ORDER BY seq").fetch_all(&pool).await.unwrap();
    assert_eq!(exports, vec!["false", "true"], "every export is audited");

    // The export imports into another street's empty community: the same files.
    let mut b = client(&pool, &f.b.staff_login).await;
    b.get("/children/import").await;
    let r = upload(&mut b, &full, "export.xlsx", None).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{:?}",
        r.texts("#import-error")
    );
    let preview = b.get(r.location().unwrap()).await;
    assert_eq!(
        preview.text("#preview-summary"),
        "共 2 · 新建 2 · 已在本街道 0（其中信息有变化 0） · 有错误的行 0",
        "{:?}",
        preview.texts(".cell-error")
    );
    b.post(r.location().unwrap(), &[]).await;
    let files = |street: Uuid| {
        let pool = pool.clone();
        async move {
            sqlx::query_as::<
                _,
                (
                    String,
                    chrono::NaiveDate,
                    String,
                    Option<Vec<u8>>,
                    String,
                    i64,
                ),
            >(
                "SELECT c.name, c.birth_date, c.school, c.id_number_hash, c.care_situation::text,
                        (SELECT count(*) FROM guardian g WHERE g.child_id = c.id)
                 FROM child c WHERE c.street_id = $1 AND c.name LIKE '往返%' ORDER BY c.name",
            )
            .bind(street)
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(files(f.a.id).await, files(f.b.id).await);
    // The template downloads with its drop-downs.
    let (status, template) = download(&mut b, "/children/template.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(template)).unwrap();
    let sheet = book.worksheet_range("儿童花名册").unwrap();
    assert_eq!(sheet.rows().next().unwrap()[0].to_string(), "姓名");
}

#[sqlx::test]
async fn volunteers_import_the_same_way(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    staff.get("/volunteers/import").await;
    let csv = "姓名,电话,类型,志愿服务队,特长,无犯罪记录证明查验日期,培训日期\n王爱心,13700001111,爱心妈妈,巾帼服务队,绘画,2026-08-01,2026-08-10\n李代理,1370000,代理家长,,,,\n王爱心,13700001111,爱心妈妈,,,,\n";
    let boundary = "----v";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"v.csv\"\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    let csrf = staff.csrf.clone().unwrap();
    let req = Request::post(format!("/volunteers/import?csrf={csrf}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let r = staff.request(req).await;
    let location = r.location().unwrap().to_string();
    assert!(location.starts_with("/volunteers/import/"));
    // A volunteers' batch is not a children's batch.
    assert_eq!(
        staff
            .get(&location.replace("/volunteers/", "/children/"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let preview = staff.get(&location).await;
    assert_eq!(preview.text("#preview-summary"), "共 3 · 有错误的行 2");
    assert_eq!(
        preview.texts("tr[data-row='3'] .field-error"),
        vec!["请填写有效的手机号（11 位）或邮箱。"]
    );
    assert_eq!(
        preview.texts("tr[data-row='4'] .field-error"),
        vec!["与文件中前面的行重复。"]
    );
    staff.post(&location, &[]).await;
    let n: i64 =
        sqlx::query_scalar("SELECT count(*) FROM volunteer WHERE name IN ('王爱心', '李代理')")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(n, 0, "nothing while errors remain");
    // Fixed file: both volunteers arrive, with their team and checklist dates.
    let csv = "姓名,电话,类型,志愿服务队,特长,无犯罪记录证明查验日期,培训日期\n王爱心,13700001111,爱心妈妈,巾帼服务队,绘画,2026-08-01,2026-08-10\n李代理,13700002222,代理家长,,,,\n";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"v.csv\"\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    let req = Request::post(format!("/volunteers/import?csrf={csrf}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let location = staff.request(req).await.location().unwrap().to_string();
    assert_eq!(
        staff.post(&location, &[]).await.location(),
        Some("/volunteers")
    );
    let (community, team, record): (Uuid, Option<String>, Option<chrono::NaiveDate>) = sqlx::query_as(
        "SELECT v.community_id, t.name, v.record_check_seen_on FROM volunteer v LEFT JOIN team t ON t.id = v.team_id WHERE v.name = '王爱心'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (community, team.as_deref(), record),
        (
            f.a.community,
            Some("巾帼服务队"),
            chrono::NaiveDate::from_ymd_opt(2026, 8, 1)
        )
    );
}

#[sqlx::test]
async fn an_old_xls_roster_imports(pool: PgPool) {
    // tests/fixtures/roster.xls: an Excel 97–2003 file made with xlwt (two children).
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    staff.get("/children/import").await;
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/roster.xls"
    ))
    .unwrap();
    let r = upload(&mut staff, &bytes, "roster.xls", None).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{:?}",
        r.texts("#import-error")
    );
    let preview = staff.get(r.location().unwrap()).await;
    assert_eq!(
        preview.text("#preview-summary"),
        "共 2 · 新建 2 · 已在本街道 0（其中信息有变化 0） · 有错误的行 0"
    );
    staff.post(r.location().unwrap(), &[]).await;
    assert_eq!(children_named(&pool, "老格式").await, 2);
}

#[sqlx::test]
async fn children_already_in_the_street_are_skipped_or_updated_as_chosen(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    staff.get("/children/import").await;
    let first = id_for("2016-05-20", false, 3);
    let csv = format!(
        "{HEADER}\n{}\n{}\n",
        row("已有甲", "2016-05-20", &first),
        row("已有乙", "2016-05-21", "")
    );
    let r = upload(&mut staff, csv.as_bytes(), "roster.csv", None).await;
    let batch = r.location().unwrap().to_string();
    staff.get(&batch).await;
    staff.post(&batch, &[]).await;
    assert_eq!(children_named(&pool, "已有").await, 2);
    let version = |name: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_as::<_, (i32, String, String)>(
                "SELECT version, address, school FROM child WHERE name = $1",
            )
            .bind(name)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let before = (version("已有甲").await, version("已有乙").await);

    // The same roster next quarter: one moved house (matched by ID number), the other without
    // an ID number is matched by name, birth date and guardian phone; the school cell is empty.
    let next = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        row("已有甲", "2016-05-20", &first)
            .replace("幸福路1号", "和平路9号")
            .replace("城关一小", ""),
        row("已有乙", "2016-05-21", ""),
        row("新来丙", "2017-01-02", "")
    );
    for (choice, moved) in [("skip", false), ("update", true)] {
        staff.get("/children/import").await;
        let r = upload(&mut staff, next.as_bytes(), "roster.csv", None).await;
        let batch = r.location().unwrap().to_string();
        let preview = staff.get(&batch).await;
        assert_eq!(
            preview.text("#new-rows"),
            if moved { "0" } else { "1" },
            "{choice}"
        );
        assert_eq!(
            preview.text("#existing-rows"),
            if moved { "3" } else { "2" },
            "{choice}"
        );
        assert_eq!(preview.text("#changed-rows"), "1", "{choice}");
        assert_eq!(
            preview.text("tr[data-row='3'] .existing-tag"),
            "已在本街道，无变化",
            "{choice}"
        );
        let r = staff.post(&batch, &[("existing", choice)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{choice}: {}", r.body);
        let (a, b) = (version("已有甲").await, version("已有乙").await);
        assert_eq!(b, before.1, "{choice}: no change, nothing written");
        if moved {
            assert_eq!(a.0, before.0.0 + 1, "{choice}");
            assert_eq!(a.1, "和平路9号");
            assert_eq!(a.2, before.0.2, "an empty cell changes nothing");
            let audited: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM audit_event WHERE action = 'child_updated' AND detail->>'import' = 'true'
                   AND detail->'fields' ? 'address'",
            )
            .fetch_one(&pool)
            .await
            .unwrap();
            assert_eq!(audited, 1);
        } else {
            assert_eq!(a, before.0, "{choice}: skipped");
        }
        assert_eq!(
            children_named(&pool, "新来丙").await,
            1,
            "{choice}: created once"
        );
    }
}
