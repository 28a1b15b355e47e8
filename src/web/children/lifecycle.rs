//! A file's life: printing, revealing the full ID number, status changes, re-verification and
//! transfers between communities.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::db as queries;
use super::details_forms::{ReasonForm, StatusForm, TransferForm};
use super::view::{ChildDetails, PrintPage, RevealedPage, child_page};
use crate::audit;
use crate::auth::Tenant;
use crate::auth::{Staff, StreetAdmin};
use crate::domain::ids::ChildId;
use crate::domain::semester::today_in_china;
use crate::error::{AppError, Result};
use crate::links;
use crate::state::AppState;
use crate::web::PathId;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::scope;

/// The A4 paper file (一人一档 archive copy). Printing is a view: it is audited.
pub async fn print_child(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ChildId>,
) -> Result<PrintPage> {
    let ip = rctx.ip.to_string();
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
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    let reason = match form.validate(child.id_number_enc.is_some()) {
        Ok(reason) => reason,
        Err(errors) => {
            let page = child_page(&mut tx, &staff, PageCtx::from(rctx), child, errors).await?;
            tx.commit().await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
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

/// Parents returned, aged out, moved away, other, or active again: dated, with a reason, kept
/// as history. The form carries the file's version, and a stale one is an error on the child
/// page (422) beside the others, not a conflict page: the page already shows the file as it is.
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
    let (status, on, reason) = match form.validate(&child) {
        Ok(valid) => valid,
        Err(errors) => {
            let page = child_page(&mut tx, &staff, PageCtx::from(rctx), child, errors).await?;
            tx.commit().await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
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
    Ok(Redirect::to(&links::children::child(id)).into_response())
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
    Ok(Redirect::to(&links::children::child(id)))
}

/// A street admin moves a child to another community of the street; history is kept. Like a
/// status change, a stale form is an error on the child page (422).
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
    let valid = form.validate(&child, |t| communities.iter().any(|c| c.id == t.0));
    let (target, reason) = match valid {
        Ok(valid) => valid,
        Err(errors) => {
            let page = child_page(&mut tx, &staff, PageCtx::from(rctx), child, errors).await?;
            tx.commit().await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let from = child.community();
    queries::transfer(
        &mut tx,
        user.street_id,
        id,
        from,
        target,
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
    Ok(Redirect::to(&links::children::child(id)).into_response())
}
