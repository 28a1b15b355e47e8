//! The activity forms: the month view's filters, the activity itself (validated into
//! [`ActivityFields`]), the summary, attendance ticks, walk-ins and duty credits.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::db::{ACTIVITY_KINDS, ActivityFields, ActivityRow};
use crate::auth::Staff;
use crate::auth::extract::CommunityScope;
use crate::domain::ids::CommunityId;
use crate::domain::semester::china_offset;
use crate::web::forms::{FieldErrors, optional_text, required_date, ticked};
use crate::web::required_text;

/// The month view's month and filters.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub month: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub community: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActivityForm {
    #[serde(default)]
    pub community_id: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub start_time: String,
    #[serde(default)]
    pub end_time: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub capacity: String,
    pub for_children: Option<String>,
    pub for_guardians: Option<String>,
    pub for_volunteers: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub version: String,
}

impl ActivityForm {
    pub fn from_row(a: &ActivityRow) -> ActivityForm {
        let (s, e) = (
            a.starts_at.with_timezone(&china_offset()),
            a.ends_at.with_timezone(&china_offset()),
        );
        ActivityForm {
            community_id: a.community_id.map(|c| c.to_string()).unwrap_or_default(),
            kind: a.kind.clone(),
            title: a.title.clone(),
            date: s.format("%Y-%m-%d").to_string(),
            start_time: s.format("%H:%M").to_string(),
            end_time: e.format("%H:%M").to_string(),
            place: a.place.clone(),
            capacity: a.capacity.map(|c| c.to_string()).unwrap_or_default(),
            for_children: a.for_children.then(|| "on".into()),
            for_guardians: a.for_guardians.then(|| "on".into()),
            for_volunteers: a.for_volunteers.then(|| "on".into()),
            description: a.description.clone(),
            version: a.version.to_string(),
        }
    }

    pub fn audience(&self, name: &str) -> bool {
        match name {
            "for_children" => ticked(&self.for_children),
            "for_guardians" => ticked(&self.for_guardians),
            "for_volunteers" => ticked(&self.for_volunteers),
            _ => false,
        }
    }
}

/// The organiser a form names: the caller's community for staff; for a street admin one of the
/// offered communities, or none (the whole street). `Err` when the form names another.
pub fn organiser(
    staff: &Staff,
    form: &ActivityForm,
    offered: &[(CommunityId, String)],
) -> Result<Option<CommunityId>, ()> {
    match staff.scope {
        CommunityScope::One(own) => Ok(Some(own)),
        CommunityScope::All if form.community_id.is_empty() => Ok(None),
        CommunityScope::All => form
            .community_id
            .parse::<CommunityId>()
            .ok()
            .filter(|c| offered.iter().any(|(id, _)| id == c))
            .map(Some)
            .ok_or(()),
    }
}

pub fn validate(
    form: &ActivityForm,
    community: Option<CommunityId>,
) -> Result<ActivityFields, FieldErrors> {
    let mut e = FieldErrors::default();
    if !ACTIVITY_KINDS.contains(&form.kind.as_str()) {
        e.add("kind", "form.error.required");
    }
    let title = required_text(&form.title, 100)
        .map_err(|k| e.add("title", k))
        .ok();
    let date = required_date(&mut e, "date", &form.date);
    let time = |e: &mut FieldErrors, field: &'static str, v: &str| match NaiveTime::parse_from_str(
        v.trim(),
        "%H:%M",
    ) {
        Ok(t) => Some(t),
        Err(_) => {
            e.add(field, "activity.error.time");
            None
        }
    };
    let start = time(&mut e, "start_time", &form.start_time);
    let end = time(&mut e, "end_time", &form.end_time);
    if let (Some(s), Some(en)) = (start, end)
        && en <= s
    {
        e.add("end_time", "activity.error.end_before_start");
    }
    let capacity = match form.capacity.trim() {
        "" => None,
        raw => match raw
            .parse::<i32>()
            .ok()
            .filter(|c| (1..=100_000).contains(c))
        {
            Some(c) => Some(c),
            None => {
                e.add("capacity", "activity.error.capacity");
                None
            }
        },
    };
    let place = optional_text(&mut e, "place", &form.place, 200);
    let description = optional_text(&mut e, "description", &form.description, 2000);
    let at = |d: NaiveDate, t: NaiveTime| {
        d.and_time(t)
            .and_local_timezone(china_offset())
            .single()
            .expect("fixed offset")
            .with_timezone(&Utc)
    };
    match (title, date, start, end) {
        (Some(title), Some(date), Some(start), Some(end)) if e.is_empty() => Ok(ActivityFields {
            community_id: community,
            kind: form.kind.clone(),
            title,
            starts_at: at(date, start),
            ends_at: at(date, end),
            place,
            capacity,
            for_children: form.audience("for_children"),
            for_guardians: form.audience("for_guardians"),
            for_volunteers: form.audience("for_volunteers"),
            description,
        }),
        _ => Err(e),
    }
}

#[derive(Deserialize)]
pub struct SummaryForm {
    /// The activity's version when the page was loaded.
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub summary: String,
}

/// The attendance page's search, and whether it shows the page after a save.
#[derive(Deserialize, Default)]
pub struct AttendanceQuery {
    #[serde(default)]
    pub q: String,
    pub saved: Option<String>,
}

/// The ticks of one save. `shown_child_<id>` marks who was on the page (so people hidden by a
/// search keep their attendance); `child_<id>=on` marks who attended.
#[derive(Deserialize)]
pub struct AttendanceForm {
    #[serde(default)]
    pub q: String,
    #[serde(flatten)]
    pub fields: HashMap<String, String>,
}

impl AttendanceForm {
    /// The ids of the fields named `<prefix><id>`.
    pub fn ids(&self, prefix: &str) -> Vec<Uuid> {
        self.fields
            .keys()
            .filter_map(|k| k.strip_prefix(prefix))
            .filter_map(|id| id.parse().ok())
            .collect()
    }
}

#[derive(Deserialize)]
pub struct WalkInForm {
    #[serde(default)]
    pub name: String,
}

#[derive(Deserialize)]
pub struct CreditForm {
    #[serde(default)]
    pub pairing_id: String,
    #[serde(default)]
    pub duty: String,
}
