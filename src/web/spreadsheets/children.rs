//! Checking a roster of children with their guardians, row by row into what each row would
//! write: every cell's error, the duplicates inside the file, and the children the street
//! already has. A checked row (`RowCheck`) is the same for a volunteers' roster.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use sqlx::PgConnection;

use super::columns::{
    closed_value, columns_of, is_exponent_number, missing_columns, parse_date, split_grade_class,
};
use super::db::{self as queries, StreetChild};
use super::import_db::ImportChild;
use super::read::Table;
use crate::domain::child::{CareSituation, Gender, LeftBehind, Relation, RiskLevel};
use crate::domain::crypto::DataKey;
use crate::domain::ids::{ChildId, CommunityId, GridId, StreetId};
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
    pub child: ChildId,
    /// The fields whose value in the file differs from the child's on file.
    pub changes: Vec<&'static str>,
}

/// The fields the file holds (its column is there and the cell is not empty) whose value
/// differs from the child's on file.
fn changes(
    on_file: &StreetChild,
    f: &ChildFields,
    has: impl Fn(&str) -> bool,
) -> Vec<&'static str> {
    let pairs: [(&'static str, String, &str); 13] = [
        ("gender", f.gender.key().to_string(), &on_file.gender),
        ("address", f.address.clone(), &on_file.address),
        ("school", f.school.clone(), &on_file.school),
        ("grade", f.grade.clone(), &on_file.grade),
        ("class_name", f.class_name.clone(), &on_file.class_name),
        (
            "class_teacher",
            f.class_teacher.clone(),
            &on_file.class_teacher,
        ),
        (
            "class_teacher_phone",
            f.class_teacher_phone.clone(),
            &on_file.class_teacher_phone,
        ),
        (
            "left_behind",
            f.left_behind.key().to_string(),
            &on_file.left_behind,
        ),
        (
            "parents_work_place",
            f.parents_work_place.clone(),
            &on_file.parents_work_place,
        ),
        (
            "parents_return_frequency",
            f.parents_return_frequency.clone(),
            &on_file.parents_return_frequency,
        ),
        (
            "care_situation",
            f.care_situation.key().to_string(),
            &on_file.care_situation,
        ),
        (
            "risk_level",
            f.risk_level.key().to_string(),
            &on_file.risk_level,
        ),
        ("name", f.name.clone(), &on_file.name),
    ];
    let mut changes: Vec<&'static str> = pairs
        .iter()
        .filter(|(field, file, ours)| has(field) && !file.is_empty() && file != ours)
        .map(|(field, _, _)| *field)
        .collect();
    if has("birth_date") && f.birth_date != on_file.birth_date {
        changes.push("birth_date");
    }
    changes
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
    let street_children = queries::street_children(conn, street).await?;
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
    let grids: HashMap<String, GridId> = queries::grids_by_name(conn, street, community)
        .await?
        .into_iter()
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
            |g| grids.values().any(|id| id.0 == g),
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
                    changes: changes(child, &v.fields, |f| columns.contains_key(f)),
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
