//! The street's view: every community side by side for a quarter, the annual evaluation, and
//! the data-quality view.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use serde_json::json;
use uuid::Uuid;

use super::db::lines;
use super::db::{METRICS, rank, weights, weights_locked, weights_shown};
use super::forms::{WeightsForm, YearQuery};
use super::view::{EvaluationPage, QualityPage};
use crate::audit;
use crate::auth::Tenant;
use crate::auth::{Staff, StreetAdmin};
use crate::domain::semester::{Quarter, Semester, today_in_china};
use crate::error::{AppError, Result};
use crate::web::context::{PageCtx, RequestContext};
use crate::web::forms::FieldErrors;

pub async fn evaluation(
    tenant: Tenant,
    ctx: PageCtx,
    StreetAdmin(admin): StreetAdmin,
    Query(q): Query<YearQuery>,
) -> Result<EvaluationPage> {
    let year = q
        .year
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| chrono::Datelike::year(&today_in_china()));
    let mut tx = tenant.begin().await?;
    let weights = weights(&mut tx, admin.street_id).await?;
    let ranking = rank(&mut tx, admin.street_id, year, &weights).await?;
    tx.commit().await?;
    Ok(EvaluationPage::stored(ctx, year, weights, ranking))
}

/// Save the weights over the ones the form was opened with: a form opened before someone else
/// saved shows the conflict (409) with what was typed, and invalid input shows every error
/// beside its field (422); nothing is written then.
pub async fn save_weights(
    tenant: Tenant,
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    Form(form): Form<WeightsForm>,
) -> Result<Response> {
    let opened = form
        .fields
        .get("opened")
        .map(|o| o.trim().to_string())
        .ok_or(AppError::BadRequest)?;
    let mut e = FieldErrors::default();
    let mut map = serde_json::Map::new();
    for m in METRICS {
        match form
            .fields
            .get(m)
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|w| (0..=100).contains(w))
        {
            Some(w) => {
                map.insert(m.to_string(), json!(w));
            }
            None => e.add(m, "report.error.weight"),
        }
    }
    let mut tx = tenant.begin().await?;
    let stored = weights_locked(&mut tx, admin.street_id).await?;
    let conflict = weights_shown(&stored) != opened;
    if conflict || !e.is_empty() {
        let year = chrono::Datelike::year(&today_in_china());
        let ranking = rank(&mut tx, admin.street_id, year, &stored).await?;
        tx.commit().await?;
        let typed = METRICS
            .iter()
            .map(|m| (*m, form.fields.get(*m).cloned().unwrap_or_default()))
            .collect();
        let mut page = EvaluationPage::stored(PageCtx::from(rctx), year, stored, ranking);
        page.typed = typed;
        page.errors = e;
        page.conflict = conflict;
        let status = if conflict {
            StatusCode::CONFLICT
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return Ok((status, page).into_response());
    }
    sqlx::query!(
        "UPDATE street SET evaluation_weights = $2, version = version + 1 WHERE id = $1",
        admin.street_id.0,
        serde_json::Value::Object(map)
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        "evaluation_weights_changed",
        "street",
        Some(admin.street_id.0),
        &rctx.ip.to_string(),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::response::Redirect::to(crate::links::reports::EVALUATION).into_response())
}

pub async fn data_quality(tenant: Tenant, ctx: PageCtx, staff: Staff) -> Result<QualityPage> {
    let street = staff.user.street_id;
    let only = staff.scope.filter();
    let today = today_in_china();
    let semester_start = Semester::containing(today).start();
    let mut tx = tenant.begin().await?;
    let rows = sqlx::query!(
        r#"SELECT c.id, c.name, child_gaps(c, f.has_carer, f.has_parent_contact, f.has_consent) AS "missing!",
                  c.updated_at, c.verified_on
           FROM child c CROSS JOIN LATERAL child_file_facts(c.street_id, c.id) f
           WHERE c.street_id = $1 AND ($2::uuid IS NULL OR c.community_id = $2) AND c.status = 'active'
           ORDER BY c.name"#,
        street.0,
        only
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut missing: BTreeMap<String, Vec<(Uuid, String)>> = BTreeMap::new();
    let china = crate::domain::semester::china_offset();
    let mut not_updated = Vec::new();
    let mut unverified = Vec::new();
    for r in &rows {
        for m in &r.missing {
            missing
                .entry(m.clone())
                .or_default()
                .push((r.id, r.name.clone()));
        }
        if r.updated_at.with_timezone(&china).date_naive() < semester_start {
            not_updated.push((r.id, r.name.clone()));
        }
        if r.verified_on.is_none_or(|v| v < semester_start) {
            unverified.push((r.id, r.name.clone()));
        }
    }
    let inactive_before = today - Duration::days(crate::domain::duties::INACTIVE_DAYS);
    let inactive = crate::web::pairings::db::list(&mut tx, street, only, None, true)
        .await?
        .into_iter()
        .filter(|p| p.last_visit.unwrap_or(p.started_on) < inactive_before)
        .collect();
    // Reports of the last finished quarter not submitted by their deadline.
    let last = Quarter::last_finished(today);
    let late = lines(&mut tx, street, only, last)
        .await?
        .into_iter()
        .filter(|l| l.on_time == Some(false) && l.submitted_at.is_none())
        .map(|l| (l.name, last))
        .collect();
    tx.commit().await?;
    Ok(QualityPage {
        ctx,
        missing: missing.into_iter().collect(),
        not_updated,
        unverified,
        inactive,
        late,
    })
}
