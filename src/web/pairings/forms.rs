//! The pairing forms: a new pairing (checked against what the page offered), ending one, the
//! duty grid's semester, and the street's settings.

use serde::Deserialize;

use super::db::{PairingFields, Settings, UnpairedChild};
use crate::domain::ids::{ChildId, CommunityId, VolunteerId};
use crate::records::volunteer::VolunteerRow;
use crate::web::forms::{FieldErrors, optional_past_date, optional_text, required_date, ticked};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PairingForm {
    #[serde(default)]
    pub child_id: String,
    #[serde(default)]
    pub volunteer_id: String,
    #[serde(default)]
    pub started_on: String,
    #[serde(default)]
    pub card_signed_on: String,
    #[serde(default)]
    pub goals: String,
    #[serde(default)]
    pub override_reason: String,
}

impl PairingForm {
    /// The chosen child, if the page offered it (active, unpaired, in scope).
    pub fn child<'a>(&self, offered: &'a [UnpairedChild]) -> Option<&'a UnpairedChild> {
        let id = self.child_id.parse::<ChildId>().ok()?;
        offered.iter().find(|c| c.id == id)
    }

    /// The chosen volunteer, if the page offered them (active, in scope).
    pub fn volunteer<'a>(&self, offered: &'a [VolunteerRow]) -> Option<&'a VolunteerRow> {
        let id = self.volunteer_id.parse::<VolunteerId>().ok()?;
        offered.iter().find(|v| v.id == id)
    }
}

/// What a new pairing is checked against: the page's offer and the caller.
pub struct Offer<'a> {
    pub children: &'a [UnpairedChild],
    pub volunteers: &'a [VolunteerRow],
    pub cap: i32,
    pub is_admin: bool,
}

/// A new pairing, or every reason it cannot be made. `child_community` is the community of the
/// chosen child's file.
pub fn validate(
    form: &PairingForm,
    offer: &Offer<'_>,
    child_community: Option<CommunityId>,
) -> Result<PairingFields, FieldErrors> {
    let mut e = FieldErrors::default();
    let child = form.child(offer.children);
    let volunteer = form.volunteer(offer.volunteers);
    if child.is_none() {
        e.add("child_id", "pairing.error.child");
    }
    let mut override_used = false;
    match volunteer {
        None => e.add("volunteer_id", "pairing.error.volunteer"),
        Some(v) => {
            if child_community.is_some_and(|c| c != CommunityId::from(v.community_id)) {
                e.add("volunteer_id", "pairing.error.same_community");
            } else if v.active_pairings >= i64::from(offer.cap) {
                e.add("volunteer_id", "pairing.error.caseload");
            } else if !v.checklist_complete() {
                // Only a street admin may pair a volunteer whose checklist is incomplete, with a reason.
                if offer.is_admin && !form.override_reason.trim().is_empty() {
                    override_used = true;
                } else {
                    e.add(
                        "volunteer_id",
                        if offer.is_admin {
                            "pairing.error.checklist_admin"
                        } else {
                            "pairing.error.checklist"
                        },
                    );
                }
            }
        }
    }
    let started_on = required_date(&mut e, "started_on", &form.started_on);
    let card_signed_on = optional_past_date(&mut e, "card_signed_on", &form.card_signed_on);
    let goals = optional_text(&mut e, "goals", &form.goals, 500);
    let override_reason = optional_text(&mut e, "override_reason", &form.override_reason, 500);
    match (child, volunteer, started_on, child_community) {
        (Some(child), Some(v), Some(started_on), Some(community)) if e.is_empty() => {
            Ok(PairingFields {
                community_id: community,
                volunteer_id: v.id,
                child_id: child.id,
                started_on,
                card_signed_on,
                goals,
                override_reason: if override_used {
                    override_reason
                } else {
                    String::new()
                },
            })
        }
        _ => Err(e),
    }
}

#[derive(Deserialize)]
pub struct EndForm {
    #[serde(default)]
    pub ended_on: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Deserialize)]
pub struct SemesterQuery {
    pub semester: Option<String>,
}

#[derive(Deserialize, Clone)]
pub struct SettingsForm {
    /// The version the form was loaded at.
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub caseload_cap: String,
    #[serde(default)]
    pub report_deadline_days: String,
    #[serde(default)]
    pub retention_years: String,
    #[serde(default)]
    pub totp_required: Option<String>,
}

impl SettingsForm {
    pub fn totp_required(&self) -> bool {
        ticked(&self.totp_required)
    }
}

/// The settings, each within its bounds.
pub fn validate_settings(form: &SettingsForm) -> Result<Settings, FieldErrors> {
    let mut e = FieldErrors::default();
    let within = |raw: &str, range: std::ops::RangeInclusive<i32>| {
        raw.trim().parse::<i32>().ok().filter(|n| range.contains(n))
    };
    let cap = within(&form.caseload_cap, 1..=50);
    if cap.is_none() {
        e.add("caseload_cap", "settings.error.caseload_cap");
    }
    let days = within(&form.report_deadline_days, 0..=90);
    if days.is_none() {
        e.add("report_deadline_days", "settings.error.deadline");
    }
    let years = within(&form.retention_years, 1..=30);
    if years.is_none() {
        e.add("retention_years", "settings.error.retention");
    }
    match (cap, days, years) {
        (Some(caseload_cap), Some(report_deadline_days), Some(retention_years)) => Ok(Settings {
            caseload_cap,
            report_deadline_days,
            retention_years,
            totp_required: form.totp_required(),
        }),
        _ => Err(e),
    }
}
