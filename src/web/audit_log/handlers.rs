//! The audit page and its export (which is itself audited).

use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::db;
use super::forms::{ACTIONS, AuditQuery};
use super::view::{AuditPage, workbook};
use crate::audit::{self, first_broken_link};
use crate::auth::StreetAdmin;
use crate::auth::Tenant;
use crate::error::{AppError, Result};
use crate::web::context::{PageCtx, RequestContext};
use crate::web::xlsx::xlsx;

pub const PAGE_SIZE: i64 = 50;

pub async fn audit_page(
    tenant: Tenant,
    ctx: PageCtx,
    StreetAdmin(admin): StreetAdmin,
    Query(query): Query<AuditQuery>,
) -> Result<Response> {
    let (filters, errors) = query.filters();
    let mut tx = tenant.begin().await?;
    let broken = first_broken_link(&mut tx).await?;
    let events = db::event_count(&mut tx, admin.street_id).await?;
    let (rows, total) = if errors.is_empty() {
        let total = db::count(&mut tx, admin.street_id, &filters).await?;
        let offset = (query.page() - 1) * PAGE_SIZE;
        (
            db::rows(&mut tx, admin.street_id, &filters, PAGE_SIZE, offset).await?,
            total,
        )
    } else {
        (Vec::new(), 0)
    };
    let users = db::users(&mut tx, admin.street_id).await?;
    tx.commit().await?;
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = AuditPage {
        ctx,
        page: query.page(),
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        query,
        errors,
        rows,
        total,
        users,
        actions: ACTIONS,
        broken,
        events,
    };
    Ok((status, page).into_response())
}

/// At most this many events in one export; narrower filters for more.
pub const EXPORT_LIMIT: i64 = 100_000;

pub async fn export_audit(
    tenant: Tenant,
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    Query(query): Query<AuditQuery>,
) -> Result<Response> {
    let (filters, errors) = query.filters();
    if !errors.is_empty() {
        return Err(AppError::BadRequest);
    }
    let mut tx = tenant.begin().await?;
    let rows = db::rows(&mut tx, admin.street_id, &filters, EXPORT_LIMIT, 0).await?;
    audit::record(
        &mut tx,
        "audit_exported",
        "street",
        Some(admin.street_id.0),
        &rctx.ip.to_string(),
        json!({ "rows": rows.len(), "filters": query.filter_query() }),
    )
    .await?;
    tx.commit().await?;
    let t = crate::i18n::catalog(rctx.lang);
    let bytes = workbook(&rows, rctx.lang, |k| t.t(k).to_string()).map_err(AppError::internal)?;
    Ok(xlsx(bytes, "audit.xlsx"))
}
