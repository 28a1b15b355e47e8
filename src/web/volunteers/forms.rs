//! The volunteer form, validated into [`VolunteerFields`].

use serde::Deserialize;

use super::db::{VolunteerFields, VolunteerRow};
use crate::auth::Staff;
use crate::domain::ids::CommunityId;
use crate::domain::login::is_mainland_mobile;
use crate::domain::volunteer::{VOLUNTEER_KINDS, VOLUNTEER_STATUSES as STATUSES};
use crate::web::forms::{FieldErrors, optional_past_date, optional_text};
use crate::web::required_text;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct VolunteerForm {
    #[serde(default)]
    pub community_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub team_name: String,
    #[serde(default)]
    pub skills: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub record_check_seen_on: String,
    #[serde(default)]
    pub training_done_on: String,
    #[serde(default)]
    pub version: String,
}

impl VolunteerForm {
    pub fn from_row(v: &VolunteerRow) -> VolunteerForm {
        VolunteerForm {
            community_id: v.community_id.to_string(),
            name: v.name.clone(),
            phone: v.phone.clone(),
            kind: v.kind.clone(),
            team_name: v.team.clone().unwrap_or_default(),
            skills: v.skills.clone(),
            status: v.status.clone(),
            record_check_seen_on: v
                .record_check_seen_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            training_done_on: v
                .training_done_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            version: v.version.to_string(),
        }
    }

    /// The community the form names, if it is the caller's and one the page offered.
    pub fn community(
        &self,
        staff: &Staff,
        offered: &[(CommunityId, String)],
    ) -> Option<CommunityId> {
        self.community_id
            .parse::<CommunityId>()
            .ok()
            .filter(|c| staff.scope.allows(*c) && offered.iter().any(|(id, _)| id == c))
    }
}

pub fn validate(
    form: &VolunteerForm,
    community: Option<CommunityId>,
) -> Result<VolunteerFields, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = required_text(&form.name, 50)
        .map_err(|k| e.add("name", k))
        .ok();
    let phone: String = form
        .phone
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    if phone.is_empty() {
        e.add("phone", "form.error.required");
    } else if !is_mainland_mobile(&phone) {
        e.add("phone", "user.error.login_invalid");
    }
    if community.is_none() {
        e.add("community_id", "form.error.required");
    }
    if !VOLUNTEER_KINDS.contains(&form.kind.as_str()) {
        e.add("kind", "form.error.required");
    }
    let status = if form.status.is_empty() {
        "active".to_string()
    } else {
        form.status.clone()
    };
    if !STATUSES.contains(&status.as_str()) {
        e.add("status", "form.error.required");
    }
    let team_name = optional_text(&mut e, "team_name", &form.team_name, 100);
    let skills = optional_text(&mut e, "skills", &form.skills, 200);
    let record_check_seen_on =
        optional_past_date(&mut e, "record_check_seen_on", &form.record_check_seen_on);
    let training_done_on = optional_past_date(&mut e, "training_done_on", &form.training_done_on);
    match (name, community) {
        (Some(name), Some(community_id)) if e.is_empty() => Ok(VolunteerFields {
            community_id,
            name,
            phone,
            kind: form.kind.clone(),
            team_name,
            skills,
            status,
            record_check_seen_on,
            training_done_on,
        }),
        _ => Err(e),
    }
}
