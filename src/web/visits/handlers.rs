//! Staff and grid workers log visits for any child in their scope, and comment on visits.

use axum::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::db as queries;
use super::forms::{VisitForm, validate};
use super::view::StaffVisitPage;
use crate::audit;
use crate::auth::{Staff, Tenant};
use crate::domain::ids::ChildId;
use crate::domain::semester::today_in_china;
use crate::error::Result;
use crate::links;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::forms::FieldErrors;
use crate::web::{PathId, scope};

pub async fn visit_form(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ChildId>,
) -> Result<StaffVisitPage> {
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    audit::child_viewed(
        &mut tx,
        id,
        &rctx.ip.to_string(),
        json!({ "form": "visit" }),
    )
    .await?;
    tx.commit().await?;
    Ok(StaffVisitPage::new(
        PageCtx::from(rctx),
        id,
        child.name,
        VisitForm::blank(id, today_in_china()),
        FieldErrors::default(),
    ))
}

pub async fn log_visit(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ChildId>,
    Form(form): Form<VisitForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    let input = match validate(&form) {
        Ok(v) => v,
        Err(errors) => {
            tx.commit().await?;
            let page = StaffVisitPage::new(PageCtx::from(rctx), id, child.name, form, errors);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    // Staff visits belong to no pairing: they do not fulfil a volunteer's duties.
    queries::write_visit(
        &mut tx,
        user.street_id,
        user.user_id,
        &ip,
        &input,
        &[(id, None)],
        false,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&links::visits::timeline(id)).into_response())
}
