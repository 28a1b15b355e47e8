//! API resources: children (read), visits (list, create exactly once), pairings, activities
//! and quarterly reports (read).

use axum::Json;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::auth::ApiCaller;
use super::db;
use super::error::ApiError;
use super::paging::{Page, Paging};
use super::types::{
    ActivityOut, ChildSummary, MAX_ALSO_FOR, PairingOut, PeriodQuery, RangeQuery, ReportOut,
    VisitIn, VisitOut, VisitsQuery,
};
use crate::audit;
use crate::auth::extract::Reach;
use crate::db::Tx;
use crate::domain::ids::{ChildId, PairingId, UserId};
use crate::domain::semester::{Quarter, day_start, today_in_china};
use crate::domain::visit::PairingSpan;
use crate::i18n::{Lang, catalog};
use crate::web::forms::FieldErrors;
use crate::web::visits::forms::{VisitForm, validate, within_pairings};
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

pub async fn list_children(
    caller: ApiCaller,
    paging: Paging,
) -> Result<Page<ChildSummary>, ApiError> {
    let mut tx = caller.tenant.begin().await?;
    let list = summaries(&mut tx, &caller, None).await?;
    tx.commit().await?;
    Ok(paging.page(list, |c| c.id.0))
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
    paging: Paging,
) -> Result<Page<VisitOut>, ApiError> {
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
    Ok(paging.page(out, |v| v.id.0))
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

/// A refused visit: one error with a code for the date's rule, else `invalid`, naming each
/// field with what is wrong in words.
fn refused(errors: FieldErrors) -> ApiError {
    let code = match errors.get("visited_on") {
        Some("visit.error.before_pairing") => "before_pairing",
        Some("visit.error.after_pairing") => "pairing_ended",
        Some("visit.error.date_future" | "visit.error.too_old") => "date_out_of_range",
        _ => "invalid",
    };
    let words = catalog(Lang::En);
    let fields: Vec<String> = errors
        .fields()
        .into_iter()
        .map(|f| format!("{f}: {}", errors.get(f).map(|k| words.t(k)).unwrap_or("")))
        .collect();
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        code,
        format!("Invalid fields: {}", fields.join("; ")),
    )
}

/// The stored visit under a request's id answers it only when it is the same visit: the same
/// author and the same child. Anything else is another visit that has this id.
fn as_stored(
    caller: &ApiCaller,
    input: &VisitIn,
    (visit, author): (VisitOut, UserId),
) -> Result<VisitOut, ApiError> {
    if author != caller.user || visit.child_id != input.child_id {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "id_taken",
            "Another visit has this id.",
        ));
    }
    Ok(visit)
}

/// Create a visit exactly once: the id is the idempotency key. The first answer is 201, later
/// ones 200, all with the same visit; a request for another child under a stored id is 409,
/// also when it races the one that stored it.
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
    if input.also_for.len() > MAX_ALSO_FOR {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("A visit may also cover at most {MAX_ALSO_FOR} other children."),
        ));
    }
    let mut tx = caller.tenant.begin().await?;
    if let Some(stored) = db::visit(&mut tx, caller.street, input.id).await? {
        let visit = as_stored(&caller, &input, stored)?;
        tx.commit().await?;
        return Ok((StatusCode::OK, Json(visit)).into_response());
    }
    let mut children = vec![input.child_id];
    for c in &input.also_for {
        if !children.contains(c) {
            children.push(*c);
        }
    }
    let mut covered: Vec<(ChildId, Option<PairingId>)> = Vec::with_capacity(children.len());
    let mut spans = Vec::new();
    for child in children {
        let pairing = match caller.scope {
            Reach::Volunteer(v) => {
                let row = db::latest_pairing(&mut tx, caller.street, child, v)
                    .await?
                    .ok_or_else(ApiError::not_found)?;
                spans.push(PairingSpan {
                    started_on: row.started_on,
                    ended_on: row.ended_on,
                });
                Some(row.id)
            }
            Reach::Staff(_) => None,
        };
        covered.push((child, pairing));
    }
    // The volunteer's pairing may have ended: its dates say why before scope says 404.
    let valid = within_pairings(validate(&as_form(&input)), spans).map_err(refused)?;
    for (child, _) in &covered {
        scope::child(&mut tx, caller.street, caller.scope, *child).await?;
    }
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
    // Not inserted: a request with this id committed first. It answers only if it is this visit.
    let stored = db::visit(&mut tx, caller.street, input.id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let visit = as_stored(&caller, &input, stored)?;
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
pub async fn list_pairings(
    caller: ApiCaller,
    paging: Paging,
) -> Result<Page<PairingOut>, ApiError> {
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
    Ok(paging.page(rows.into_iter().map(PairingOut::from).collect(), |p| p.id.0))
}

/// Activities of the caller's communities and of the whole street, between two dates
/// (default: the coming 60 days; a range that ends before it starts holds nothing).
pub async fn list_activities(
    caller: ApiCaller,
    Query(q): Query<RangeQuery>,
    paging: Paging,
) -> Result<Page<ActivityOut>, ApiError> {
    let today = today_in_china();
    let from = q.from.unwrap_or(today);
    let to = q.to.unwrap_or(today + chrono::Duration::days(60));
    if to < from {
        return Ok(paging.page(Vec::new(), |a: &ActivityOut| a.id.0));
    }
    let mut tx = caller.tenant.begin().await?;
    let community = match caller.scope {
        Reach::Staff(scope) => scope.filter(),
        Reach::Volunteer(v) => Some(volunteers::db::community_of(&mut tx, caller.street, v).await?),
    };
    let start = day_start(from);
    let end = day_start(to.succ_opt().unwrap_or(to));
    let rows =
        activities::db::list(&mut tx, caller.street, community, None, start, end, None).await?;
    tx.commit().await?;
    Ok(
        paging.page(rows.into_iter().map(ActivityOut::from).collect(), |a| {
            a.id.0
        }),
    )
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
