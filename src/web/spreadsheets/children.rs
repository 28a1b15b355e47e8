//! Checking and importing a roster of children with their guardians: every cell's error, the
//! duplicates inside the file and against the street, and an all-or-nothing write.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

use super::columns::{
    CHILD_COLUMNS, closed_value, columns_of, is_exponent_number, missing_columns, parse_date,
    split_grade_class,
};
use super::read::Table;
use crate::domain::child::{CareSituation, Gender, LeftBehind, Relation, RiskLevel};
use crate::domain::crypto::DataKey;
use crate::domain::ids::{CommunityId, StreetId, UserId};
use crate::web::children::db::ChildFields;
use crate::web::children::forms::{ChildForm, validate};
use crate::web::forms::normalise_phone;

/// One checked row: the cells as read, the error of each faulty cell (column -> catalog key),
/// and what would be written.
pub struct RowCheck<T> {
    /// The row's number in the file, as Excel shows it.
    pub number: usize,
    pub cells: Vec<String>,
    pub errors: BTreeMap<usize, &'static str>,
    pub valid: Option<T>,
    /// The child is already in the street: which one, and the fields the file would change.
    pub existing: Option<Existing>,
}

/// A row that names a child the street already has (by ID number, or by name, birth date and
/// a guardian's phone when one of the two has no ID number).
#[derive(Debug, Clone)]
pub struct Existing {
    pub child: Uuid,
    /// The fields whose value in the file differs from the child's on file.
    pub changes: Vec<&'static str>,
}

/// A child of the street as the import compares it.
#[derive(sqlx::FromRow)]
struct StreetChild {
    id: Uuid,
    id_number_hash: Option<Vec<u8>>,
    id_number_masked: String,
    name: String,
    birth_date: NaiveDate,
    gender: String,
    address: String,
    school: String,
    grade: String,
    class_name: String,
    class_teacher: String,
    class_teacher_phone: String,
    left_behind: String,
    parents_work_place: String,
    parents_return_frequency: String,
    care_situation: String,
    risk_level: String,
    phones: Vec<String>,
}

impl StreetChild {
    /// The fields the file holds (its column is there and the cell is not empty) whose value
    /// differs from this child's.
    fn changes(&self, f: &ChildFields, has: impl Fn(&str) -> bool) -> Vec<&'static str> {
        let pairs: [(&'static str, String, &str); 13] = [
            ("gender", f.gender.key().to_string(), &self.gender),
            ("address", f.address.clone(), &self.address),
            ("school", f.school.clone(), &self.school),
            ("grade", f.grade.clone(), &self.grade),
            ("class_name", f.class_name.clone(), &self.class_name),
            (
                "class_teacher",
                f.class_teacher.clone(),
                &self.class_teacher,
            ),
            (
                "class_teacher_phone",
                f.class_teacher_phone.clone(),
                &self.class_teacher_phone,
            ),
            (
                "left_behind",
                f.left_behind.key().to_string(),
                &self.left_behind,
            ),
            (
                "parents_work_place",
                f.parents_work_place.clone(),
                &self.parents_work_place,
            ),
            (
                "parents_return_frequency",
                f.parents_return_frequency.clone(),
                &self.parents_return_frequency,
            ),
            (
                "care_situation",
                f.care_situation.key().to_string(),
                &self.care_situation,
            ),
            (
                "risk_level",
                f.risk_level.key().to_string(),
                &self.risk_level,
            ),
            ("name", f.name.clone(), &self.name),
        ];
        let mut changes: Vec<&'static str> = pairs
            .iter()
            .filter(|(field, file, ours)| has(field) && !file.is_empty() && file != ours)
            .map(|(field, _, _)| *field)
            .collect();
        if has("birth_date") && f.birth_date != self.birth_date {
            changes.push("birth_date");
        }
        changes
    }
}

pub struct ImportChild {
    pub fields: ChildFields,
    pub id_number: Option<(Vec<u8>, Vec<u8>, String)>,
    pub guardian: Option<(String, Relation, String)>,
    pub parent: Option<(String, Relation, String)>,
    pub consent_on: Option<NaiveDate>,
}

/// Check every row; `Err` is a catalog key for the whole file (no name column).
pub async fn check(
    conn: &mut PgConnection,
    street: StreetId,
    community: CommunityId,
    table: &Table,
    key: &DataKey,
    today: NaiveDate,
) -> Result<Vec<RowCheck<ImportChild>>, crate::error::AppError> {
    let columns: HashMap<&str, usize> = columns_of(&table.fields);
    if !columns.contains_key("name") {
        return Err(crate::error::AppError::Internal(
            "import.error.no_header".into(),
        ));
    }
    // A required field with no column is said once above the table, not on every row.
    let missing = missing_columns(&columns);
    // Every child of the street, to tell a row that is already there from a new one.
    let street_children: Vec<StreetChild> = sqlx::query_as(
        "SELECT c.id, c.id_number_hash, coalesce(c.id_number_masked, '') AS id_number_masked, c.name, c.birth_date, c.gender::text AS gender, c.address, c.school,
                c.grade, c.class_name, c.class_teacher, c.class_teacher_phone, c.left_behind::text AS left_behind,
                c.parents_work_place, c.parents_return_frequency, c.care_situation::text AS care_situation,
                c.risk_level::text AS risk_level,
                coalesce((SELECT array_agg(p) FROM guardian g, unnest(ARRAY[g.phone, g.family_phone]) AS p
                           WHERE g.street_id = c.street_id AND g.child_id = c.id AND p <> ''), '{}') AS phones
         FROM child c WHERE c.street_id = $1",
    )
    .bind(street.0)
    .fetch_all(&mut *conn)
    .await?;
    let by_hash: HashMap<Vec<u8>, usize> = street_children
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((c.id_number_hash.clone()?, i)))
        .collect();
    let by_person: HashMap<(String, NaiveDate), Vec<usize>> = street_children
        .iter()
        .enumerate()
        .fold(HashMap::new(), |mut m, (i, c)| {
            m.entry((c.name.clone(), c.birth_date)).or_default().push(i);
            m
        });
    let grids: HashMap<String, Uuid> = sqlx::query!(
        "SELECT id, name FROM grid WHERE street_id = $1 AND community_id = $2",
        street.0,
        community.0
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|g| (g.name, g.id))
    .collect();

    let mut seen_ids: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut seen_people: HashMap<(String, NaiveDate), usize> = HashMap::new();
    let mut out = Vec::with_capacity(table.rows.len());
    for (i, cells) in table.rows.iter().enumerate() {
        let cell = |field: &str| columns.get(field).map(|c| cells[*c].as_str()).unwrap_or("");
        let mut errors: BTreeMap<usize, &'static str> = BTreeMap::new();
        // A formula saved without its value is refused, never guessed.
        for (c, text) in cells.iter().enumerate() {
            if text.starts_with('=') {
                errors.entry(c).or_insert("import.error.formula_text");
            }
        }
        // An error goes beside the cell of its field; a field read from another column (gender
        // and birth date from the ID number, the care situation from the guardian's relation,
        // the left-behind kind from the parents' work places) beside that column.
        let mut flag = |field: &str, key: &'static str| {
            if missing.iter().any(|m| *m == field) {
                return;
            }
            let source: &[&str] = match field {
                "gender" | "birth_date" => &["id_number"],
                "care_situation" => &["guardian_relation"],
                "left_behind" => &["father_work_place", "mother_work_place"],
                "grade" | "class_name" => &["grade_class"],
                _ => &[],
            };
            if let Some(c) = std::iter::once(field)
                .chain(source.iter().copied())
                .chain(["name"])
                .find_map(|f| columns.get(f))
            {
                errors.entry(*c).or_insert(key);
            }
        };
        // An ID number Excel kept as a number has lost its last digits: said, not guessed.
        let id_cell = cell("id_number");
        let id_lost = columns
            .get("id_number")
            .is_some_and(|c| table.lossy.contains(&(i, *c)))
            || is_exponent_number(id_cell);
        if id_lost {
            flag("id_number", "import.error.id_as_number");
        }
        // A masked number (from an export) names a child on file; it is never stored.
        let masked = is_masked_id(id_cell);
        let id_number = if id_lost || masked || id_cell.starts_with('=') {
            ""
        } else {
            id_cell
        };
        let id = crate::domain::id_number::IdNumber::parse_as_of(id_number, today).ok();
        // Only children on the register are imported; the others are said, not dropped.
        let status = cell("status");
        if !status.is_empty()
            && status != "active"
            && status != crate::i18n::catalog(crate::i18n::Lang::Zh).t("child.status.active")
        {
            flag("status", "import.error.status_not_active");
        }
        let mut closed = |field: &str, prefix: &str, keys: Vec<&'static str>| -> String {
            match closed_value(prefix, &keys, cell(field)) {
                Some(v) => v,
                None => {
                    flag(field, "import.error.closed_list");
                    String::new()
                }
            }
        };
        let mut gender = closed("gender", "child.gender", Gender::keys());
        let mut left_behind = closed("left_behind", "child.left_behind", LeftBehind::keys());
        let mut care = closed("care_situation", "child.care", CareSituation::keys());
        let risk = closed("risk_level", "child.risk", RiskLevel::keys());
        let guardian_relation = closed("guardian_relation", "guardian.relation", Relation::keys());
        let parent_relation = closed("parent_relation", "guardian.relation", Relation::keys());
        let mut birth = match cell("birth_date") {
            "" => String::new(),
            raw => parse_date(raw).unwrap_or_else(|| raw.to_string()),
        };
        // Read from another column where the file has none of its own.
        if let Some(id) = id.as_ref() {
            if !columns.contains_key("gender") {
                gender = match id.gender() {
                    crate::domain::id_number::IdGender::Male => "male".into(),
                    crate::domain::id_number::IdGender::Female => "female".into(),
                };
            }
            if !columns.contains_key("birth_date") {
                birth = id.birth_date().to_string();
            }
        }
        let (father_away, mother_away) = (cell("father_work_place"), cell("mother_work_place"));
        if !columns.contains_key("left_behind") {
            left_behind = match (father_away.is_empty(), mother_away.is_empty()) {
                (false, false) => "both_parents_away",
                (false, true) => "father_away",
                (true, false) => "mother_away",
                (true, true) => "",
            }
            .to_string();
        }
        if !columns.contains_key("care_situation") {
            care = match guardian_relation.as_str() {
                "paternal_grandfather"
                | "paternal_grandmother"
                | "maternal_grandfather"
                | "maternal_grandmother" => "grandparents",
                "uncle" | "aunt" | "sibling" | "other_relative" => "relatives",
                _ => "",
            }
            .to_string();
        }
        let parents_work_place = match (father_away, mother_away) {
            _ if columns.contains_key("parents_work_place") => {
                cell("parents_work_place").to_string()
            }
            ("", "") => String::new(),
            (f, "") => format!("父亲：{f}"),
            ("", m) => format!("母亲：{m}"),
            (f, m) if f == m => f.to_string(),
            (f, m) => format!("父亲：{f}；母亲：{m}"),
        };
        let (grade, class_name) =
            if columns.contains_key("grade") || columns.contains_key("class_name") {
                (cell("grade").to_string(), cell("class_name").to_string())
            } else {
                split_grade_class(cell("grade_class"))
            };
        let grid_id = match cell("grid") {
            "" => String::new(),
            name => match grids.get(name) {
                Some(id) => id.to_string(),
                None => {
                    flag("grid", "import.error.grid");
                    String::new()
                }
            },
        };
        let form = ChildForm {
            community_id: community.to_string(),
            grid_id,
            name: cell("name").to_string(),
            gender,
            birth_date: birth,
            id_number: id_number.to_string(),
            address: cell("address").to_string(),
            school: cell("school").to_string(),
            grade,
            class_name,
            class_teacher: cell("class_teacher").to_string(),
            class_teacher_phone: cell("class_teacher_phone").to_string(),
            left_behind,
            parents_work_place,
            parents_return_frequency: cell("parents_return_frequency").to_string(),
            care_situation: care,
            risk_level: risk,
            ..ChildForm::default()
        };
        // The same checks as the form on the page, every field at once.
        let valid = validate(
            &form,
            Some(community),
            |g| grids.values().any(|id| *id == g),
            None,
            today,
        );
        if let Err(field_errors) = &valid {
            for field in field_errors.fields() {
                let column_field = if field == "grid_id" { "grid" } else { field };
                flag(
                    column_field,
                    field_errors.get(field).unwrap_or("form.error.required"),
                );
            }
        }
        // Guardian at home and parent away: a name makes the rest of the group required.
        let mut person = |name_field: &str,
                          relation: &str,
                          phone_field: &str|
         -> Option<(String, Relation, String)> {
            let name = cell(name_field).trim().to_string();
            if name.is_empty() {
                return None;
            }
            let relation = Relation::from_key(relation);
            if relation.is_none() {
                flag(
                    if name_field == "guardian_name" {
                        "guardian_relation"
                    } else {
                        "parent_relation"
                    },
                    "form.error.required",
                );
            }
            let phone = match cell(phone_field) {
                "" => String::new(),
                raw => normalise_phone(raw).unwrap_or_else(|| {
                    flag(phone_field, "form.error.phone");
                    String::new()
                }),
            };
            relation.map(|r| (name, r, phone))
        };
        let guardian = person("guardian_name", &guardian_relation, "guardian_phone");
        let parent = person("parent_name", &parent_relation, "parent_phone");
        let consent_on = match cell("consent_on") {
            "" => None,
            raw => {
                match parse_date(raw).and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()) {
                    Some(d) if d <= today => Some(d),
                    _ => {
                        flag("consent_on", "form.error.date");
                        None
                    }
                }
            }
        };
        let mut result = None;
        let mut existing = None;
        if let Ok(v) = valid {
            // Already in the street: by ID number, or by name, birth date and a guardian's
            // phone when the row or the child on file has no ID number.
            let hash = v.id_number.as_ref().map(|n| key.keyed_hash(n.as_str()));
            let phones: Vec<&str> = [&guardian, &parent]
                .into_iter()
                .flatten()
                .map(|(_, _, phone)| phone.as_str())
                .filter(|p| !p.is_empty())
                .collect();
            let by_mask = || {
                by_person
                    .get(&(v.fields.name.clone(), v.fields.birth_date))?
                    .iter()
                    .find(|c| street_children[**c].id_number_masked == id_cell)
            };
            let found = if masked { by_mask() } else { None };
            if masked && found.is_none() {
                flag("id_number", "import.error.id_masked");
            }
            let found = found
                .or_else(|| hash.as_ref().and_then(|h| by_hash.get(h)))
                .or_else(|| {
                    by_person
                        .get(&(v.fields.name.clone(), v.fields.birth_date))?
                        .iter()
                        .find(|c| {
                            let child = &street_children[**c];
                            (hash.is_none() || child.id_number_hash.is_none())
                                && child.phones.iter().any(|p| phones.contains(&p.as_str()))
                        })
                });
            if let Some(c) = found {
                let child = &street_children[*c];
                existing = Some(Existing {
                    child: child.id,
                    changes: child.changes(&v.fields, |f| columns.contains_key(f)),
                });
            }
            // Duplicates inside the file: the later row is flagged.
            if let Some(h) = &hash {
                if seen_ids.insert(h.clone(), i).is_some() {
                    flag("id_number", "import.error.duplicate_in_file");
                }
            }
            let person_key = (v.fields.name.clone(), v.fields.birth_date);
            if seen_people.insert(person_key, i).is_some() {
                flag("name", "import.error.duplicate_in_file");
            }
            let id_number = v.id_number.as_ref().map(|n| {
                (
                    key.encrypt(n.as_str()),
                    key.keyed_hash(n.as_str()),
                    n.masked(),
                )
            });
            result = Some(ImportChild {
                fields: v.fields,
                id_number,
                guardian,
                parent,
                consent_on,
            });
        }
        let valid = if errors.is_empty() { result } else { None };
        out.push(RowCheck {
            number: table.row_numbers.get(i).copied().unwrap_or(i + 2),
            cells: cells.clone(),
            errors,
            valid,
            existing,
        });
    }
    Ok(out)
}

/// `410105********8385`: a number with its middle eight digits hidden, as exports show it.
fn is_masked_id(cell: &str) -> bool {
    let b = cell.as_bytes();
    b.len() == 18
        && b[..6].iter().all(u8::is_ascii_digit)
        && b[6..14].iter().all(|c| *c == b'*')
        && b[14..17].iter().all(u8::is_ascii_digit)
        && (b[17].is_ascii_digit() || b[17] == b'X' || b[17] == b'x')
}

/// Update the children already in the street with the fields their rows hold (a field left
/// empty in the file, or without a column, keeps its value), each audited like a save of the
/// form with the fields it changed.
pub async fn update_existing(
    conn: &mut PgConnection,
    street: StreetId,
    rows: &[(Uuid, &ImportChild, &[&'static str])],
    by: UserId,
    ip: &str,
) -> Result<usize, sqlx::Error> {
    for (child, row, changes) in rows {
        let f = &row.fields;
        // Only the fields that differ are written; every other keeps its value.
        let set = |field: &str, value: String| changes.contains(&field).then_some(value);
        sqlx::query(
            "UPDATE child SET
                 name = coalesce($3, name), name_initials = coalesce($4, name_initials),
                 gender = coalesce($5::gender, gender), birth_date = coalesce($6::date, birth_date),
                 address = coalesce($7, address), school = coalesce($8, school), grade = coalesce($9, grade),
                 class_name = coalesce($10, class_name), class_teacher = coalesce($11, class_teacher),
                 class_teacher_phone = coalesce($12, class_teacher_phone),
                 left_behind = coalesce($13::left_behind_kind, left_behind),
                 parents_work_place = coalesce($14, parents_work_place),
                 parents_return_frequency = coalesce($15, parents_return_frequency),
                 care_situation = coalesce($16::care_situation, care_situation),
                 risk_level = coalesce($17::risk_level, risk_level),
                 updated_by = $18, version = version + 1, updated_at = now()
             WHERE street_id = $1 AND id = $2",
        )
        .bind(street.0)
        .bind(child)
        .bind(set("name", f.name.clone()))
        .bind(set("name", f.name_initials.clone()))
        .bind(set("gender", f.gender.key().to_string()))
        .bind(set("birth_date", f.birth_date.to_string()))
        .bind(set("address", f.address.clone()))
        .bind(set("school", f.school.clone()))
        .bind(set("grade", f.grade.clone()))
        .bind(set("class_name", f.class_name.clone()))
        .bind(set("class_teacher", f.class_teacher.clone()))
        .bind(set("class_teacher_phone", f.class_teacher_phone.clone()))
        .bind(set("left_behind", f.left_behind.key().to_string()))
        .bind(set("parents_work_place", f.parents_work_place.clone()))
        .bind(set("parents_return_frequency", f.parents_return_frequency.clone()))
        .bind(set("care_situation", f.care_situation.key().to_string()))
        .bind(set("risk_level", f.risk_level.key().to_string()))
        .bind(by.0)
        .execute(&mut *conn)
        .await?;
        crate::audit::record(
            conn,
            "child_updated",
            "child",
            Some(*child),
            ip,
            serde_json::json!({ "import": true, "fields": changes }),
        )
        .await?;
    }
    Ok(rows.len())
}

/// Rows written by one statement of `insert_all`.
const INSERT_BATCH: usize = 2_000;

/// Write every checked row in the caller's transaction: for each batch, one statement per table,
/// each column bound as one array and unnested (a handful of parameters instead of one per cell,
/// so Postgres parses and plans a short statement instead of thousands of placeholders). Plans
/// are reused for the rest of the transaction (`db::reuse_plans_for_bulk_write`).
pub async fn insert_all(
    conn: &mut PgConnection,
    street: StreetId,
    rows: Vec<ImportChild>,
    by: UserId,
) -> Result<usize, sqlx::Error> {
    crate::db::reuse_plans_for_bulk_write(conn, rows.len()).await?;
    for chunk in rows.chunks(INSERT_BATCH) {
        let ids: Vec<Uuid> = chunk.iter().map(|_| Uuid::now_v7()).collect();
        let col = |f: fn(&ImportChild) -> String| chunk.iter().map(f).collect::<Vec<String>>();
        let id_part = |part: fn(&(Vec<u8>, Vec<u8>, String)) -> Vec<u8>| {
            chunk
                .iter()
                .map(|r| r.id_number.as_ref().map(part))
                .collect::<Vec<Option<Vec<u8>>>>()
        };
        sqlx::query(
            "INSERT INTO child (street_id, created_by, updated_by, id, community_id, grid_id, name, name_initials, gender,
                 birth_date, id_number_enc, id_number_hash, id_number_masked, address, school, grade, class_name,
                 class_teacher, class_teacher_phone, left_behind, parents_work_place, parents_return_frequency,
                 care_situation, risk_level)
             SELECT $1, $2, $2, t.id, t.community_id, t.grid_id, t.name, t.name_initials, t.gender::gender,
                 t.birth_date, t.id_number_enc, t.id_number_hash, t.id_number_masked, t.address, t.school, t.grade,
                 t.class_name, t.class_teacher, t.class_teacher_phone, t.left_behind::left_behind_kind,
                 t.parents_work_place, t.parents_return_frequency, t.care_situation::care_situation,
                 t.risk_level::risk_level
             FROM unnest($3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::date[],
                 $10::bytea[], $11::bytea[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
                 $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[])
               AS t (id, community_id, grid_id, name, name_initials, gender, birth_date, id_number_enc,
                 id_number_hash, id_number_masked, address, school, grade, class_name, class_teacher,
                 class_teacher_phone, left_behind, parents_work_place, parents_return_frequency,
                 care_situation, risk_level)",
        )
        .bind(street.0)
        .bind(by.0)
        .bind(&ids)
        .bind(chunk.iter().map(|r| r.fields.community_id.0).collect::<Vec<Uuid>>())
        .bind(chunk.iter().map(|r| r.fields.grid_id).collect::<Vec<Option<Uuid>>>())
        .bind(col(|r| r.fields.name.clone()))
        .bind(col(|r| r.fields.name_initials.clone()))
        .bind(col(|r| r.fields.gender.key().to_string()))
        .bind(chunk.iter().map(|r| r.fields.birth_date).collect::<Vec<NaiveDate>>())
        .bind(id_part(|n| n.0.clone()))
        .bind(id_part(|n| n.1.clone()))
        .bind(col(|r| r.id_number.as_ref().map(|n| n.2.clone()).unwrap_or_default()))
        .bind(col(|r| r.fields.address.clone()))
        .bind(col(|r| r.fields.school.clone()))
        .bind(col(|r| r.fields.grade.clone()))
        .bind(col(|r| r.fields.class_name.clone()))
        .bind(col(|r| r.fields.class_teacher.clone()))
        .bind(col(|r| r.fields.class_teacher_phone.clone()))
        .bind(col(|r| r.fields.left_behind.key().to_string()))
        .bind(col(|r| r.fields.parents_work_place.clone()))
        .bind(col(|r| r.fields.parents_return_frequency.clone()))
        .bind(col(|r| r.fields.care_situation.key().to_string()))
        .bind(col(|r| r.fields.risk_level.key().to_string()))
        .execute(&mut *conn)
        .await?;

        // Guardian at home and parent away, each with its phone in its own column.
        let mut people = People::default();
        for (id, r) in ids.iter().zip(chunk) {
            if let Some((name, relation, phone)) = &r.guardian {
                people.push(*id, name, *relation, false, "", phone);
            }
            if let Some((name, relation, phone)) = &r.parent {
                people.push(
                    *id,
                    name,
                    *relation,
                    true,
                    &r.fields.parents_work_place,
                    phone,
                );
            }
        }
        if !people.child.is_empty() {
            sqlx::query(
                "INSERT INTO guardian (street_id, updated_by, id, child_id, name, relation, phone, is_parent_away,
                     work_place, family_phone, is_entrusted)
                 SELECT $1, $2, t.id, t.child_id, t.name, t.relation::guardian_relation, t.phone, t.away,
                     t.work_place, t.family_phone, NOT t.away
                 FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::bool[], $9::text[], $10::text[])
                   AS t (id, child_id, name, relation, phone, away, work_place, family_phone)",
            )
            .bind(street.0)
            .bind(by.0)
            .bind(people.child.iter().map(|_| Uuid::now_v7()).collect::<Vec<Uuid>>())
            .bind(&people.child)
            .bind(&people.name)
            .bind(&people.relation)
            .bind(&people.phone)
            .bind(&people.away)
            .bind(&people.work_place)
            .bind(&people.family_phone)
            .execute(&mut *conn)
            .await?;
        }

        // Consent, given by the guardian at home or else the parent away.
        let consents: Vec<(Uuid, NaiveDate, &str, Relation)> = ids
            .iter()
            .zip(chunk)
            .filter_map(|(id, r)| {
                let (name, relation, _) = r.guardian.as_ref().or(r.parent.as_ref())?;
                r.consent_on.map(|on| (*id, on, name.as_str(), *relation))
            })
            .collect();
        if !consents.is_empty() {
            sqlx::query(
                "INSERT INTO consent (street_id, recorded_by, id, child_id, scope, given_by, relation, given_on, method,
                     notice_version)
                 SELECT $1, $2, t.id, t.child_id, 'file', t.given_by, t.relation::guardian_relation, t.given_on,
                     'written', 'roster import'
                 FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::date[])
                   AS t (id, child_id, given_by, relation, given_on)",
            )
            .bind(street.0)
            .bind(by.0)
            .bind(consents.iter().map(|_| Uuid::now_v7()).collect::<Vec<Uuid>>())
            .bind(consents.iter().map(|c| c.0).collect::<Vec<Uuid>>())
            .bind(consents.iter().map(|c| c.2).collect::<Vec<&str>>())
            .bind(consents.iter().map(|c| c.3.key()).collect::<Vec<&str>>())
            .bind(consents.iter().map(|c| c.1).collect::<Vec<NaiveDate>>())
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(rows.len())
}

/// The guardian rows of one batch, column by column.
#[derive(Default)]
struct People<'a> {
    child: Vec<Uuid>,
    name: Vec<&'a str>,
    relation: Vec<&'static str>,
    phone: Vec<&'a str>,
    away: Vec<bool>,
    work_place: Vec<&'a str>,
    family_phone: Vec<&'a str>,
}

impl<'a> People<'a> {
    /// A guardian at home keeps their phone as `phone`; a parent away as the family phone.
    fn push(
        &mut self,
        child: Uuid,
        name: &'a str,
        relation: Relation,
        away: bool,
        work_place: &'a str,
        phone: &'a str,
    ) {
        self.child.push(child);
        self.name.push(name);
        self.relation.push(relation.key());
        self.phone.push(if away { "" } else { phone });
        self.away.push(away);
        self.work_place.push(work_place);
        self.family_phone.push(if away { phone } else { "" });
    }
}

/// The template's headers, in order.
pub fn template_headers() -> Vec<&'static str> {
    CHILD_COLUMNS.iter().map(|(_, h, _)| *h).collect()
}
