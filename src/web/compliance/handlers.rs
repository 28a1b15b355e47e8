//! The year's compliance page and its export (which is itself audited).

use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use serde_json::json;

use super::db::{self, EXPORT_ACTIONS};
use super::forms::{YearQuery, year_of};
use super::view::{CompliancePage, workbook};
use crate::audit;
use crate::auth::StreetAdmin;
use crate::auth::Tenant;
use crate::domain::semester::today_in_china;
use crate::error::{AppError, Result};
use crate::i18n::catalog;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::xlsx::xlsx;

pub async fn compliance_page(
    tenant: Tenant,
    ctx: PageCtx,
    StreetAdmin(admin): StreetAdmin,
    Query(q): Query<YearQuery>,
) -> Result<CompliancePage> {
    let year = year_of(&q)?;
    let mut tx = tenant.begin().await?;
    let f = db::figures(&mut tx, admin.street_id, year).await?;
    tx.commit().await?;
    let this_year = today_in_china().year();
    Ok(CompliancePage {
        ctx,
        f,
        years: (this_year - 5..=this_year).rev().collect(),
    })
}

pub async fn export_compliance(
    tenant: Tenant,
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    Query(q): Query<YearQuery>,
) -> Result<Response> {
    let year = year_of(&q)?;
    let mut tx = tenant.begin().await?;
    let f = db::figures(&mut tx, admin.street_id, year).await?;
    let exports = db::events(&mut tx, admin.street_id, year, EXPORT_ACTIONS).await?;
    let reveals = db::events(&mut tx, admin.street_id, year, &["id_number_revealed"]).await?;
    let anonymised = db::events(&mut tx, admin.street_id, year, &["child_anonymised"]).await?;
    let accounts = db::accounts(&mut tx, admin.street_id).await?;
    audit::record(
        &mut tx,
        "compliance_exported",
        "street",
        Some(admin.street_id.0),
        &rctx.ip.to_string(),
        json!({ "year": year }),
    )
    .await?;
    tx.commit().await?;
    let t = catalog(rctx.lang);
    let bytes =
        workbook(t, &f, &exports, &reveals, &anonymised, &accounts).map_err(AppError::internal)?;
    Ok(xlsx(bytes, &format!("compliance-{year}.xlsx")).into_response())
}
