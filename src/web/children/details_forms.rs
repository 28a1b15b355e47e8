//! The forms of the child page's sections: a guardian or parent, a consent and its withdrawal,
//! revealing the ID number, a status change and a transfer. Strings in, validated fields out,
//! with every field error at once.

use chrono::NaiveDate;
use serde::Deserialize;

use super::db::ChildRecord;
use super::details_db::{ConsentFields, GuardianFields, GuardianRow};
use crate::domain::child::{ChildStatus, ConsentMethod, ConsentScope, Relation};
use crate::domain::ids::CommunityId;
use crate::web::forms::{
    FieldErrors, optional_past_date, optional_phone, optional_text, required_past_date, ticked,
};
use crate::web::required_text;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct GuardianForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub relation: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
    pub is_parent_away: Option<String>,
    #[serde(default)]
    pub work_place: String,
    #[serde(default)]
    pub family_phone: String,
    #[serde(default)]
    pub return_frequency: String,
    pub is_entrusted: Option<String>,
    #[serde(default)]
    pub agreement_signed_on: String,
    #[serde(default)]
    pub version: String,
}

impl GuardianForm {
    pub fn from_row(g: &GuardianRow) -> GuardianForm {
        GuardianForm {
            name: g.name.clone(),
            relation: g.relation.key().to_string(),
            phone: g.phone.clone(),
            address: g.address.clone(),
            is_parent_away: g.is_parent_away.then(|| "on".to_string()),
            work_place: g.work_place.clone(),
            family_phone: g.family_phone.clone(),
            return_frequency: g.return_frequency.clone(),
            is_entrusted: g.is_entrusted.then(|| "on".to_string()),
            agreement_signed_on: g
                .agreement_signed_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            version: g.version.to_string(),
        }
    }

    pub fn parent_away(&self) -> bool {
        ticked(&self.is_parent_away)
    }

    pub fn entrusted(&self) -> bool {
        ticked(&self.is_entrusted)
    }
}

pub fn validate_guardian(form: &GuardianForm) -> Result<GuardianFields, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = required_text(&form.name, 50)
        .map_err(|k| e.add("name", k))
        .ok();
    let relation = Relation::from_key(&form.relation);
    if relation.is_none() {
        e.add("relation", "form.error.required");
    }
    let phone = optional_phone(&mut e, "phone", &form.phone);
    let family_phone = optional_phone(&mut e, "family_phone", &form.family_phone);
    let address = optional_text(&mut e, "address", &form.address, 200);
    let work_place = optional_text(&mut e, "work_place", &form.work_place, 100);
    let return_frequency = optional_text(&mut e, "return_frequency", &form.return_frequency, 50);
    let agreement_signed_on =
        optional_past_date(&mut e, "agreement_signed_on", &form.agreement_signed_on);
    if form.parent_away() && work_place.is_empty() {
        e.add("work_place", "guardian.error.work_place_required");
    }
    match (name, relation) {
        (Some(name), Some(relation)) if e.is_empty() => Ok(GuardianFields {
            name,
            relation,
            phone,
            address,
            is_parent_away: form.parent_away(),
            work_place,
            family_phone,
            return_frequency,
            is_entrusted: form.entrusted(),
            agreement_signed_on,
        }),
        _ => Err(e),
    }
}

#[derive(Deserialize)]
pub struct ConsentForm {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    given_by: String,
    #[serde(default)]
    relation: String,
    #[serde(default)]
    given_on: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    notice_version: String,
}

/// The errors are named for the child page's consent fields (`consent_…`).
pub fn validate_consent(form: &ConsentForm) -> Result<ConsentFields, FieldErrors> {
    let mut e = FieldErrors::default();
    let scope = ConsentScope::from_key(&form.scope);
    if scope.is_none() {
        e.add("consent_scope", "form.error.required");
    }
    let given_by = required_text(&form.given_by, 50)
        .map_err(|k| e.add("consent_given_by", k))
        .ok();
    let relation = Relation::from_key(&form.relation);
    if relation.is_none() {
        e.add("consent_relation", "form.error.required");
    }
    let given_on = required_past_date(&mut e, "consent_given_on", &form.given_on);
    let method = ConsentMethod::from_key(&form.method);
    if method.is_none() {
        e.add("consent_method", "form.error.required");
    }
    let notice_version = required_text(&form.notice_version, 50)
        .map_err(|k| e.add("consent_notice_version", k))
        .ok();
    match (scope, given_by, relation, given_on, method, notice_version) {
        (
            Some(scope),
            Some(given_by),
            Some(relation),
            Some(given_on),
            Some(method),
            Some(notice_version),
        ) if e.is_empty() => Ok(ConsentFields {
            scope,
            given_by,
            relation,
            given_on,
            method,
            notice_version,
        }),
        _ => Err(e),
    }
}

#[derive(Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    withdrawn_on: String,
    #[serde(default)]
    pub reason: String,
}

impl WithdrawForm {
    /// The day of the withdrawal, or the error beside its field.
    pub fn day(&self) -> Result<NaiveDate, FieldErrors> {
        let mut e = FieldErrors::default();
        let on = required_past_date(&mut e, "withdrawn_on", &self.withdrawn_on);
        match (on, e.is_empty()) {
            (Some(on), true) => Ok(on),
            _ => Err(e),
        }
    }
}

/// Why the full ID number is wanted.
#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

impl ReasonForm {
    /// The stated reason, when the file has a number to reveal.
    pub fn validate(&self, has_number: bool) -> Result<String, FieldErrors> {
        let reason = self.reason.trim().to_string();
        if reason.chars().count() < 2 || reason.chars().count() > 200 || !has_number {
            let mut errors = FieldErrors::default();
            errors.add(
                "reveal_reason",
                if !has_number {
                    "child.error.no_id_number"
                } else {
                    "child.error.reason_required"
                },
            );
            return Err(errors);
        }
        Ok(reason)
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    /// The file's version when the form was drawn.
    #[serde(default)]
    version: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    changed_on: String,
    #[serde(default)]
    reason: String,
}

impl StatusForm {
    /// The new status, its day and the reason. A form drawn on another version of the file is
    /// refused beside the status: the page shows the file as it is now.
    pub fn validate(
        &self,
        child: &ChildRecord,
    ) -> Result<(ChildStatus, NaiveDate, &str), FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.version.trim().parse::<i32>().ok() != Some(child.version) {
            errors.add("status", "child.error.stale");
        }
        let status = ChildStatus::from_key(&self.status);
        if status.is_none() || status == Some(child.status) {
            errors.add("status", "child.error.status");
        }
        let on = required_past_date(&mut errors, "status_on", &self.changed_on);
        let reason = self.reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            errors.add("status_reason", "child.error.reason_required");
        }
        match (status, on, errors.is_empty()) {
            (Some(status), Some(on), true) => Ok((status, on, reason)),
            _ => Err(errors),
        }
    }
}

#[derive(Deserialize)]
pub struct TransferForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    to_community: String,
    #[serde(default)]
    reason: String,
}

impl TransferForm {
    /// The community the child moves to (another one of the street, as `exists` says) and the
    /// reason. A form drawn on another version of the file is refused.
    pub fn validate(
        &self,
        child: &ChildRecord,
        exists: impl Fn(CommunityId) -> bool,
    ) -> Result<(CommunityId, &str), FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.version.trim().parse::<i32>().ok() != Some(child.version) {
            errors.add("to_community", "child.error.stale");
        }
        let target = self
            .to_community
            .parse::<CommunityId>()
            .ok()
            .filter(|t| *t != child.community() && exists(*t));
        if target.is_none() {
            errors.add("to_community", "child.error.transfer_target");
        }
        let reason = self.reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            errors.add("transfer_reason", "child.error.reason_required");
        }
        match (target, errors.is_empty()) {
            (Some(target), true) => Ok((target, reason)),
            _ => Err(errors),
        }
    }
}
