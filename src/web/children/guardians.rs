//! Guardians and parents on the child's page: add, edit, remove.

use axum::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::details_db as queries;
use super::details_forms::{GuardianForm, validate_guardian};
use super::view::GuardianPage;
use crate::audit;
use crate::auth::Staff;
use crate::auth::Tenant;
use crate::domain::ids::{ChildId, GuardianId};
use crate::error::{AppError, Result};
use crate::links;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::edit::{self, EditPage, Edited};
use crate::web::scope;
use crate::web::{PathId, PathIds};

pub async fn new_guardian_form(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ChildId>,
) -> Result<GuardianPage> {
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    // The form names the child: a read of the file, like the edit form.
    audit::child_viewed(
        &mut tx,
        id,
        &rctx.ip.to_string(),
        json!({ "form": "guardian" }),
    )
    .await?;
    tx.commit().await?;
    Ok(GuardianPage::new(
        PageCtx::from(rctx),
        &child,
        None,
        GuardianForm::default(),
    ))
}

pub async fn create_guardian(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ChildId>,
    Form(form): Form<GuardianForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    let fields = match validate_guardian(&form) {
        Ok(f) => f,
        Err(errors) => {
            tx.commit().await?;
            let mut page = GuardianPage::new(PageCtx::from(rctx), &child, None, form);
            page.show_errors(errors);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let guardian = GuardianId::new();
    queries::insert_guardian(&mut tx, user.street_id, id, guardian, &fields, user.user_id).await?;
    audit::record(
        &mut tx,
        "guardian_added",
        "child",
        Some(id.0),
        &ip,
        json!({ "guardian": guardian, "relation": fields.relation }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&links::children::guardians_section(id)).into_response())
}

pub async fn edit_guardian_form(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathIds(id, guardian): PathIds<ChildId, GuardianId>,
) -> Result<GuardianPage> {
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    let rows = queries::guardians(&mut tx, user.street_id, id).await?;
    let row = rows
        .iter()
        .find(|g| g.id == guardian)
        .ok_or(AppError::NotFound)?;
    audit::child_viewed(
        &mut tx,
        id,
        &rctx.ip.to_string(),
        json!({ "form": "guardian" }),
    )
    .await?;
    tx.commit().await?;
    Ok(GuardianPage::new(
        PageCtx::from(rctx),
        &child,
        Some(guardian),
        GuardianForm::from_row(row),
    ))
}

pub async fn update_guardian(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathIds(id, guardian): PathIds<ChildId, GuardianId>,
    Form(form): Form<GuardianForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    let rows = queries::guardians(&mut tx, user.street_id, id).await?;
    let current = rows
        .iter()
        .find(|g| g.id == guardian)
        .ok_or(AppError::NotFound)?;
    let sent = edit::sent_version(&form.version)?;
    let valid = validate_guardian(&form);
    let page = GuardianPage::new(PageCtx::from(rctx), &child, Some(guardian), form);
    let (street, by) = (user.street_id, user.user_id);
    let mut tx = match edit::save(
        tx,
        page,
        sent,
        current.version,
        current.version,
        valid,
        |tx, version, fields| {
            Box::pin(async move {
                Ok(queries::update_guardian(tx, street, id, guardian, version, fields, by).await?)
            })
        },
    )
    .await?
    {
        Edited::Saved(tx, _) => tx,
        Edited::Refused(page) => return Ok(page),
    };
    audit::record(
        &mut tx,
        "guardian_updated",
        "child",
        Some(id.0),
        &ip,
        json!({ "guardian": guardian }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&links::children::guardians_section(id)).into_response())
}

pub async fn delete_guardian(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathIds(id, guardian): PathIds<ChildId, GuardianId>,
) -> Result<Redirect> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    scope::staff_child(&mut tx, &staff, id).await?;
    if !queries::delete_guardian(&mut tx, user.street_id, id, guardian).await? {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut tx,
        "guardian_removed",
        "child",
        Some(id.0),
        &ip,
        json!({ "guardian": guardian }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&links::children::guardians_section(id)))
}
