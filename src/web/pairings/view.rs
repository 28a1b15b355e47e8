//! The pairing pages: the list with the unpaired children, the new-pairing form, the duty grid
//! and the street's settings.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use chrono::{Duration, NaiveDate};

use super::db::{self as queries, GridRow, PairingRow, Settings, UnpairedChild};
use super::forms::PairingForm;
use crate::auth::Staff;
use crate::auth::extract::CommunityScope;
use crate::db::Tx;
use crate::domain::duties::{DutyState, INACTIVE_DAYS};
use crate::domain::semester::{Semester, today_in_china};
use crate::error::Result;
use crate::records::volunteer::{VolunteerRow, list as volunteers};
use crate::web::context::PageCtx;
use crate::web::edit::EditPage;
use crate::web::forms::FieldErrors;

#[derive(Template, WebTemplate)]
#[template(path = "pairings/list.html")]
pub struct PairingsPage {
    ctx: PageCtx,
    pairings: Vec<PairingRow>,
    unpaired: Vec<UnpairedChild>,
    inactive_before: NaiveDate,
    errors: FieldErrors,
}

impl PairingsPage {
    fn inactive(&self, p: &PairingRow) -> bool {
        p.ended_on.is_none() && p.last_visit.unwrap_or(p.started_on) < self.inactive_before
    }
}

pub async fn pairings_page(
    tx: &mut Tx,
    staff: &Staff,
    ctx: PageCtx,
    errors: FieldErrors,
) -> Result<PairingsPage> {
    let street = staff.user.street_id;
    Ok(PairingsPage {
        ctx,
        pairings: queries::list(tx, street, staff.scope.filter(), None, true).await?,
        unpaired: queries::unpaired_children(tx, street, staff.scope.filter()).await?,
        inactive_before: today_in_china() - Duration::days(INACTIVE_DAYS),
        errors,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "pairings/new.html")]
pub struct NewPairingPage {
    ctx: PageCtx,
    form: PairingForm,
    errors: FieldErrors,
    /// The children and volunteers the form offers: only these can be chosen.
    pub children: Vec<UnpairedChild>,
    pub volunteers: Vec<VolunteerRow>,
    pub cap: i32,
    pub is_admin: bool,
    today: NaiveDate,
}

impl NewPairingPage {
    fn err(&self, field: &str) -> Option<&'static str> {
        self.errors.get(field)
    }

    pub fn show_errors(&mut self, errors: FieldErrors) {
        self.errors = errors;
    }
}

pub async fn new_pairing_page(
    tx: &mut Tx,
    staff: &Staff,
    ctx: PageCtx,
    form: PairingForm,
) -> Result<NewPairingPage> {
    let street = staff.user.street_id;
    let volunteers = volunteers(tx, street, staff.scope.filter(), None)
        .await?
        .into_iter()
        .filter(|v| v.status == "active")
        .collect();
    Ok(NewPairingPage {
        ctx,
        form,
        errors: FieldErrors::default(),
        children: queries::unpaired_children(tx, street, staff.scope.filter()).await?,
        volunteers,
        cap: queries::caseload_cap(tx, street).await?,
        is_admin: staff.scope == CommunityScope::All,
        today: today_in_china(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "pairings/duties.html")]
pub struct DutyGridPage {
    ctx: PageCtx,
    semester: Semester,
    semesters: Vec<Semester>,
    rows: Vec<GridRow>,
    /// Per community: name, duties done, duties owed.
    per_community: Vec<(String, usize, usize)>,
    is_admin: bool,
}

impl DutyGridPage {
    fn percent(&self, done: &usize, owed: &usize) -> String {
        if *owed == 0 {
            "—".to_string()
        } else {
            format!("{:.0}%", *done as f64 * 100.0 / *owed as f64)
        }
    }
}

/// The duty grid of a semester (the current one by default), with the semesters to choose from:
/// the next, the current and the five before.
pub async fn duty_grid_page(
    tx: &mut Tx,
    staff: &Staff,
    ctx: PageCtx,
    semester: Option<Semester>,
) -> Result<DutyGridPage> {
    let today = today_in_china();
    let current = Semester::containing(today);
    let semester = semester.unwrap_or(current);
    let rows = queries::grid_rows(
        tx,
        staff.user.street_id,
        staff.scope.filter(),
        semester,
        today,
    )
    .await?;
    let mut per: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for row in &rows {
        let entry = per.entry(row.pairing.community_name.clone()).or_default();
        entry.0 += row
            .duties
            .iter()
            .filter(|d| d.state == DutyState::Done)
            .count();
        entry.1 += row.duties.len();
    }
    let mut semesters = vec![current.next(), current];
    let mut s = current;
    for _ in 0..5 {
        s = s.previous();
        semesters.push(s);
    }
    Ok(DutyGridPage {
        ctx,
        semester,
        semesters,
        rows,
        per_community: per
            .into_iter()
            .map(|(name, (done, owed))| (name, done, owed))
            .collect(),
        is_admin: staff.scope == CommunityScope::All,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "pairings/settings.html")]
pub struct SettingsPage {
    ctx: PageCtx,
    version: String,
    caseload_cap: String,
    report_deadline_days: String,
    retention_years: String,
    totp_required: bool,
    errors: FieldErrors,
    saved: bool,
    /// Someone saved the settings after this form was loaded: nothing was written.
    conflict: bool,
}

impl SettingsPage {
    /// The settings as stored at `version` (`saved`: just now).
    pub fn stored(ctx: PageCtx, s: &Settings, version: i32, saved: bool) -> SettingsPage {
        SettingsPage {
            ctx,
            version: version.to_string(),
            caseload_cap: s.caseload_cap.to_string(),
            report_deadline_days: s.report_deadline_days.to_string(),
            retention_years: s.retention_years.to_string(),
            totp_required: s.totp_required,
            errors: FieldErrors::default(),
            saved,
            conflict: false,
        }
    }

    /// The form again as sent (errors or a conflict are shown by `EditPage`).
    pub fn sent(ctx: PageCtx, form: super::forms::SettingsForm) -> SettingsPage {
        SettingsPage {
            ctx,
            totp_required: form.totp_required(),
            version: form.version,
            caseload_cap: form.caseload_cap,
            report_deadline_days: form.report_deadline_days,
            retention_years: form.retention_years,
            errors: FieldErrors::default(),
            saved: false,
            conflict: false,
        }
    }
}

impl EditPage for SettingsPage {
    /// The version stored now.
    type Stored = i32;
    fn show_errors(&mut self, errors: FieldErrors) {
        self.errors = errors;
    }
    fn show_conflict(&mut self, stored_version: i32) {
        self.version = stored_version.to_string();
        self.conflict = true;
    }
}
