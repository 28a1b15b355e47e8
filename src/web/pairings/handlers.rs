use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::db::{self as queries, GridRow, PairingRow, grid_rows};
use crate::audit;
use crate::auth::Tenant;
use crate::auth::extract::CommunityScope;
use crate::auth::{Staff, StreetAdmin};
use crate::db::Tx;
use crate::domain::duties::INACTIVE_DAYS;
use crate::domain::ids::{CommunityId, StreetId};
use crate::domain::semester::{Semester, today_in_china};
use crate::error::{AppError, Result};
use crate::web::PathId;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::forms::{
    FieldErrors, optional_past_date, optional_text, required_date, required_past_date,
};
use crate::web::volunteers::db::{VolunteerRow, list as volunteers};

#[derive(Template, WebTemplate)]
#[template(path = "pairings/list.html")]
pub struct PairingsPage {
    ctx: PageCtx,
    pairings: Vec<PairingRow>,
    unpaired: Vec<(Uuid, String, String)>,
    inactive_before: NaiveDate,
    errors: FieldErrors,
}

impl PairingsPage {
    fn inactive(&self, p: &PairingRow) -> bool {
        p.ended_on.is_none() && p.last_visit.unwrap_or(p.started_on) < self.inactive_before
    }
}

async fn pairings_page(
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

pub async fn list_pairings(tenant: Tenant, ctx: PageCtx, staff: Staff) -> Result<PairingsPage> {
    let mut tx = tenant.begin().await?;
    let page = pairings_page(&mut tx, &staff, ctx, FieldErrors::default()).await?;
    tx.commit().await?;
    Ok(page)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PairingForm {
    #[serde(default)]
    child_id: String,
    #[serde(default)]
    volunteer_id: String,
    #[serde(default)]
    started_on: String,
    #[serde(default)]
    card_signed_on: String,
    #[serde(default)]
    goals: String,
    #[serde(default)]
    override_reason: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pairings/new.html")]
pub struct NewPairingPage {
    ctx: PageCtx,
    form: PairingForm,
    errors: FieldErrors,
    children: Vec<(Uuid, String, String)>,
    volunteers: Vec<VolunteerRow>,
    cap: i32,
    is_admin: bool,
    today: NaiveDate,
}

impl NewPairingPage {
    fn err(&self, field: &str) -> Option<&'static str> {
        self.errors.get(field)
    }
}

async fn caseload_cap(tx: &mut Tx, street: StreetId) -> Result<i32> {
    Ok(
        sqlx::query_scalar!("SELECT caseload_cap FROM street WHERE id = $1", street.0)
            .fetch_one(&mut **tx)
            .await?,
    )
}

async fn new_pairing_page(
    tx: &mut Tx,
    staff: &Staff,
    ctx: PageCtx,
    form: PairingForm,
    errors: FieldErrors,
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
        errors,
        children: queries::unpaired_children(tx, street, staff.scope.filter()).await?,
        volunteers,
        cap: caseload_cap(tx, street).await?,
        is_admin: staff.scope == CommunityScope::All,
        today: today_in_china(),
    })
}

pub async fn new_pairing_form(
    tenant: Tenant,
    ctx: PageCtx,
    staff: Staff,
    Query(form): Query<PairingForm>,
) -> Result<NewPairingPage> {
    let mut tx = tenant.begin().await?;
    let page = new_pairing_page(&mut tx, &staff, ctx, form, FieldErrors::default()).await?;
    tx.commit().await?;
    Ok(page)
}

pub async fn create_pairing(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    Form(form): Form<PairingForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let mut page = new_pairing_page(
        &mut tx,
        &staff,
        PageCtx::from(rctx),
        form.clone(),
        FieldErrors::default(),
    )
    .await?;
    let mut e = FieldErrors::default();
    // Only children and volunteers the page offered (active, unpaired, in scope) can be chosen.
    let child = form
        .child_id
        .parse::<Uuid>()
        .ok()
        .and_then(|id| page.children.iter().find(|c| c.0 == id));
    let volunteer = form
        .volunteer_id
        .parse::<Uuid>()
        .ok()
        .and_then(|id| page.volunteers.iter().find(|v| v.id == id));
    if child.is_none() {
        e.add("child_id", "pairing.error.child");
    }
    let child_community = match child {
        Some((id, _, _)) => sqlx::query_scalar!(
            "SELECT community_id FROM child WHERE street_id = $1 AND id = $2",
            user.street_id.0,
            id
        )
        .fetch_one(&mut *tx)
        .await
        .ok(),
        None => None,
    };
    let mut override_used = false;
    match volunteer {
        None => e.add("volunteer_id", "pairing.error.volunteer"),
        Some(v) => {
            if child_community.is_some_and(|c| c != v.community_id) {
                e.add("volunteer_id", "pairing.error.same_community");
            } else if v.active_pairings >= i64::from(page.cap) {
                e.add("volunteer_id", "pairing.error.caseload");
            } else if !v.checklist_complete() {
                // Only a street admin may pair a volunteer whose checklist is incomplete, with a reason.
                if page.is_admin && !form.override_reason.trim().is_empty() {
                    override_used = true;
                } else {
                    e.add(
                        "volunteer_id",
                        if page.is_admin {
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
    let (Some((child_id, _, _)), Some(v), Some(started_on), Some(community), true) =
        (child, volunteer, started_on, child_community, e.is_empty())
    else {
        tx.commit().await?;
        page.errors = e;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let id = Uuid::now_v7();
    sqlx::query!(
        "INSERT INTO pairing (street_id, id, community_id, volunteer_id, child_id, started_on, card_signed_on, goals, override_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        user.street_id.0,
        id,
        community,
        v.id,
        child_id,
        started_on,
        card_signed_on,
        goals,
        if override_used { override_reason.clone() } else { String::new() },
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        "pairing_created",
        "child",
        Some(*child_id),
        &ip,
        json!({ "pairing": id, "volunteer": v.id }),
    )
    .await?;
    if override_used {
        audit::record(
            &mut tx,
            "pairing_safeguarding_override",
            "volunteer",
            Some(v.id),
            &ip,
            json!({ "pairing": id, "reason": audit::scrub(&override_reason) }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Redirect::to("/pairings").into_response())
}

#[derive(Deserialize)]
pub struct EndForm {
    #[serde(default)]
    ended_on: String,
    #[serde(default)]
    reason: String,
}

pub async fn end_pairing(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<Uuid>,
    Form(form): Form<EndForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let row = sqlx::query!(
        "SELECT community_id, child_id, started_on FROM pairing WHERE street_id = $1 AND id = $2 AND ended_on IS NULL",
        user.street_id.0,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .filter(|r| staff.scope.allows(CommunityId(r.community_id)))
    .ok_or(AppError::NotFound)?;
    let mut e = FieldErrors::default();
    let ended_on = required_past_date(&mut e, "ended_on", &form.ended_on);
    if ended_on.is_some_and(|d| d < row.started_on) {
        e.add("ended_on", "pairing.error.end_before_start");
    }
    let reason = form.reason.trim();
    if reason.is_empty() {
        e.add("end_reason", "child.error.reason_required");
    }
    let (Some(ended_on), true) = (ended_on, e.is_empty()) else {
        let page = pairings_page(&mut tx, &staff, PageCtx::from(rctx), e).await?;
        tx.commit().await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    sqlx::query!(
        "UPDATE pairing SET ended_on = $3, end_reason = $4, version = version + 1, updated_at = now()
         WHERE street_id = $1 AND id = $2 AND ended_on IS NULL",
        user.street_id.0,
        id,
        ended_on,
        reason
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        "pairing_ended",
        "child",
        Some(row.child_id),
        &ip,
        json!({ "pairing": id }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/pairings").into_response())
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

#[derive(Deserialize)]
pub struct SemesterQuery {
    semester: Option<String>,
}

pub async fn duty_grid(
    tenant: Tenant,
    ctx: PageCtx,
    staff: Staff,
    Query(q): Query<SemesterQuery>,
) -> Result<DutyGridPage> {
    let today = today_in_china();
    let current = Semester::containing(today);
    let semester = q
        .semester
        .as_deref()
        .and_then(Semester::parse)
        .unwrap_or(current);
    let mut tx = tenant.begin().await?;
    let rows = grid_rows(
        &mut tx,
        staff.user.street_id,
        staff.scope.filter(),
        semester,
        today,
    )
    .await?;
    tx.commit().await?;
    let mut per: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for row in &rows {
        let entry = per.entry(row.pairing.community_name.clone()).or_default();
        entry.0 += row
            .duties
            .iter()
            .filter(|d| d.state == crate::domain::duties::DutyState::Done)
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
    caseload_cap: String,
    report_deadline_days: String,
    retention_years: String,
    totp_required: bool,
    errors: FieldErrors,
    saved: bool,
}

pub async fn settings_form(
    tenant: Tenant,
    ctx: PageCtx,
    StreetAdmin(admin): StreetAdmin,
) -> Result<SettingsPage> {
    let mut tx = tenant.begin().await?;
    let row = sqlx::query!(
        "SELECT caseload_cap, report_deadline_days, retention_years, totp_required FROM street WHERE id = $1",
        admin.street_id.0
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(SettingsPage {
        ctx,
        caseload_cap: row.caseload_cap.to_string(),
        report_deadline_days: row.report_deadline_days.to_string(),
        retention_years: row.retention_years.to_string(),
        totp_required: row.totp_required,
        errors: FieldErrors::default(),
        saved: false,
    })
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    caseload_cap: String,
    #[serde(default)]
    report_deadline_days: String,
    #[serde(default)]
    retention_years: String,
    #[serde(default)]
    totp_required: Option<String>,
}

pub async fn update_settings(
    tenant: Tenant,
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    Form(form): Form<SettingsForm>,
) -> Result<Response> {
    let mut e = FieldErrors::default();
    let cap = form
        .caseload_cap
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|c| (1..=50).contains(c));
    if cap.is_none() {
        e.add("caseload_cap", "settings.error.caseload_cap");
    }
    let days = form
        .report_deadline_days
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|d| (0..=90).contains(d));
    if days.is_none() {
        e.add("report_deadline_days", "settings.error.deadline");
    }
    let years = form
        .retention_years
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1..=30).contains(y));
    if years.is_none() {
        e.add("retention_years", "settings.error.retention");
    }
    let totp_required = crate::web::forms::ticked(&form.totp_required);
    let ip = rctx.ip.to_string();
    let ctx = PageCtx::from(rctx);
    let (Some(cap), Some(days), Some(years)) = (cap, days, years) else {
        let page = SettingsPage {
            ctx,
            caseload_cap: form.caseload_cap,
            report_deadline_days: form.report_deadline_days,
            retention_years: form.retention_years,
            totp_required,
            errors: e,
            saved: false,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut tx = tenant.begin().await?;
    sqlx::query!(
        "UPDATE street SET caseload_cap = $2, report_deadline_days = $3, retention_years = $4, totp_required = $5,
             version = version + 1, updated_at = now() WHERE id = $1",
        admin.street_id.0,
        cap,
        days,
        years,
        totp_required
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        "settings_changed",
        "street",
        Some(admin.street_id.0),
        &ip,
        json!({ "caseload_cap": cap, "report_deadline_days": days, "retention_years": years, "totp_required": totp_required }),
    )
    .await?;
    tx.commit().await?;
    Ok(SettingsPage {
        ctx,
        caseload_cap: cap.to_string(),
        report_deadline_days: days.to_string(),
        retention_years: years.to_string(),
        totp_required,
        errors: FieldErrors::default(),
        saved: true,
    }
    .into_response())
}
