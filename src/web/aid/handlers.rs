//! Recording aid for one child or for everyone who attended an activity, and the totals.

use axum::Form;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use serde_json::json;

use super::db as queries;
use super::forms::{AidForm, YearQuery, validate};
use super::view::AidPage;
use crate::audit;
use crate::auth::{Staff, Tenant};
use crate::domain::ids::{ActivityId, ChildId};
use crate::domain::semester::today_in_china;
use crate::error::Result;
use crate::links;
use crate::web::activities::view::activity_page;
use crate::web::children::view::child_page;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::{PathId, scope};

pub async fn record_child_aid(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ChildId>,
    Form(form): Form<AidForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    let input = match validate(&form) {
        Ok(i) => i,
        Err(e) => {
            let page = child_page(&mut tx, &staff, PageCtx::from(rctx), child, e).await?;
            tx.commit().await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let aid = queries::insert(&mut tx, user.street_id, id, None, &input, user.user_id).await?;
    audit::record(
        &mut tx,
        "aid_recorded",
        "child",
        Some(id.0),
        &ip,
        json!({ "aid": aid, "fen": input.fen }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&links::visits::timeline(id)).into_response())
}

/// The same aid for every child recorded as attending the activity (a condolence visit).
pub async fn record_activity_aid(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ActivityId>,
    Form(form): Form<AidForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let activity = scope::managed_activity(&mut tx, &staff, id).await?;
    let children = queries::attending_children(&mut tx, user.street_id, id).await?;
    let input = match validate(&form) {
        Ok(i) if !children.is_empty() => i,
        result => {
            let mut e = result.err().unwrap_or_default();
            if children.is_empty() {
                e.add("aid_kind", "aid.error.no_attendance");
            }
            let page = activity_page(&mut tx, &staff, PageCtx::from(rctx), activity, e).await?;
            tx.commit().await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    for child in &children {
        let aid = queries::insert(
            &mut tx,
            user.street_id,
            *child,
            Some(id),
            &input,
            user.user_id,
        )
        .await?;
        audit::record(
            &mut tx,
            "aid_recorded",
            "child",
            Some(child.0),
            &ip,
            json!({ "aid": aid, "activity": id, "fen": input.fen }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&links::activities::activity_section(id, "aid")).into_response())
}

pub async fn aid_totals(
    tenant: Tenant,
    ctx: PageCtx,
    staff: Staff,
    Query(q): Query<YearQuery>,
) -> Result<AidPage> {
    let year = q
        .year
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| today_in_china().year());
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let totals = queries::totals(&mut tx, user.street_id, staff.scope.filter(), year).await?;
    tx.commit().await?;
    Ok(AidPage {
        ctx,
        year,
        total_fen: totals.iter().map(|t| t.fen).sum(),
        total_count: totals.iter().map(|t| t.count).sum(),
        totals,
    })
}
