//! Checking a roster of volunteers, like the children's roster: every cell's error and the
//! duplicates inside the file and against the street.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use sqlx::PgConnection;

use super::children::RowCheck;
use super::columns::{closed_value, parse_date};
use super::db as queries;
use super::import_db::ImportVolunteer;
use super::read::Table;
use crate::domain::ids::StreetId;
use crate::domain::login::is_mainland_mobile;
use crate::domain::volunteer::VOLUNTEER_KINDS;

/// (field, template header, other accepted headers)
pub const VOLUNTEER_COLUMNS: &[(&str, &str, &[&str])] = &[
    ("name", "姓名", &["志愿者姓名"]),
    ("phone", "电话", &["手机", "手机号", "联系电话"]),
    ("kind", "类型", &["志愿者类型"]),
    ("team", "志愿服务队", &["服务队"]),
    ("skills", "特长", &[]),
    (
        "record_check",
        "无犯罪记录证明查验日期",
        &["无犯罪记录证明"],
    ),
    ("training", "培训日期", &["培训"]),
];

/// The field a header cell of a volunteers' roster stands for.
pub fn recognise(_group: Option<super::columns::Group>, header: &str) -> Option<&'static str> {
    if header == "序号" || header == "编号" {
        return Some("serial");
    }
    VOLUNTEER_COLUMNS
        .iter()
        .find(|(_, main, others)| *main == header || others.contains(&header))
        .map(|(field, _, _)| *field)
}

/// Check every row; `Err` is a catalog key for the whole file (no name or phone column).
pub async fn check(
    conn: &mut PgConnection,
    street: StreetId,
    table: &Table,
    today: NaiveDate,
) -> Result<Vec<RowCheck<ImportVolunteer>>, crate::error::AppError> {
    let columns: HashMap<&str, usize> = super::columns::columns_of(&table.fields);
    if !columns.contains_key("name") || !columns.contains_key("phone") {
        return Err(crate::error::AppError::Internal(
            "import.error.no_header".into(),
        ));
    }
    let existing: HashSet<(String, String)> = queries::volunteer_names_and_phones(conn, street)
        .await?
        .into_iter()
        .collect();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut out = Vec::new();
    for (i, cells) in table.rows.iter().enumerate() {
        let cell = |f: &str| columns.get(f).map(|c| cells[*c].trim()).unwrap_or("");
        let mut errors: BTreeMap<usize, &'static str> = BTreeMap::new();
        let mut flag = |f: &str, key: &'static str| {
            if let Some(c) = columns.get(f) {
                errors.entry(*c).or_insert(key);
            }
        };
        let name = cell("name").to_string();
        if name.is_empty() {
            flag("name", "form.error.required");
        } else if name.chars().count() > 50 {
            flag("name", "form.error.too_long");
        }
        let phone: String = cell("phone")
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect();
        if !is_mainland_mobile(&phone) {
            flag("phone", "user.error.login_invalid");
        }
        let kind = match closed_value("volunteer.kind", &VOLUNTEER_KINDS, cell("kind")) {
            Some(k) if !k.is_empty() => k,
            _ => {
                flag("kind", "import.error.closed_list");
                String::new()
            }
        };
        let mut date = |f: &str| match cell(f) {
            "" => None,
            raw => {
                match parse_date(raw).and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()) {
                    Some(d) if d <= today => Some(d),
                    _ => {
                        flag(f, "form.error.date");
                        None
                    }
                }
            }
        };
        let record_check = date("record_check");
        let training = date("training");
        drop(date);
        let person = (name.clone(), phone.clone());
        if errors.is_empty() {
            let duplicate = if existing.contains(&person) {
                Some("import.error.duplicate_in_street")
            } else if !seen.insert(person) {
                Some("import.error.duplicate_in_file")
            } else {
                None
            };
            if let (Some(key), Some(c)) = (duplicate, columns.get("name")) {
                errors.insert(*c, key);
            }
        }
        let valid = errors.is_empty().then(|| ImportVolunteer {
            name,
            phone,
            kind,
            team: cell("team").to_string(),
            skills: cell("skills").to_string(),
            record_check,
            training,
        });
        out.push(RowCheck {
            number: table.row_numbers.get(i).copied().unwrap_or(i + 2),
            cells: cells.clone(),
            errors,
            valid,
            existing: None,
        });
    }
    Ok(out)
}
