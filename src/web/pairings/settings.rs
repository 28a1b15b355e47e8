//! The street's settings: the caseload cap, the report deadline, how long records are kept,
//! and whether staff must use a second factor.

use axum::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::db as queries;
use super::forms::{SettingsForm, validate_settings};
use super::view::SettingsPage;
use crate::audit;
use crate::auth::{StreetAdmin, Tenant};
use crate::error::Result;
use crate::web::context::{PageCtx, RequestContext};

pub async fn settings_form(
    tenant: Tenant,
    ctx: PageCtx,
    StreetAdmin(admin): StreetAdmin,
) -> Result<SettingsPage> {
    let mut tx = tenant.begin().await?;
    let settings = queries::settings(&mut tx, admin.street_id).await?;
    tx.commit().await?;
    Ok(SettingsPage::stored(ctx, &settings, false))
}

pub async fn update_settings(
    tenant: Tenant,
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    Form(form): Form<SettingsForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let ctx = PageCtx::from(rctx);
    let settings = match validate_settings(&form) {
        Ok(s) => s,
        Err(errors) => {
            let page = SettingsPage::refused(ctx, form, errors);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let mut tx = tenant.begin().await?;
    queries::save_settings(&mut tx, admin.street_id, &settings).await?;
    audit::record(
        &mut tx,
        "settings_changed",
        "street",
        Some(admin.street_id.0),
        &ip,
        json!({
            "caseload_cap": settings.caseload_cap,
            "report_deadline_days": settings.report_deadline_days,
            "retention_years": settings.retention_years,
            "totp_required": settings.totp_required,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(SettingsPage::stored(ctx, &settings, true).into_response())
}
