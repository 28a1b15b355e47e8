//! Rosters as street offices keep them (tests/fixtures/rosters/, made by make_rosters.py
//! beside them, with what a correct import reads in expected.json): the header found below a
//! title, over two rows with group cells, footer rows skipped, office words and date forms
//! read, values that cannot be trusted refused by name.

use crate::common;

use axum::http::StatusCode;
use common::{Fixture, PASSWORD, TestClient, TestResponse};
use serde_json::Value;
use shouhu::web::spreadsheets::layout::roster;
use sqlx::PgPool;
use uuid::Uuid;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/rosters/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn expected(name: &str) -> Value {
    let all: Value =
        serde_json::from_slice(&fixture("expected.json")).expect("expected.json parses");
    all[name].clone()
}

async fn upload(client: &mut TestClient, bytes: &[u8], file_name: &str) -> TestResponse {
    client
        .upload_file("/children/import", "file", file_name, bytes)
        .await
}

async fn staff(pool: &PgPool, f: &Fixture) -> TestClient {
    let mut client = TestClient::new(pool);
    client.login(&f.a.staff_login, PASSWORD).await;
    client.get("/children/import").await;
    client
}

#[test]
fn the_civil_affairs_layout_is_found_in_xlsx_and_xls() {
    for file in ["civil-affairs.xlsx", "civil-affairs.xls"] {
        let want = expected(file);
        let (table, found) = roster(&fixture(file), "children", &Default::default()).unwrap();
        assert_eq!(found.sheet, want["sheet"].as_str().unwrap(), "{file}");
        let header_rows: Vec<usize> = serde_json::from_value(want["header_rows"].clone()).unwrap();
        assert_eq!(found.header_rows, header_rows, "{file}");
        assert_eq!(found.other_sheets, vec!["填表说明".to_string()], "{file}");
        // Every column's field, as the fixture's maker says a correct importer reads it.
        let fields: Vec<Option<String>> = want["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["field"].as_str().map(str::to_string))
            .collect();
        let got: Vec<Option<String>> = table
            .fields
            .iter()
            .map(|f| f.filter(|f| *f != "serial").map(str::to_string))
            .collect();
        assert_eq!(got, fields, "{file}");
        assert_eq!(table.headers[8], "监护人情况/姓名", "{file}");
        // Data rows only: titles, header and footers (合计, 备注, 填表人) skipped.
        let rows: Vec<usize> = want["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["row"].as_u64().unwrap() as usize)
            .collect();
        assert_eq!(table.row_numbers, rows, "{file}");
        // The ID number typed into a General cell is known to have lost its digits.
        let id_col = table
            .fields
            .iter()
            .position(|f| *f == Some("id_number"))
            .unwrap();
        let row9 = table.row_numbers.iter().position(|r| *r == 9).unwrap();
        assert!(
            table.lossy.contains(&(row9, id_col)),
            "{file}: {:?}",
            table.lossy
        );
        assert_eq!(table.lossy.len(), 1, "{file}");
    }
    let (_, found) = roster(
        &fixture("civil-affairs.xlsx"),
        "children",
        &Default::default(),
    )
    .unwrap();
    assert_eq!(found.hidden_rows, vec![8]);
    let (_, found) = roster(
        &fixture("civil-affairs.xls"),
        "children",
        &Default::default(),
    )
    .unwrap();
    assert_eq!(found.hidden_rows, vec![8], "hidden in the .xls too");
}

#[sqlx::test]
async fn the_civil_affairs_roster_previews_with_one_refused_id_and_says_where_it_read(
    pool: PgPool,
) {
    let f = Fixture::new(&pool).await;
    let mut client = staff(&pool, &f).await;
    let r = upload(&mut client, &fixture("civil-affairs.xlsx"), "登记表.xlsx").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let preview = client.get(r.location().unwrap()).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        preview.text("#found-header").contains("留守儿童登记表"),
        "{}",
        preview.text("#found-header")
    );
    assert!(preview.text("#found-header").contains("3–4"));
    assert!(preview.text("#other-sheets").contains("填表说明"));
    assert!(preview.text("#hidden-rows").contains('8'));
    // No required field is missing: gender and birth from the columns, the left-behind kind
    // from the parents' work places, the care situation from the guardian's relation.
    assert!(
        preview.texts(".missing-column").is_empty(),
        "{}",
        preview.body
    );
    // The one row refused is row 9, beside its ID number, naming the field and the fix.
    let bad: Vec<String> = preview.texts("tr.has-errors td:first-child");
    assert_eq!(bad, vec!["9".to_string()], "{}", preview.body);
    let message = preview.text("tr[data-row='9'] .field-error");
    assert!(message.starts_with("身份证号："), "{message}");
    assert!(message.contains("文本"), "{message}");
    assert!(
        preview.texts("#confirm-import").is_empty(),
        "no import while a row is refused"
    );
}

/// Relation words as the fixtures write them, and our keys.
fn relation_key(word: &str) -> &'static str {
    match word {
        "爷爷" | "祖父" => "paternal_grandfather",
        "奶奶" | "祖母" => "paternal_grandmother",
        "外公" | "姥爷" => "maternal_grandfather",
        "外婆" | "姥姥" => "maternal_grandmother",
        "叔叔" => "uncle",
        "姑姑" => "aunt",
        "其他亲属" => "other_relative",
        other => panic!("no key for {other}"),
    }
}

/// Import a fixture that has no faulty row, then compare every child with expected.json.
async fn import_and_compare(pool: &PgPool, f: &Fixture, client: &mut TestClient, file: &str) {
    let r = upload(client, &fixture(file), file).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{file}: {}", r.body);
    let batch = r.location().unwrap().to_string();
    let preview = client.get(&batch).await;
    assert!(
        preview.texts("tr.has-errors").is_empty(),
        "{file}: {}",
        preview.body
    );
    let r = client.post(&batch, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{file}");
    for want in expected(file)["rows"].as_array().unwrap() {
        let name = want["name"].as_str().unwrap();
        let child: (String, String, chrono::NaiveDate, String, String, String, String, String, String, String, Uuid) =
            sqlx::query_as(
                "SELECT gender::text, coalesce(school, ''), birth_date, coalesce(grade, ''), coalesce(class_name, ''),
                        coalesce(address, ''), coalesce(parents_work_place, ''), left_behind::text,
                        care_situation::text, coalesce(id_number_masked, ''), id
                 FROM child WHERE name = $1 AND street_id = $2",
            )
            .bind(name)
            .bind(f.a.id)
            .fetch_one(pool)
            .await
            .unwrap_or_else(|e| panic!("{file}: {name}: {e}"));
        let (gender, school, birth, grade, class, address, work, left, care, masked, id) = child;
        assert_eq!(gender, want["gender"].as_str().unwrap(), "{file} {name}");
        assert_eq!(
            birth.to_string(),
            want["birth_date"].as_str().unwrap(),
            "{file} {name}"
        );
        assert_eq!(
            school,
            want["school"].as_str().unwrap_or(""),
            "{file} {name}"
        );
        assert_eq!(
            address,
            want["address"].as_str().unwrap_or(""),
            "{file} {name}"
        );
        assert_eq!(
            format!("{grade}{class}"),
            want["grade_class"].as_str().unwrap_or(""),
            "{file} {name}"
        );
        let id_number = want["id_number"].as_str().unwrap();
        assert_eq!(
            masked,
            format!("{}********{}", &id_number[..6], &id_number[14..])
        );
        let (father, mother) = (
            want["father_work_place"].as_str().unwrap_or(""),
            want["mother_work_place"].as_str().unwrap_or(""),
        );
        let expected_left = match (father.is_empty(), mother.is_empty()) {
            (false, false) => "both_parents_away",
            (false, true) => "father_away",
            _ => "mother_away",
        };
        assert_eq!(left, expected_left, "{file} {name}");
        assert!(
            work.contains(father) && work.contains(mother),
            "{file} {name}: {work}"
        );
        let relation = relation_key(want["guardian_relation"].as_str().unwrap());
        let expected_care = if relation.contains("grand") {
            "grandparents"
        } else {
            "relatives"
        };
        assert_eq!(care, expected_care, "{file} {name}");
        let guardian: (String, String, String) = sqlx::query_as(
            "SELECT name, relation::text, coalesce(phone, '') FROM guardian WHERE child_id = $1 AND NOT is_parent_away",
        )
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap();
        assert_eq!(
            guardian,
            (
                want["guardian_name"].as_str().unwrap().to_string(),
                relation.to_string(),
                want["guardian_phone"].as_str().unwrap().to_string()
            ),
            "{file} {name}"
        );
    }
}

#[sqlx::test]
async fn csv_in_every_encoding_imports_every_field(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut client = staff(&pool, &f).await;
    for file in [
        "civil-affairs-gbk.csv",
        "civil-affairs-gb18030.csv",
        "civil-affairs-utf8-bom.csv",
    ] {
        client.get("/children/import").await;
        import_and_compare(&pool, &f, &mut client, file).await;
    }
    // 𠮷 and 䶮 came through GB18030.
    let rare: i64 = sqlx::query_scalar("SELECT count(*) FROM child WHERE name IN ('李𠮷', '王䶮')")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rare, 2);
}

#[sqlx::test]
async fn formulas_are_read_as_the_values_excel_saved(pool: PgPool) {
    // 序号 as =ROW()-1 with its saved values; the same children as the GBK roster.
    let f = Fixture::new(&pool).await;
    let mut client = staff(&pool, &f).await;
    import_and_compare(&pool, &f, &mut client, "formula-row.xlsx").await;
}

#[sqlx::test]
async fn files_that_cannot_be_read_say_why(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut client = staff(&pool, &f).await;
    for (file, message) in [
        ("wps.et", "这是 WPS 表格的 .et 文件"),
        ("encrypted.xlsx", "文件设置了密码"),
    ] {
        let r = upload(&mut client, &fixture(file), file).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{file}");
        assert!(
            r.text("#import-error").starts_with(message),
            "{file}: {}",
            r.text("#import-error")
        );
    }
}

#[sqlx::test]
async fn a_missing_required_column_is_said_once_and_office_values_are_checked(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut client = staff(&pool, &f).await;
    // No relation and no work places: the guardian's relation, the care situation and the
    // left-behind kind cannot be known. One row's birth date contradicts its ID number; one's status is not on the register;
    // one holds a formula; one's date is an Excel serial and its phone full-width digits.
    let csv = "姓名,身份证号,出生日期,监护人姓名,监护人电话,状态\n\
               甲童,410105201605205813,2016-05-20,甲爷,13837124568,在册\n\
               乙童,410105201605205813,2016-05-21,乙爷,13837124568,\n\
               丙童,,2016-05-20,丙爷,13837124568,迁出\n\
               丁童,410105201706071244,42893,丁爷,１３８３７１２４５６８,=A1\n";
    let r = upload(&mut client, csv.as_bytes(), "r.csv").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let preview = client.get(r.location().unwrap()).await;
    let missing = preview.texts(".missing-column");
    assert_eq!(missing.len(), 3, "{missing:?}");
    assert!(
        missing.iter().any(|m| m.contains("“监护人关系”")),
        "{missing:?}"
    );
    assert!(
        missing.iter().any(|m| m.contains("“留守类型”")),
        "{missing:?}"
    );
    assert!(
        missing.iter().any(|m| m.contains("“监护情况”")),
        "{missing:?}"
    );
    let errors = |row: usize| preview.texts(&format!("tr[data-row='{row}'] .field-error"));
    assert!(errors(2).is_empty(), "row 2 is fine: {:?}", errors(2));
    assert!(
        errors(3).iter().any(|e| e.contains("身份证号第 7–14 位")),
        "{:?}",
        errors(3)
    );
    assert!(
        errors(4).iter().any(|e| e.contains("在册")),
        "{:?}",
        errors(4)
    );
    let row5 = errors(5);
    assert_eq!(
        row5.len(),
        1,
        "only the formula: the serial date and the phone read: {row5:?}"
    );
    assert!(row5[0].contains("公式"), "{row5:?}");
    assert!(preview.texts("#confirm-import").is_empty());
}

#[sqlx::test]
async fn the_children_export_imports_back(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    // Into the same street, with the masked numbers a staff member's export has: every row is
    // a child already there, with nothing to change.
    let mut client = staff(&pool, &f).await;
    let (status, masked) = client.download("/children/export.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    client.get("/children/import").await;
    let r = upload(&mut client, &masked, "children.xlsx").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let preview = client.get(r.location().unwrap()).await;
    let rows = preview.texts("#preview-table tbody tr").len();
    assert!(rows >= 1);
    assert!(
        preview.texts("tr.has-errors").is_empty(),
        "{}",
        preview.body
    );
    assert_eq!(preview.text("#new-rows"), "0");
    assert_eq!(preview.text("#existing-rows"), rows.to_string());
    assert_eq!(preview.text("#changed-rows"), "0", "{}", preview.body);
    let tags = preview.texts(".existing-tag");
    assert!(tags.iter().all(|t| t == "已在本街道，无变化"), "{tags:?}");

    // Into a fresh street, with the full numbers a street admin exports (with a reason): every
    // child is created with the same fields.
    let mut admin = TestClient::new(&pool);
    admin.login(&f.a.admin_login, PASSWORD).await;
    let (status, full) = admin
        .download("/children/export.xlsx?full_ids=1&reason=%E6%A0%B8%E5%AF%B9")
        .await;
    assert_eq!(status, StatusCode::OK);
    // Grids are the street's own: the fresh street has one of the same name.
    sqlx::query("INSERT INTO grid (street_id, id, community_id, name) SELECT $1, gen_random_uuid(), $2, name FROM grid WHERE id = $3")
        .bind(f.b.id)
        .bind(f.b.community)
        .bind(f.a.grid)
        .execute(&pool)
        .await
        .unwrap();
    let mut other = TestClient::new(&pool);
    other.login(&f.b.staff_login, PASSWORD).await;
    other.get("/children/import").await;
    let r = upload(&mut other, &full, "children.xlsx").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let batch = r.location().unwrap().to_string();
    let preview = other.get(&batch).await;
    assert!(
        preview.texts("tr.has-errors").is_empty(),
        "{}",
        preview.body
    );
    let r = other.post(&batch, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let fields = "c.name, c.gender::text, c.birth_date::text, c.id_number_masked, c.address, c.school, c.grade,
                  c.class_name, c.left_behind::text, c.parents_work_place, c.care_situation::text, c.risk_level::text,
                  (SELECT string_agg(g.name || g.relation::text || g.phone || g.family_phone, ',' ORDER BY g.is_parent_away)
                     FROM guardian g WHERE g.child_id = c.id)";
    let of = |street: Uuid| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(format!(
                "SELECT concat_ws('|', {fields}) FROM child c WHERE c.street_id = $1 AND c.status = 'active' ORDER BY c.name"
            )))
            .bind(street)
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    let (a, b) = (of(f.a.id).await, of(f.b.id).await);
    for child in &a {
        assert!(b.contains(child), "{child} not recreated in {b:?}");
    }
}

#[sqlx::test]
async fn unknown_columns_are_mapped_once_and_remembered_for_the_street(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut client = staff(&pool, &f).await;
    let bytes = fixture("unknown-columns.xlsx");
    let r = upload(&mut client, &bytes, "花名册.xlsx").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let batch = r.location().unwrap().to_string();
    let preview = client.get(&batch).await;
    // Every column with its first values; the ones not recognised marked.
    let columns = preview.texts("#mapping-table tbody tr td:first-child");
    assert_eq!(columns.len(), 9, "{columns:?}");
    assert_eq!(columns[0], "小孩名字");
    let unmapped = preview.texts("#mapping-table tbody tr.unmapped td:first-child");
    assert!(unmapped.contains(&"小孩名字".to_string()), "{unmapped:?}");
    assert!(
        !unmapped.contains(&"生日".to_string()),
        "生日 is a name of 出生日期: {unmapped:?}"
    );
    assert!(preview.texts("#confirm-import").is_empty());

    // Two columns for one field are refused, and nothing is saved.
    let path = format!("{batch}/mapping");
    let r = client
        .post(&path, &[("col_0", "name"), ("col_1", "name")])
        .await;
    assert_eq!(
        r.location(),
        Some(format!("{batch}?mapping_error=1").as_str())
    );
    let preview = client.get(r.location().unwrap()).await;
    assert!(preview.text("#mapping-error").contains("同一项"));
    let saved: i64 = sqlx::query_scalar("SELECT count(*) FROM import_mapping")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(saved, 0);

    let choice = [
        ("col_0", "name"),
        ("col_1", "gender"),
        ("col_2", "id_number"),
        ("col_3", "birth_date"),
        ("col_4", "address"),
        ("col_5", "guardian_name"),
        ("col_6", "guardian_relation"),
        ("col_7", "guardian_phone"),
        ("col_8", ""),
    ];
    let r = client.post(&path, &choice).await;
    assert_eq!(r.location(), Some(batch.as_str()));
    let preview = client.get(&batch).await;
    assert!(
        preview.texts("#mapping-table tbody tr.unmapped").is_empty(),
        "{}",
        preview.body
    );
    // The file has no work places: the left-behind kind is still said to be missing, once.
    let missing = preview.texts(".missing-column");
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(missing[0].contains("留守类型"));
    // The rows are read through the mapping: no cell of theirs is faulty.
    assert!(
        preview.texts("td.cell-error").is_empty(),
        "{}",
        preview.body
    );

    // Next quarter's file from the same office: the columns are known for the street.
    client.get("/children/import").await;
    let r = upload(&mut client, &bytes, "花名册.xlsx").await;
    let preview = client.get(r.location().unwrap()).await;
    assert!(preview.texts("#mapping-table tbody tr.unmapped").is_empty());
    // Another street has its own mappings: all but 生日 (a name of 出生日期) to choose.
    let mut other = TestClient::new(&pool);
    other.login(&f.b.staff_login, PASSWORD).await;
    other.get("/children/import").await;
    let r = upload(&mut other, &bytes, "花名册.xlsx").await;
    let preview = other.get(r.location().unwrap()).await;
    assert_eq!(preview.texts("#mapping-table tbody tr.unmapped").len(), 8);
}
