//! Consent to keeping the file, and separate consent for health, disability and psychological
//! notes. Withdrawal is dated and hides the sections it covers.

use axum::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::details_db as queries;
use super::details_forms::{ConsentForm, WithdrawForm, validate_consent};
use super::view::child_page;
use crate::audit;
use crate::auth::Staff;
use crate::auth::Tenant;
use crate::domain::ids::{ChildId, ConsentId};
use crate::error::{AppError, Result};
use crate::links;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::scope;
use crate::web::{PathId, PathIds};

pub async fn record_consent(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ChildId>,
    Form(form): Form<ConsentForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    let fields = match validate_consent(&form) {
        Ok(fields) => fields,
        Err(errors) => {
            let page = child_page(&mut tx, &staff, PageCtx::from(rctx), child, errors).await?;
            tx.commit().await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let consent = ConsentId::new();
    queries::insert_consent(&mut tx, user.street_id, id, consent, &fields, user.user_id).await?;
    audit::record(
        &mut tx,
        "consent_recorded",
        "child",
        Some(id.0),
        &ip,
        json!({ "consent": consent, "scope": fields.scope }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&links::children::consent_section(id)).into_response())
}

pub async fn withdraw_consent(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathIds(id, consent): PathIds<ChildId, ConsentId>,
    Form(form): Form<WithdrawForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    let on = match form.day() {
        Ok(on) => on,
        Err(errors) => {
            let page = child_page(&mut tx, &staff, PageCtx::from(rctx), child, errors).await?;
            tx.commit().await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let scope =
        queries::withdraw_consent(&mut tx, user.street_id, id, consent, on, form.reason.trim())
            .await?
            .ok_or(AppError::NotFound)?;
    audit::record(
        &mut tx,
        "consent_withdrawn",
        "child",
        Some(id.0),
        &ip,
        json!({ "consent": consent, "scope": scope }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&links::children::consent_section(id)).into_response())
}
