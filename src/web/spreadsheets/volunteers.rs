//! Checking and importing a roster of volunteers, like the children's roster.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use super::children::RowCheck;
use super::columns::{closed_value, parse_date};
use super::read::Table;
use crate::domain::ids::{CommunityId, StreetId};
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
pub fn recognise(_group: Option<super::layout::Group>, header: &str) -> Option<&'static str> {
    if header == "序号" || header == "编号" {
        return Some("serial");
    }
    VOLUNTEER_COLUMNS
        .iter()
        .find(|(_, main, others)| *main == header || others.contains(&header))
        .map(|(field, _, _)| *field)
}

pub struct ImportVolunteer {
    pub name: String,
    pub phone: String,
    pub kind: String,
    pub team: String,
    pub skills: String,
    pub record_check: Option<NaiveDate>,
    pub training: Option<NaiveDate>,
}

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
    let existing: HashSet<(String, String)> = sqlx::query!(
        "SELECT name, phone FROM volunteer WHERE street_id = $1",
        street.0
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.name, r.phone))
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

/// Write every row in the caller's transaction; teams are found or made by name. Plans are
/// reused for the rest of the transaction (`db::reuse_plans_for_bulk_write`).
pub async fn insert_all(
    conn: &mut PgConnection,
    street: StreetId,
    community: CommunityId,
    rows: Vec<ImportVolunteer>,
) -> Result<usize, sqlx::Error> {
    crate::db::reuse_plans_for_bulk_write(conn, rows.len()).await?;
    let mut teams: HashMap<String, Option<Uuid>> = HashMap::new();
    for r in &rows {
        if !teams.contains_key(&r.team) {
            let id =
                crate::web::volunteers::db::team_id(conn, street, community.0, &r.team).await?;
            teams.insert(r.team.clone(), id);
        }
    }
    for chunk in rows.chunks(1000) {
        let mut q: QueryBuilder<Postgres> = QueryBuilder::new(
            "INSERT INTO volunteer (street_id, id, community_id, team_id, name, phone, kind, skills, record_check_seen_on, training_done_on) ",
        );
        q.push_values(chunk, |mut b, r| {
            b.push_bind(street.0)
                .push_bind(Uuid::now_v7())
                .push_bind(community.0)
                .push_bind(teams.get(&r.team).copied().flatten())
                .push_bind(r.name.clone())
                .push_bind(r.phone.clone())
                .push_bind(r.kind.clone())
                .push_unseparated("::text::volunteer_kind")
                .push_bind(r.skills.clone())
                .push_bind(r.record_check)
                .push_bind(r.training);
        });
        q.build().execute(&mut *conn).await?;
    }
    Ok(rows.len())
}
