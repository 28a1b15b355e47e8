//! The child form: strings in, a validated `ChildFields` (and the ID number) out, with every
//! field error at once; and the list's filters as the URL carries them.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::db::{ChildFields, ChildRecord};
use super::list_db::ListFilter;
use crate::auth::Staff;
use crate::domain::child::{AGE_BANDS, ChildStatus};
use crate::domain::child::{CareSituation, Gender, LeftBehind, RiskLevel};
use crate::domain::id_number::{IdGender, IdNumber};
use crate::domain::ids::CommunityId;
use crate::domain::pinyin;
use crate::domain::semester::Semester;
use crate::web::forms::{FieldErrors, optional_phone, optional_text, required_date, ticked};

/// The child form as submitted (and as shown again after an error).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ChildForm {
    #[serde(default)]
    pub community_id: String,
    #[serde(default)]
    pub grid_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub school: String,
    #[serde(default)]
    pub grade: String,
    #[serde(default)]
    pub class_name: String,
    #[serde(default)]
    pub class_teacher: String,
    #[serde(default)]
    pub class_teacher_phone: String,
    #[serde(default)]
    pub left_behind: String,
    #[serde(default)]
    pub parents_work_place: String,
    #[serde(default)]
    pub parents_return_frequency: String,
    #[serde(default)]
    pub care_situation: String,
    pub disability: Option<String>,
    pub subsistence_allowance: Option<String>,
    pub poverty: Option<String>,
    #[serde(default)]
    pub health_condition: String,
    pub psychological_concern: Option<String>,
    #[serde(default)]
    pub disability_note: String,
    #[serde(default)]
    pub psychological_note: String,
    #[serde(default)]
    pub risk_level: String,
    /// The version the edit was made on.
    #[serde(default)]
    pub version: String,
    /// Ticked to save despite a possible duplicate.
    pub confirm_duplicate: Option<String>,
    /// The editable fields as the form was opened (`edit::opened_with`), for merging a stale
    /// save.
    #[serde(default)]
    pub opened: String,
}

/// The fields an edit of a saved file changes (the community and the ID number are not
/// merged: the first is not on the edit form, the second is never sent back to the browser).
pub const EDITED: &[&str] = &[
    "grid_id",
    "name",
    "gender",
    "birth_date",
    "address",
    "school",
    "grade",
    "class_name",
    "class_teacher",
    "class_teacher_phone",
    "left_behind",
    "parents_work_place",
    "parents_return_frequency",
    "care_situation",
    "disability",
    "subsistence_allowance",
    "poverty",
    "health_condition",
    "psychological_concern",
    "disability_note",
    "psychological_note",
    "risk_level",
];

fn flag(b: bool) -> Option<String> {
    b.then(|| "on".to_string())
}

impl ChildForm {
    /// The form filled from a saved file (the ID number is never sent back to the browser).
    pub fn from_record(c: &ChildRecord) -> ChildForm {
        ChildForm {
            community_id: c.community_id.to_string(),
            grid_id: c.grid_id.map(|g| g.to_string()).unwrap_or_default(),
            name: c.name.clone(),
            gender: c.gender.key().to_string(),
            birth_date: c.birth_date.to_string(),
            id_number: String::new(),
            address: c.address.clone(),
            school: c.school.clone(),
            grade: c.grade.clone(),
            class_name: c.class_name.clone(),
            class_teacher: c.class_teacher.clone(),
            class_teacher_phone: c.class_teacher_phone.clone(),
            left_behind: c.left_behind.key().to_string(),
            parents_work_place: c.parents_work_place.clone(),
            parents_return_frequency: c.parents_return_frequency.clone(),
            care_situation: c.care_situation.key().to_string(),
            disability: flag(c.disability),
            subsistence_allowance: flag(c.subsistence_allowance),
            poverty: flag(c.poverty),
            health_condition: c.health_condition.clone(),
            psychological_concern: flag(c.psychological_concern),
            disability_note: c.disability_note.clone(),
            psychological_note: c.psychological_note.clone(),
            risk_level: c.risk_level.key().to_string(),
            version: c.version.to_string(),
            confirm_duplicate: None,
            opened: String::new(),
        }
    }

    pub fn is_ticked(&self, field: &str) -> bool {
        match field {
            "disability" => ticked(&self.disability),
            "subsistence_allowance" => ticked(&self.subsistence_allowance),
            "poverty" => ticked(&self.poverty),
            "psychological_concern" => ticked(&self.psychological_concern),
            _ => false,
        }
    }
}

/// A validated form: the fields, and the ID number when one was typed.
pub struct ValidChild {
    pub fields: ChildFields,
    pub id_number: Option<IdNumber>,
}

/// Check every field; `existing_id` is the stored number (decrypted) when editing, so a changed
/// birth date or gender is checked against it too.
pub fn validate(
    form: &ChildForm,
    community: Option<CommunityId>,
    grid_ok: impl Fn(Uuid) -> bool,
    existing_id: Option<&IdNumber>,
    today: NaiveDate,
) -> Result<ValidChild, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = match crate::web::required_text(&form.name, 50) {
        Ok(n) => Some(n),
        Err(k) => {
            e.add("name", k);
            None
        }
    };
    if community.is_none() {
        e.add("community_id", "form.error.required");
    }
    let grid_id = match form.grid_id.trim() {
        "" => None,
        raw => match raw.parse::<Uuid>() {
            Ok(g) if grid_ok(g) => Some(g),
            _ => {
                e.add("grid_id", "child.error.grid");
                None
            }
        },
    };
    let gender = Gender::from_key(&form.gender);
    if gender.is_none() {
        e.add("gender", "form.error.required");
    }
    let birth_date = required_date(&mut e, "birth_date", &form.birth_date);
    if let Some(b) = birth_date {
        if b > today {
            e.add("birth_date", "child.error.birth_future");
        } else if today.year() - b.year() > 18 {
            e.add("birth_date", "child.error.birth_too_old");
        }
    }
    let typed_id = form.id_number.trim();
    let id_number = if typed_id.is_empty() {
        None
    } else {
        match IdNumber::parse(typed_id) {
            Ok(n) => Some(n),
            Err(err) => {
                e.add("id_number", err.key());
                None
            }
        }
    };
    // The ID number carries the birth date and gender: they must agree.
    if let Some(n) = id_number.as_ref().or(existing_id) {
        if let Some(b) = birth_date {
            if n.birth_date() != b {
                e.add("birth_date", "child.error.birth_id_mismatch");
            }
        }
        let id_gender = match n.gender() {
            IdGender::Male => Gender::Male,
            IdGender::Female => Gender::Female,
        };
        if gender.is_some_and(|g| g != id_gender) {
            e.add("gender", "child.error.gender_id_mismatch");
        }
    }
    let left_behind = LeftBehind::from_key(&form.left_behind);
    if left_behind.is_none() {
        e.add("left_behind", "form.error.required");
    }
    let care_situation = CareSituation::from_key(&form.care_situation);
    if care_situation.is_none() {
        e.add("care_situation", "form.error.required");
    }
    let risk_level = if form.risk_level.is_empty() {
        Some(RiskLevel::Low)
    } else {
        RiskLevel::from_key(&form.risk_level)
    };
    if risk_level.is_none() {
        e.add("risk_level", "form.error.required");
    }
    let address = optional_text(&mut e, "address", &form.address, 200);
    let school = optional_text(&mut e, "school", &form.school, 100);
    let grade = optional_text(&mut e, "grade", &form.grade, 20);
    let class_name = optional_text(&mut e, "class_name", &form.class_name, 20);
    let class_teacher = optional_text(&mut e, "class_teacher", &form.class_teacher, 50);
    let class_teacher_phone =
        optional_phone(&mut e, "class_teacher_phone", &form.class_teacher_phone);
    let parents_work_place =
        optional_text(&mut e, "parents_work_place", &form.parents_work_place, 100);
    let parents_return_frequency = optional_text(
        &mut e,
        "parents_return_frequency",
        &form.parents_return_frequency,
        50,
    );
    let health_condition = optional_text(&mut e, "health_condition", &form.health_condition, 1000);
    let disability_note = optional_text(&mut e, "disability_note", &form.disability_note, 1000);
    let psychological_note =
        optional_text(&mut e, "psychological_note", &form.psychological_note, 1000);

    match (
        name,
        community,
        gender,
        birth_date,
        left_behind,
        care_situation,
        risk_level,
    ) {
        (
            Some(name),
            Some(community_id),
            Some(gender),
            Some(birth_date),
            Some(left_behind),
            Some(care_situation),
            Some(risk_level),
        ) if e.is_empty() => Ok(ValidChild {
            fields: ChildFields {
                community_id,
                grid_id,
                name_initials: pinyin::search_key(&name),
                name,
                gender,
                birth_date,
                address,
                school,
                grade,
                class_name,
                class_teacher,
                class_teacher_phone,
                left_behind,
                parents_work_place,
                parents_return_frequency,
                care_situation,
                disability: ticked(&form.disability),
                subsistence_allowance: ticked(&form.subsistence_allowance),
                poverty: ticked(&form.poverty),
                health_condition,
                psychological_concern: ticked(&form.psychological_concern),
                disability_note,
                psychological_note,
                risk_level,
            },
            id_number,
        }),
        _ => Err(e),
    }
}

/// Rows per page of the child list.
pub const PAGE_SIZE: i64 = 50;

/// The list's filters as they appear in the URL (so a view can be bookmarked).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub community: String,
    #[serde(default)]
    pub grid: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub risk: String,
    #[serde(default)]
    pub care: String,
    #[serde(default)]
    pub age: String,
    pub disability: Option<String>,
    pub subsistence: Option<String>,
    pub poverty: Option<String>,
    pub health: Option<String>,
    pub psychological: Option<String>,
    pub girl: Option<String>,
    pub unpaired: Option<String>,
    pub incomplete: Option<String>,
    pub unverified: Option<String>,
    pub page: Option<i64>,
}

impl ListQuery {
    pub fn ticked(&self, name: &str) -> bool {
        let v = match name {
            "disability" => &self.disability,
            "subsistence" => &self.subsistence,
            "poverty" => &self.poverty,
            "health" => &self.health,
            "psychological" => &self.psychological,
            "girl" => &self.girl,
            "unpaired" => &self.unpaired,
            "incomplete" => &self.incomplete,
            "unverified" => &self.unverified,
            _ => return false,
        };
        crate::web::forms::ticked(v)
    }

    /// The filters as a query string, without the page (for the export link).
    pub fn export_query(&self) -> String {
        serde_urlencoded::to_string(self.filter_pairs()).unwrap_or_default()
    }

    /// The children list's spreadsheet with these filters.
    pub fn export_link(&self) -> String {
        crate::links::spreadsheets::children_export(&self.export_query())
    }

    /// The same filters on another page.
    pub fn page_link(&self, page: i64) -> String {
        let mut pairs = self.filter_pairs();
        pairs.push(("page", page.to_string()));
        crate::links::children::children_where(
            &serde_urlencoded::to_string(&pairs).unwrap_or_default(),
        )
    }

    /// The filters in use, as the URL names them.
    fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs: Vec<(&'static str, String)> = Vec::new();
        for (k, v) in [
            ("q", &self.q),
            ("community", &self.community),
            ("grid", &self.grid),
            ("status", &self.status),
            ("risk", &self.risk),
            ("care", &self.care),
            ("age", &self.age),
        ] {
            if !v.is_empty() {
                pairs.push((k, v.clone()));
            }
        }
        for k in [
            "disability",
            "subsistence",
            "poverty",
            "health",
            "psychological",
            "girl",
            "unpaired",
            "incomplete",
            "unverified",
        ] {
            if self.ticked(k) {
                pairs.push((k, "1".to_string()));
            }
        }
        pairs
    }

    /// The filters for the query (an export ignores the page).
    pub fn to_filter(&self, staff: &Staff, today: NaiveDate) -> ListFilter {
        let text = Some(self.q.trim().to_string()).filter(|q| !q.is_empty());
        // Latin letters search the pinyin initials (zxm -> 张小明).
        let initials = text
            .as_ref()
            .filter(|q| q.chars().all(|c| c.is_ascii_alphanumeric()))
            .map(|q| pinyin::initials(q))
            .filter(|i| !i.is_empty());
        // Two or more Latin letters also search the full pinyin (huangsiqi, siqi -> 黄思琪).
        let full_pinyin = text
            .as_ref()
            .filter(|q| q.len() >= 2 && q.chars().all(|c| c.is_ascii_alphabetic()))
            .map(|q| q.to_ascii_lowercase());
        let (born_after, born_by) = AGE_BANDS
            .iter()
            .find(|(key, _, _)| *key == self.age)
            .map(|(_, min, max)| (years_before(today, max + 1), years_before(today, *min)))
            .map(|(a, b)| (Some(a), Some(b)))
            .unwrap_or((None, None));
        let page = self.page.unwrap_or(1).max(1);
        ListFilter {
            community: staff.scope.filter().or_else(|| self.community.parse().ok()),
            grid: self.grid.parse().ok(),
            text,
            initials,
            full_pinyin,
            status: if self.status == "all" {
                None
            } else {
                Some(ChildStatus::from_key(&self.status).unwrap_or(ChildStatus::Active))
            },
            risk: RiskLevel::from_key(&self.risk),
            care: CareSituation::from_key(&self.care),
            disability: self.ticked("disability"),
            subsistence: self.ticked("subsistence"),
            poverty: self.ticked("poverty"),
            health: self.ticked("health"),
            psychological: self.ticked("psychological"),
            girl: self.ticked("girl"),
            born_after,
            born_by,
            unpaired: self.ticked("unpaired"),
            incomplete: self.ticked("incomplete"),
            unverified_since: self
                .ticked("unverified")
                .then(|| Semester::containing(today).start()),
            limit: PAGE_SIZE,
            offset: (page - 1) * PAGE_SIZE,
        }
    }
}

fn years_before(day: NaiveDate, years: i32) -> NaiveDate {
    day.with_year(day.year() - years)
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(day.year() - years, 2, 28).expect("valid date"))
}
