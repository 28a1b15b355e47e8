//! One community's report for one quarter: figures, narrative, workflow.

use axum::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::db::{self as queries};
use super::figures::compute;
use super::forms::{NarrativeForm, TransitionForm};
use super::view::{ReportPage, report_page};
use crate::audit;
use crate::auth::Staff;
use crate::auth::Tenant;
use crate::domain::ids::CommunityId;
use crate::domain::role::Role;
use crate::domain::semester::{Quarter, today_in_china};
use crate::error::{AppError, Result};
use crate::links;
use crate::web::PathIds;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::forms::{FieldErrors, optional_text};
use crate::web::scope;

pub async fn show_report(
    tenant: Tenant,
    ctx: PageCtx,
    staff: Staff,
    PathIds(community, period): PathIds<CommunityId, String>,
) -> Result<ReportPage> {
    let q = Quarter::parse(&period).ok_or(AppError::NotFound)?;
    let mut tx = tenant.begin().await?;
    let page = report_page(&mut tx, &staff, ctx, community, q, FieldErrors::default()).await?;
    tx.commit().await?;
    Ok(page)
}

/// The staff's narrative: work done, problems, next steps. Only while draft or returned.
pub async fn save_narrative(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathIds(community, period): PathIds<CommunityId, String>,
    Form(form): Form<NarrativeForm>,
) -> Result<Response> {
    let q = Quarter::parse(&period).ok_or(AppError::NotFound)?;
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    scope::community(&mut tx, &staff, community).await?;
    if user.role != Role::CommunityStaff {
        return Err(AppError::NotFound);
    }
    let report = queries::ensure(&mut tx, user.street_id, community.0, q).await?;
    let mut e = FieldErrors::default();
    let work_done = optional_text(&mut e, "work_done", &form.work_done, 5000);
    let problems = optional_text(&mut e, "problems", &form.problems, 5000);
    let next_steps = optional_text(&mut e, "next_steps", &form.next_steps, 5000);
    if !matches!(report.status.as_str(), "draft" | "returned") {
        e.add("work_done", "report.error.not_editable");
    }
    let version: i32 = form
        .version
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest)?;
    // Version 0: the page was drawn before the report row existed; the new row is version 1.
    let stale = version != report.version && !(version == 0 && report.version == 1);
    if !e.is_empty() || stale {
        let mut page = report_page(&mut tx, &staff, PageCtx::from(rctx), community, q, e).await?;
        page.conflict = stale;
        tx.commit().await?;
        return Ok((
            if stale {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            },
            page,
        )
            .into_response());
    }
    sqlx::query!(
        "UPDATE report SET work_done = $3, problems = $4, next_steps = $5, version = version + 1, updated_at = now()
         WHERE street_id = $1 AND id = $2 AND version = $6",
        user.street_id.0,
        report.id,
        work_done,
        problems,
        next_steps,
        report.version,
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        "report_narrative_saved",
        "report",
        Some(report.id),
        &rctx.ip.to_string(),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&links::reports::report(community, &period)).into_response())
}

/// draft/returned -> submitted (the community's staff); submitted -> returned or approved, and
/// approved -> returned (reopen, with a reason) (the street admin). Approval freezes the figures.
pub async fn transition(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathIds(community, period): PathIds<CommunityId, String>,
    Form(form): Form<TransitionForm>,
) -> Result<Response> {
    let q = Quarter::parse(&period).ok_or(AppError::NotFound)?;
    let user = &staff.user;
    let street = user.street_id;
    let mut tx = tenant.begin().await?;
    scope::community(&mut tx, &staff, community).await?;
    let report = queries::ensure(&mut tx, street, community.0, q).await?;
    let admin = user.role == Role::StreetAdmin;
    let comment = form.comment.trim().to_string();
    let target = match (form.action.as_str(), report.status.as_str(), admin) {
        ("submit", "draft" | "returned", false) => Some("submitted"),
        ("return", "submitted", true) if !comment.is_empty() => Some("returned"),
        ("approve", "submitted", true) => Some("approved"),
        ("reopen", "approved", true) if !comment.is_empty() => Some("returned"),
        _ => None,
    };
    // A quarter is reported once it has ended: approving partial figures would freeze them.
    let not_ended = target == Some("submitted") && today_in_china() <= q.end();
    let target = target.filter(|_| !not_ended);
    let Some(target) = target else {
        // A role asking for a move it may not make learns nothing more than a 404 would say.
        let allowed_action = matches!(
            (form.action.as_str(), admin),
            ("submit", false) | ("return" | "approve" | "reopen", true)
        );
        if !allowed_action {
            return Err(AppError::NotFound);
        }
        let mut e = FieldErrors::default();
        e.add(
            "transition",
            if not_ended {
                "report.error.not_ended"
            } else if comment.is_empty() && matches!(form.action.as_str(), "return" | "reopen") {
                "report.error.comment_required"
            } else {
                "report.error.transition"
            },
        );
        let page = report_page(&mut tx, &staff, PageCtx::from(rctx), community, q, e).await?;
        tx.commit().await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let snapshot = if target == "approved" {
        Some(
            serde_json::to_value(compute(&mut tx, street, community.0, q, today_in_china()).await?)
                .map_err(AppError::internal)?,
        )
    } else {
        None
    };
    // Only from the state the decision was made on: two admins cannot both act.
    let moved = sqlx::query!(
        "UPDATE report SET status = $3::text::report_status, snapshot = $4,
             submitted_at = CASE WHEN $3 = 'submitted' THEN coalesce(submitted_at, now()) ELSE submitted_at END,
             approved_at = CASE WHEN $3 = 'approved' THEN now() ELSE NULL END,
             version = version + 1, updated_at = now()
         WHERE street_id = $1 AND id = $2 AND status = $5::text::report_status",
        street.0,
        report.id,
        target,
        snapshot,
        report.status,
    )
    .execute(&mut *tx)
    .await?;
    if moved.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    queries::record_transition(
        &mut tx,
        street,
        report.id,
        &report.status,
        target,
        &comment,
        user.user_id,
    )
    .await?;
    audit::record(
        &mut tx,
        "report_transition",
        "report",
        Some(report.id),
        &rctx.ip.to_string(),
        json!({ "from": report.status, "to": target }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&links::reports::report(community, &period)).into_response())
}
