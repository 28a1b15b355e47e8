//! Checking and importing a roster of children with their guardians: every cell's error, the
//! duplicates inside the file and against the street, and an all-or-nothing write.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use super::columns::{CHILD_COLUMNS, closed_value, map_headers, parse_date};
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
    /// The row's number in the file (the header is row 1).
    pub number: usize,
    pub cells: Vec<String>,
    pub errors: BTreeMap<usize, &'static str>,
    pub valid: Option<T>,
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
    let columns: HashMap<&str, usize> = map_headers(&table.headers).into_iter().collect();
    if !columns.contains_key("name") {
        return Err(crate::error::AppError::Internal(
            "import.error.no_header".into(),
        ));
    }
    let existing = sqlx::query!(
        "SELECT id_number_hash, name, birth_date FROM child WHERE street_id = $1",
        street.0
    )
    .fetch_all(&mut *conn)
    .await?;
    let existing_hashes: HashSet<Vec<u8>> = existing
        .iter()
        .filter_map(|r| r.id_number_hash.clone())
        .collect();
    let existing_people: HashSet<(String, NaiveDate)> = existing
        .iter()
        .map(|r| (r.name.clone(), r.birth_date))
        .collect();
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
        let mut flag = |field: &str, key: &'static str| {
            if let Some(c) = columns.get(field) {
                errors.entry(*c).or_insert(key);
            } else if let Some(c) = columns.get("name") {
                errors.entry(*c).or_insert(key);
            }
        };
        let mut closed = |field: &str, prefix: &str, keys: Vec<&'static str>| -> String {
            match closed_value(prefix, &keys, cell(field)) {
                Some(v) => v,
                None => {
                    flag(field, "import.error.closed_list");
                    String::new()
                }
            }
        };
        let gender = closed("gender", "child.gender", Gender::keys());
        let left_behind = closed("left_behind", "child.left_behind", LeftBehind::keys());
        let care = closed("care_situation", "child.care", CareSituation::keys());
        let risk = closed("risk_level", "child.risk", RiskLevel::keys());
        let guardian_relation = closed("guardian_relation", "guardian.relation", Relation::keys());
        let parent_relation = closed("parent_relation", "guardian.relation", Relation::keys());
        let birth = match cell("birth_date") {
            "" => String::new(),
            raw => parse_date(raw).unwrap_or_else(|| raw.to_string()),
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
            id_number: cell("id_number").to_string(),
            address: cell("address").to_string(),
            school: cell("school").to_string(),
            grade: cell("grade").to_string(),
            class_name: cell("class_name").to_string(),
            class_teacher: cell("class_teacher").to_string(),
            class_teacher_phone: cell("class_teacher_phone").to_string(),
            left_behind,
            parents_work_place: cell("parents_work_place").to_string(),
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
        if let Ok(v) = valid {
            // Duplicates: inside the file (the later row is flagged) and against the street.
            let hash = v.id_number.as_ref().map(|n| key.keyed_hash(n.as_str()));
            if let Some(h) = &hash {
                if existing_hashes.contains(h) {
                    flag("id_number", "import.error.duplicate_in_street");
                } else if seen_ids.insert(h.clone(), i).is_some() {
                    flag("id_number", "import.error.duplicate_in_file");
                }
            }
            let person_key = (v.fields.name.clone(), v.fields.birth_date);
            if existing_people.contains(&person_key) {
                flag("name", "import.error.duplicate_in_street");
            } else if seen_people.insert(person_key, i).is_some() {
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
            number: i + 2,
            cells: cells.clone(),
            errors,
            valid,
        });
    }
    Ok(out)
}

/// Write every checked row in the caller's transaction, in batches of multi-row inserts.
pub async fn insert_all(
    conn: &mut PgConnection,
    street: StreetId,
    rows: Vec<ImportChild>,
    by: UserId,
) -> Result<usize, sqlx::Error> {
    let with_ids: Vec<(Uuid, ImportChild)> =
        rows.into_iter().map(|r| (Uuid::now_v7(), r)).collect();
    for chunk in with_ids.chunks(500) {
        let mut q: QueryBuilder<Postgres> = QueryBuilder::new(
            "INSERT INTO child (street_id, id, community_id, grid_id, name, name_initials, gender, birth_date, id_number_enc,
                 id_number_hash, id_number_masked, address, school, grade, class_name, class_teacher, class_teacher_phone,
                 left_behind, parents_work_place, parents_return_frequency, care_situation, risk_level, created_by, updated_by) ",
        );
        q.push_values(chunk, |mut b, (id, r)| {
            let f = &r.fields;
            b.push_bind(street.0)
                .push_bind(*id)
                .push_bind(f.community_id.0)
                .push_bind(f.grid_id)
                .push_bind(f.name.clone())
                .push_bind(f.name_initials.clone())
                .push_bind(f.gender)
                .push_bind(f.birth_date)
                .push_bind(r.id_number.as_ref().map(|n| n.0.clone()))
                .push_bind(r.id_number.as_ref().map(|n| n.1.clone()))
                .push_bind(
                    r.id_number
                        .as_ref()
                        .map(|n| n.2.clone())
                        .unwrap_or_default(),
                )
                .push_bind(f.address.clone())
                .push_bind(f.school.clone())
                .push_bind(f.grade.clone())
                .push_bind(f.class_name.clone())
                .push_bind(f.class_teacher.clone())
                .push_bind(f.class_teacher_phone.clone())
                .push_bind(f.left_behind)
                .push_bind(f.parents_work_place.clone())
                .push_bind(f.parents_return_frequency.clone())
                .push_bind(f.care_situation)
                .push_bind(f.risk_level)
                .push_bind(by.0)
                .push_bind(by.0);
        });
        q.build().execute(&mut *conn).await?;

        let people: Vec<(Uuid, &(String, Relation, String), bool, &str)> = chunk
            .iter()
            .flat_map(|(id, r)| {
                let at_home = r.guardian.as_ref().map(|g| (*id, g, false, ""));
                let away = r
                    .parent
                    .as_ref()
                    .map(|p| (*id, p, true, r.fields.parents_work_place.as_str()));
                at_home.into_iter().chain(away)
            })
            .collect();
        if !people.is_empty() {
            let mut q: QueryBuilder<Postgres> = QueryBuilder::new(
                "INSERT INTO guardian (street_id, id, child_id, name, relation, phone, is_parent_away, work_place, family_phone, is_entrusted, updated_by) ",
            );
            q.push_values(
                &people,
                |mut b, (child, (name, relation, phone), away, work)| {
                    b.push_bind(street.0)
                        .push_bind(Uuid::now_v7())
                        .push_bind(*child)
                        .push_bind(name.clone())
                        .push_bind(*relation)
                        .push_bind(if *away { String::new() } else { phone.clone() })
                        .push_bind(*away)
                        .push_bind(work.to_string())
                        .push_bind(if *away { phone.clone() } else { String::new() })
                        .push_bind(!*away)
                        .push_bind(by.0);
                },
            );
            q.build().execute(&mut *conn).await?;
        }
        let consents: Vec<(Uuid, NaiveDate, String, Relation)> = chunk
            .iter()
            .filter_map(|(id, r)| {
                let (name, relation, _) = r.guardian.as_ref().or(r.parent.as_ref())?;
                r.consent_on.map(|on| (*id, on, name.clone(), *relation))
            })
            .collect();
        if !consents.is_empty() {
            let mut q: QueryBuilder<Postgres> = QueryBuilder::new(
                "INSERT INTO consent (street_id, id, child_id, scope, given_by, relation, given_on, method, notice_version, recorded_by) ",
            );
            q.push_values(&consents, |mut b, (child, on, name, relation)| {
                b.push_bind(street.0)
                    .push_bind(Uuid::now_v7())
                    .push_bind(*child)
                    .push("'file'")
                    .push_bind(name.clone())
                    .push_bind(*relation)
                    .push_bind(*on)
                    .push("'written'")
                    .push("'roster import'")
                    .push_bind(by.0);
            });
            q.build().execute(&mut *conn).await?;
        }
    }
    Ok(with_ids.len())
}

/// The template's headers, in order.
pub fn template_headers() -> Vec<&'static str> {
    CHILD_COLUMNS.iter().map(|(_, h, _)| *h).collect()
}
