//! Consent to keeping the file, and separate consent for health, disability and psychological
//! notes. Withdrawal is dated and hides the sections it covers.

use axum::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::view::child_page;
use crate::audit;
use crate::auth::Staff;
use crate::auth::Tenant;
use crate::domain::child::{ConsentMethod, ConsentScope, Relation};
use crate::domain::ids::ChildId;
use crate::error::{AppError, Result};
use crate::web::context::{PageCtx, RequestContext};
use crate::web::forms::{FieldErrors, required_past_date};
use crate::web::scope;
use crate::web::{PathId, PathIds, required_text};

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
    let notice = required_text(&form.notice_version, 50)
        .map_err(|k| e.add("consent_notice_version", k))
        .ok();
    let (
        Some(scope),
        Some(given_by),
        Some(relation),
        Some(given_on),
        Some(method),
        Some(notice),
        true,
    ) = (
        scope,
        given_by,
        relation,
        given_on,
        method,
        notice,
        e.is_empty(),
    )
    else {
        let page = child_page(&mut tx, &staff, PageCtx::from(rctx), child, e).await?;
        tx.commit().await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let consent = Uuid::now_v7();
    sqlx::query!(
        "INSERT INTO consent (street_id, id, child_id, scope, given_by, relation, given_on, method, notice_version, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        user.street_id.0,
        consent,
        id.0,
        scope as ConsentScope,
        given_by,
        relation as Relation,
        given_on,
        method as ConsentMethod,
        notice,
        user.user_id.0,
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        "consent_recorded",
        "child",
        Some(id.0),
        &ip,
        json!({ "consent": consent, "scope": scope }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/children/{id}#consent")).into_response())
}

#[derive(Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    withdrawn_on: String,
    #[serde(default)]
    reason: String,
}

pub async fn withdraw_consent(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathIds(id, consent): PathIds<ChildId, Uuid>,
    Form(form): Form<WithdrawForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    let mut e = FieldErrors::default();
    let on = required_past_date(&mut e, "withdrawn_on", &form.withdrawn_on);
    let (Some(on), true) = (on, e.is_empty()) else {
        let page = child_page(&mut tx, &staff, PageCtx::from(rctx), child, e).await?;
        tx.commit().await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let scope = sqlx::query_scalar!(
        r#"UPDATE consent SET withdrawn_on = $4, withdrawn_reason = $5, version = version + 1, updated_at = now()
           WHERE street_id = $1 AND child_id = $2 AND id = $3 AND withdrawn_on IS NULL
           RETURNING scope AS "scope: ConsentScope""#,
        user.street_id.0,
        id.0,
        consent,
        on,
        form.reason.trim(),
    )
    .fetch_optional(&mut *tx)
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
    Ok(Redirect::to(&format!("/children/{id}#consent")).into_response())
}
