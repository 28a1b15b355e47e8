//! A file's life: printing, revealing the full ID number, status changes, re-verification and
//! transfers between communities.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::db as queries;
use super::view::ChildDetails;
use super::view::{ChildPage, child_page};
use crate::audit;
use crate::auth::Tenant;
use crate::auth::{Staff, StreetAdmin};
use crate::domain::child::ChildStatus;
use crate::domain::ids::{ChildId, CommunityId};
use crate::domain::semester::today_in_china;
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::PathId;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::forms::{FieldErrors, required_past_date};
use crate::web::scope;

#[derive(Template, WebTemplate)]
#[template(path = "children/print.html")]
pub struct PrintPage {
    ctx: PageCtx,
    child: queries::ChildRecord,
    d: ChildDetails,
}

/// The A4 paper file (一人一档 archive copy). Printing is a view: it is audited.
pub async fn print_child(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ChildId>,
) -> Result<PrintPage> {
    let ip = rctx.ip.to_string();
    let _user = &staff.user;
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    audit::record(
        &mut tx,
        "child_printed",
        "child",
        Some(id.0),
        &ip,
        json!({}),
    )
    .await?;
    let d = ChildDetails::load(&mut tx, &staff, &child).await?;
    tx.commit().await?;
    Ok(PrintPage {
        ctx: PageCtx::from(rctx),
        child,
        d,
    })
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "children/revealed.html")]
pub struct RevealedPage {
    ctx: PageCtx,
    id: ChildId,
    name: String,
    number: String,
}

/// Show the full ID number once, for a stated reason that goes into the audit log.
pub async fn reveal_id_number(
    tenant: Tenant,
    State(state): State<AppState>,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ChildId>,
    Form(form): Form<ReasonForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let _user = &staff.user;
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    let reason = form.reason.trim().to_string();
    if reason.chars().count() < 2 || reason.chars().count() > 200 || child.id_number_enc.is_none() {
        let mut errors = FieldErrors::default();
        errors.add(
            "reveal_reason",
            if child.id_number_enc.is_none() {
                "child.error.no_id_number"
            } else {
                "child.error.reason_required"
            },
        );
        let page = child_page(&mut tx, &staff, PageCtx::from(rctx), child, errors).await?;
        tx.commit().await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let blob = child.id_number_enc.as_deref().unwrap_or_default();
    let number = state.data_key.decrypt(blob).map_err(AppError::internal)?;
    audit::record(
        &mut tx,
        "id_number_revealed",
        "child",
        Some(id.0),
        &ip,
        json!({ "reason": audit::scrub(&reason) }),
    )
    .await?;
    tx.commit().await?;
    Ok(RevealedPage {
        ctx: PageCtx::from(rctx),
        id,
        name: child.name,
        number,
    }
    .into_response())
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

/// Parents returned, aged out, moved away, other, or active again: dated, with a reason, kept
/// as history.
pub async fn change_status(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ChildId>,
    Form(form): Form<StatusForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    let mut errors = FieldErrors::default();
    if form.version.trim().parse::<i32>().ok() != Some(child.version) {
        // Someone changed the file since this page was drawn: show it as it is now.
        errors.add("status", "child.error.stale");
    }
    let status = ChildStatus::from_key(&form.status);
    if status.is_none() || status == Some(child.status) {
        errors.add("status", "child.error.status");
    }
    let on = required_past_date(&mut errors, "status_on", &form.changed_on);
    let reason = form.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        errors.add("status_reason", "child.error.reason_required");
    }
    let (Some(status), Some(on), true) = (status, on, errors.is_empty()) else {
        let page = child_page(&mut tx, &staff, PageCtx::from(rctx), child, errors).await?;
        tx.commit().await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    queries::set_status(
        &mut tx,
        user.street_id,
        id,
        status,
        on,
        reason,
        user.user_id,
    )
    .await?;
    audit::record(
        &mut tx,
        "child_status_changed",
        "child",
        Some(id.0),
        &ip,
        json!({ "from": child.status, "to": status }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/children/{id}")).into_response())
}

/// Re-verification (复核) of the child's situation this semester.
pub async fn verify_child(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ChildId>,
) -> Result<Redirect> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    scope::staff_child(&mut tx, &staff, id).await?;
    queries::mark_verified(&mut tx, user.street_id, id, today_in_china(), user.user_id).await?;
    audit::record(
        &mut tx,
        "child_verified",
        "child",
        Some(id.0),
        &ip,
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/children/{id}")))
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

/// A street admin moves a child to another community of the street; history is kept.
pub async fn transfer_child(
    tenant: Tenant,
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    PathId(id): PathId<ChildId>,
    Form(form): Form<TransferForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let staff = Staff {
        user: admin,
        scope: crate::auth::extract::CommunityScope::All,
    };
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    let communities = crate::web::communities::db::choices(&mut tx, user.street_id, None).await?;
    let mut errors = FieldErrors::default();
    if form.version.trim().parse::<i32>().ok() != Some(child.version) {
        errors.add("to_community", "child.error.stale");
    }
    let target = form
        .to_community
        .parse::<uuid::Uuid>()
        .ok()
        .filter(|t| *t != child.community_id && communities.iter().any(|c| c.id == *t));
    if target.is_none() {
        errors.add("to_community", "child.error.transfer_target");
    }
    let reason = form.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        errors.add("transfer_reason", "child.error.reason_required");
    }
    let (Some(target), true) = (target, errors.is_empty()) else {
        let page: ChildPage =
            child_page(&mut tx, &staff, PageCtx::from(rctx), child, errors).await?;
        tx.commit().await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let from = CommunityId(child.community_id);
    queries::transfer(
        &mut tx,
        user.street_id,
        id,
        from,
        CommunityId(target),
        today_in_china(),
        reason,
        user.user_id,
    )
    .await?;
    audit::record(
        &mut tx,
        "child_transferred",
        "child",
        Some(id.0),
        &ip,
        json!({ "from": from, "to": target }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/children/{id}")).into_response())
}
