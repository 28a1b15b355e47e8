//! API resources: children (read), visits (list, create exactly once), pairings, activities
//! and quarterly reports (read).

use axum::Json;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde_json::json;

use super::auth::ApiCaller;
use super::db;
use super::error::ApiError;
use super::types::{
    ActivityOut, ChildSummary, PairingOut, PeriodQuery, RangeQuery, ReportOut, VisitIn, VisitOut,
    VisitsQuery,
};
use crate::audit;
use crate::auth::extract::Reach;
use crate::db::Tx;
use crate::domain::ids::{ChildId, PairingId};
use crate::domain::semester::{Quarter, day_start, today_in_china};
use crate::web::visits::forms::{VisitForm, validate};
use crate::web::{PathId, activities, pairings, reports, scope, visits, volunteers};

/// The children the caller may see, or one of them.
async fn summaries(
    tx: &mut Tx,
    caller: &ApiCaller,
    only: Option<ChildId>,
) -> Result<Vec<ChildSummary>, ApiError> {
    Ok(match caller.scope {
        Reach::Staff(scope) => db::staff_children(tx, caller.street, scope.filter(), only).await?,
        // A volunteer sees only what they need: no community, status or file details.
        Reach::Volunteer(v) => db::volunteer_children(tx, caller.street, v, only).await?,
    })
}

pub async fn list_children(caller: ApiCaller) -> Result<Json<Vec<ChildSummary>>, ApiError> {
    let mut tx = caller.tenant.begin().await?;
    let list = summaries(&mut tx, &caller, None).await?;
    tx.commit().await?;
    Ok(Json(list))
}

pub async fn get_child(
    caller: ApiCaller,
    PathId(id): PathId<ChildId>,
) -> Result<Json<ChildSummary>, ApiError> {
    let mut tx = caller.tenant.begin().await?;
    scope::child(&mut tx, caller.street, caller.scope, id).await?;
    let child = summaries(&mut tx, &caller, Some(id))
        .await?
        .pop()
        .ok_or_else(ApiError::not_found)?;
    audit::child_viewed(
        &mut tx,
        id,
        &caller.ip,
        json!({ "api": true, "token": caller.token }),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(child))
}

pub async fn list_visits(
    caller: ApiCaller,
    Query(q): Query<VisitsQuery>,
) -> Result<Json<Vec<VisitOut>>, ApiError> {
    let mut tx = caller.tenant.begin().await?;
    scope::child(&mut tx, caller.street, caller.scope, q.child_id).await?;
    // A volunteer lists their own visits; staff and tokens all of the child's.
    let author = matches!(caller.scope, Reach::Volunteer(_)).then_some(caller.user);
    // One query: the rows already hold everything a visit answer carries.
    let out: Vec<VisitOut> =
        visits::db::visits_of_child(&mut tx, caller.street, q.child_id, author)
            .await?
            .into_iter()
            .map(|v| VisitOut::of_child(q.child_id, v))
            .collect();
    // Visits carry notes, needs and mood scores: reading them is reading the child's file.
    audit::child_viewed(
        &mut tx,
        q.child_id,
        &caller.ip,
        json!({ "api": true, "token": caller.token, "part": "visits" }),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(out))
}

/// The visit form the pages would have sent for this visit: the API validates the same way.
fn as_form(input: &VisitIn) -> VisitForm {
    let score = |v: Option<i16>| v.map(|n| n.to_string()).unwrap_or_default();
    VisitForm {
        id: input.id.to_string(),
        child_id: input.child_id.to_string(),
        kind: input.kind.clone(),
        visited_on: input.visited_on.clone(),
        duration_minutes: input
            .duration_minutes
            .map(|d| d.to_string())
            .unwrap_or_default(),
        study: score(input.study),
        life: score(input.life),
        health: score(input.health),
        mood: score(input.mood),
        notes: input.notes.clone(),
        needs: input.needs.clone(),
        follow_up: input.follow_up.clone(),
        follow_up_due: input.follow_up_due.clone(),
        ..Default::default()
    }
}

/// Create a visit exactly once: the id is the idempotency key. The first answer is 201, later
/// ones 200, all with the same visit.
pub async fn create_visit(
    caller: ApiCaller,
    Json(input): Json<VisitIn>,
) -> Result<Response, ApiError> {
    if !caller.can_write {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "read_only",
            "This access token may only read.",
        ));
    }
    let mut tx = caller.tenant.begin().await?;
    // Already here? Then the answer is what is stored (if it is this caller's visit).
    if let Some((visit, author)) = db::visit(&mut tx, caller.street, input.id).await? {
        if author != caller.user || visit.child_id != input.child_id {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "id_taken",
                "Another visit has this id.",
            ));
        }
        tx.commit().await?;
        return Ok((StatusCode::OK, Json(visit)).into_response());
    }
    let form = as_form(&input);
    let day = NaiveDate::parse_from_str(&input.visited_on, "%Y-%m-%d").ok();
    let mut children = vec![input.child_id];
    for c in &input.also_for {
        if !children.contains(c) {
            children.push(*c);
        }
    }
    let mut covered: Vec<(ChildId, Option<PairingId>)> = Vec::with_capacity(children.len());
    for child in children {
        let pairing = match caller.scope {
            Reach::Volunteer(v) => {
                let row = db::latest_pairing(&mut tx, caller.street, child, v)
                    .await?
                    .ok_or_else(ApiError::not_found)?;
                if row.ended_on.is_some_and(|end| day.is_none_or(|d| d > end)) {
                    return Err(ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "pairing_ended",
                        "The pairing had ended before this visit's date.",
                    ));
                }
                scope::child(&mut tx, caller.street, caller.scope, child).await?;
                if day.is_some_and(|d| d < row.started_on) {
                    return Err(ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "before_pairing",
                        "The visit's date is before the pairing began.",
                    ));
                }
                Some(row.id)
            }
            Reach::Staff(_) => {
                scope::child(&mut tx, caller.street, caller.scope, child).await?;
                None
            }
        };
        covered.push((child, pairing));
    }
    let valid = validate(&form).map_err(|errors| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("Invalid fields: {}", errors.fields().join(", ")),
        )
    })?;
    let inserted = visits::db::write_visit(
        &mut tx,
        caller.street,
        caller.user,
        &caller.ip,
        &valid,
        &covered,
        true,
    )
    .await?;
    let (visit, _) = db::visit(&mut tx, caller.street, input.id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    tx.commit().await?;
    Ok((
        if inserted {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        Json(visit),
    )
        .into_response())
}

/// Pairings in scope: all of the caller's communities for staff, their own for a volunteer.
pub async fn list_pairings(caller: ApiCaller) -> Result<Json<Vec<PairingOut>>, ApiError> {
    let mut tx = caller.tenant.begin().await?;
    let (community, volunteer) = match caller.scope {
        Reach::Staff(scope) => (scope.filter(), None),
        Reach::Volunteer(v) => (None, Some(v)),
    };
    let rows = pairings::db::list(
        &mut tx,
        caller.street,
        community,
        volunteer,
        volunteer.is_some(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(rows.into_iter().map(PairingOut::from).collect()))
}

/// Activities of the caller's communities and of the whole street, between two dates
/// (default: the coming 60 days).
pub async fn list_activities(
    caller: ApiCaller,
    Query(q): Query<RangeQuery>,
) -> Result<Json<Vec<ActivityOut>>, ApiError> {
    let today = today_in_china();
    let from = q.from.unwrap_or(today);
    let to = q.to.unwrap_or(today + chrono::Duration::days(60));
    if to < from || (to - from).num_days() > 366 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_range",
            "Give a range of at most a year, from before to.",
        ));
    }
    let mut tx = caller.tenant.begin().await?;
    let community = match caller.scope {
        Reach::Staff(scope) => scope.filter(),
        Reach::Volunteer(v) => Some(volunteers::db::community_of(&mut tx, caller.street, v).await?),
    };
    let start = day_start(from);
    let end = day_start(to + chrono::Duration::days(1));
    let rows =
        activities::db::list(&mut tx, caller.street, community, None, start, end, None).await?;
    tx.commit().await?;
    Ok(Json(rows.into_iter().map(ActivityOut::from).collect()))
}

/// The quarterly reports of the caller's communities (staff and tokens; not volunteers).
pub async fn list_reports(
    caller: ApiCaller,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<Vec<ReportOut>>, ApiError> {
    let Reach::Staff(scope) = caller.scope else {
        return Err(ApiError::not_found());
    };
    let today = today_in_china();
    let quarter = match q.period.as_deref() {
        Some(p) => Quarter::parse(p).ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_period",
                "Give a period such as 2026-Q3.",
            )
        })?,
        None => Quarter::last_finished(today),
    };
    let mut tx = caller.tenant.begin().await?;
    let lines = reports::db::lines(&mut tx, caller.street, scope.filter(), quarter).await?;
    tx.commit().await?;
    let period = format!("{}-Q{}", quarter.year, quarter.number);
    Ok(Json(
        lines
            .into_iter()
            .map(|l| ReportOut {
                community_id: l.id,
                community: l.name,
                period: period.clone(),
                status: l.status,
                figures: l.figures,
            })
            .collect(),
    ))
}
