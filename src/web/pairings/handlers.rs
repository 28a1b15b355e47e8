//! Pairings: the list, making one, ending one, and the duty grid.

use axum::Form;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::db as queries;
use super::forms::{EndForm, Offer, PairingForm, SemesterQuery, validate};
use super::view::{
    DutyGridPage, NewPairingPage, PairingsPage, duty_grid_page, new_pairing_page, pairings_page,
};
use crate::audit;
use crate::auth::{Staff, Tenant};
use crate::domain::ids::{CommunityId, PairingId, VolunteerId};
use crate::domain::semester::Semester;
use crate::error::{AppError, Result};
use crate::links;
use crate::web::PathId;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::forms::{FieldErrors, required_past_date};

pub async fn list_pairings(tenant: Tenant, ctx: PageCtx, staff: Staff) -> Result<PairingsPage> {
    let mut tx = tenant.begin().await?;
    let page = pairings_page(&mut tx, &staff, ctx, FieldErrors::default()).await?;
    tx.commit().await?;
    Ok(page)
}

pub async fn new_pairing_form(
    tenant: Tenant,
    ctx: PageCtx,
    staff: Staff,
    Query(form): Query<PairingForm>,
) -> Result<NewPairingPage> {
    let mut tx = tenant.begin().await?;
    let page = new_pairing_page(&mut tx, &staff, ctx, form).await?;
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
    // First, before the caseload is counted (in the page's offer).
    if let Ok(volunteer) = form.volunteer_id.parse::<VolunteerId>() {
        queries::lock_volunteer(&mut tx, user.street_id, volunteer).await?;
    }
    let mut page = new_pairing_page(&mut tx, &staff, PageCtx::from(rctx), form.clone()).await?;
    let child_community = match form.child(&page.children) {
        Some(child) => queries::community_of_child(&mut tx, user.street_id, child.id)
            .await
            .ok()
            .map(CommunityId),
        None => None,
    };
    let offer = Offer {
        children: &page.children,
        volunteers: &page.volunteers,
        cap: page.cap,
        is_admin: page.is_admin,
    };
    let fields = match validate(&form, &offer, child_community) {
        Ok(fields) => fields,
        Err(errors) => {
            tx.commit().await?;
            page.show_errors(errors);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let id = PairingId::new();
    queries::insert(&mut tx, user.street_id, id, &fields).await?;
    audit::record(
        &mut tx,
        "pairing_created",
        "child",
        Some(fields.child_id.0),
        &ip,
        json!({ "pairing": id, "volunteer": fields.volunteer_id }),
    )
    .await?;
    if !fields.override_reason.is_empty() {
        audit::record(
            &mut tx,
            "pairing_safeguarding_override",
            "volunteer",
            Some(fields.volunteer_id.0),
            &ip,
            json!({ "pairing": id, "reason": audit::scrub(&fields.override_reason) }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(links::pairings::PAIRINGS).into_response())
}

pub async fn end_pairing(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<PairingId>,
    Form(form): Form<EndForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let pairing = queries::find_open(&mut tx, user.street_id, id)
        .await?
        .filter(|p| staff.scope.allows(p.community_id))
        .ok_or(AppError::NotFound)?;
    let mut e = FieldErrors::default();
    let ended_on = required_past_date(&mut e, "ended_on", &form.ended_on);
    if ended_on.is_some_and(|d| d < pairing.started_on) {
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
    queries::end(&mut tx, user.street_id, id, ended_on, reason).await?;
    audit::record(
        &mut tx,
        "pairing_ended",
        "child",
        Some(pairing.child_id.0),
        &ip,
        json!({ "pairing": id }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(links::pairings::PAIRINGS).into_response())
}

pub async fn duty_grid(
    tenant: Tenant,
    ctx: PageCtx,
    staff: Staff,
    Query(q): Query<SemesterQuery>,
) -> Result<DutyGridPage> {
    let semester = q.semester.as_deref().and_then(Semester::parse);
    let mut tx = tenant.begin().await?;
    let page = duty_grid_page(&mut tx, &staff, ctx, semester).await?;
    tx.commit().await?;
    Ok(page)
}
