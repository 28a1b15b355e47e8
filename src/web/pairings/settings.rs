//! The street's settings: the caseload cap, the report deadline, how long records are kept,
//! and whether staff must use a second factor.

use axum::Form;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::db as queries;
use super::forms::{SettingsForm, validate_settings};
use super::view::SettingsPage;
use crate::audit;
use crate::auth::{StreetAdmin, Tenant};
use crate::error::Result;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::edit::{self, Edited, sent_version};

pub async fn settings_form(
    tenant: Tenant,
    ctx: PageCtx,
    StreetAdmin(admin): StreetAdmin,
) -> Result<SettingsPage> {
    let mut tx = tenant.begin().await?;
    let (settings, version) = queries::settings(&mut tx, admin.street_id).await?;
    tx.commit().await?;
    Ok(SettingsPage::stored(ctx, &settings, version, false))
}

/// Save the settings through the versioned edit: a form loaded before someone else saved shows
/// the conflict instead of overwriting their change.
pub async fn update_settings(
    tenant: Tenant,
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    Form(form): Form<SettingsForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let street = admin.street_id;
    let sent = sent_version(&form.version)?;
    let valid = validate_settings(&form);
    let ctx = PageCtx::from(rctx);
    let mut tx = tenant.begin().await?;
    let (_, stored) = queries::settings(&mut tx, street).await?;
    let page = SettingsPage::sent(ctx.clone(), form);
    let (mut tx, settings) =
        match edit::save(tx, page, sent, stored, stored, valid, |tx, version, s| {
            Box::pin(async move { Ok(queries::save_settings(tx, street, version, s).await?) })
        })
        .await?
        {
            Edited::Saved(tx, settings) => (tx, settings),
            Edited::Refused(page) => return Ok(page),
        };
    audit::record(
        &mut tx,
        "settings_changed",
        "street",
        Some(street.0),
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
    Ok(SettingsPage::stored(ctx, &settings, sent + 1, true).into_response())
}
