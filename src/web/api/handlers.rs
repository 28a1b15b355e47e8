//! API resources: children (read), visits (list, create exactly once).

use axum::Json;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::ApiError;
use super::auth::ApiCaller;
use crate::audit;
use crate::auth::extract::Reach;
use crate::db::Tx;
use crate::domain::ids::ChildId;
use crate::domain::semester::Quarter;
use crate::web::{PathId, scope};

#[derive(Serialize)]
pub struct ChildSummary {
    id: Uuid,
    name: String,
    grade: String,
    school: String,
    /// Staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    community: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    complete: Option<bool>,
}

async fn summaries(
    tx: &mut Tx,
    caller: &ApiCaller,
    only: Option<Uuid>,
) -> Result<Vec<ChildSummary>, ApiError> {
    Ok(match caller.scope {
        Reach::Staff(scope) => sqlx::query!(
            r#"SELECT c.id, c.name, c.grade, c.school, m.name AS community, c.status::text AS "status!",
                      cardinality(child_gaps(c, f.has_carer, f.has_parent_contact, f.has_consent)) = 0 AS "complete!"
               FROM child c JOIN community m ON m.street_id = c.street_id AND m.id = c.community_id
               CROSS JOIN LATERAL child_file_facts(c.street_id, c.id) f
               WHERE c.street_id = $1 AND ($2::uuid IS NULL OR c.community_id = $2) AND ($3::uuid IS NULL OR c.id = $3)
               ORDER BY m.name, c.name"#,
            caller.street.0,
            scope.filter(),
            only
        )
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|r| ChildSummary { id: r.id, name: r.name, grade: r.grade, school: r.school, community: Some(r.community), status: Some(r.status), complete: Some(r.complete) })
        .collect(),
        // A volunteer sees only what they need: no community, status or file details.
        Reach::Volunteer(v) => sqlx::query!(
            "SELECT c.id, c.name, c.grade, c.school FROM pairing p JOIN child c ON c.street_id = p.street_id AND c.id = p.child_id
             WHERE p.street_id = $1 AND p.volunteer_id = $2 AND p.ended_on IS NULL AND c.status = 'active'
               AND ($3::uuid IS NULL OR c.id = $3)
             ORDER BY c.name",
            caller.street.0,
            v.0,
            only
        )
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|r| ChildSummary { id: r.id, name: r.name, grade: r.grade, school: r.school, community: None, status: None, complete: None })
        .collect(),
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
    scope::child(&mut tx, caller.street, caller.scope, ChildId::from(id.0)).await?;
    let child = summaries(&mut tx, &caller, Some(id.0))
        .await?
        .pop()
        .ok_or_else(ApiError::not_found)?;
    audit::record(
        &mut tx,
        "child_viewed",
        "child",
        Some(id.0),
        &caller.ip,
        json!({ "api": true, "token": caller.token }),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(child))
}

#[derive(Serialize, Clone, PartialEq, Debug)]
pub struct VisitOut {
    id: Uuid,
    child_id: Uuid,
    kind: String,
    visited_on: NaiveDate,
    duration_minutes: i32,
    study: Option<i16>,
    life: Option<i16>,
    health: Option<i16>,
    mood: Option<i16>,
    notes: String,
    needs: String,
}

async fn visit_out(
    tx: &mut Tx,
    caller: &ApiCaller,
    id: Uuid,
) -> Result<Option<(VisitOut, Uuid)>, ApiError> {
    let row = sqlx::query!(
        r#"SELECT id, child_id, kind::text AS "kind!", visited_on, duration_minutes, study_score, life_score, health_score, mood_score,
                  notes, needs, author_id FROM visit WHERE street_id = $1 AND id = $2"#,
        caller.street.0,
        id
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| {
        (
            VisitOut {
                id: r.id,
                child_id: r.child_id,
                kind: r.kind,
                visited_on: r.visited_on,
                duration_minutes: r.duration_minutes,
                study: r.study_score,
                life: r.life_score,
                health: r.health_score,
                mood: r.mood_score,
                notes: r.notes,
                needs: r.needs,
            },
            r.author_id,
        )
    }))
}

#[derive(Deserialize)]
pub struct VisitsQuery {
    child_id: Uuid,
}

pub async fn list_visits(
    caller: ApiCaller,
    Query(q): Query<VisitsQuery>,
) -> Result<Json<Vec<VisitOut>>, ApiError> {
    let mut tx = caller.tenant.begin().await?;
    scope::child(
        &mut tx,
        caller.street,
        caller.scope,
        ChildId::from(q.child_id),
    )
    .await?;
    // A volunteer lists their own visits; staff and tokens all of the child's.
    let author = matches!(caller.scope, Reach::Volunteer(_)).then_some(caller.user);
    // One query: the rows already hold everything a visit answer carries.
    let out: Vec<VisitOut> =
        crate::web::visits::db::visits_of_child(&mut tx, caller.street, q.child_id, author)
            .await?
            .into_iter()
            .map(|v| VisitOut {
                id: v.id,
                child_id: q.child_id,
                kind: v.kind,
                visited_on: v.visited_on,
                duration_minutes: v.duration_minutes,
                study: v.scores[0],
                life: v.scores[1],
                health: v.scores[2],
                mood: v.scores[3],
                notes: v.notes,
                needs: v.needs,
            })
            .collect();
    // Visits carry notes, needs and mood scores: reading them is reading the child's file.
    audit::record(
        &mut tx,
        "child_viewed",
        "child",
        Some(q.child_id),
        &caller.ip,
        json!({ "api": true, "token": caller.token, "part": "visits" }),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(out))
}

#[derive(Deserialize)]
pub struct VisitIn {
    /// Made by the client (a UUID): the same visit sent again is the same visit.
    id: Uuid,
    child_id: Uuid,
    kind: String,
    visited_on: String,
    #[serde(default)]
    duration_minutes: Option<i32>,
    study: Option<i16>,
    life: Option<i16>,
    health: Option<i16>,
    mood: Option<i16>,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    needs: String,
    /// Something to follow up, and by when (both or neither).
    #[serde(default)]
    follow_up: String,
    #[serde(default)]
    follow_up_due: String,
    /// Other children of the same caller the same visit covered (siblings visited together).
    #[serde(default)]
    also_for: Vec<Uuid>,
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
    if let Some((visit, author)) = visit_out(&mut tx, &caller, input.id).await? {
        if author != caller.user.0 || visit.child_id != input.child_id {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "id_taken",
                "Another visit has this id.",
            ));
        }
        tx.commit().await?;
        return Ok((StatusCode::OK, Json(visit)).into_response());
    }
    let score = |v: Option<i16>| v.map(|n| n.to_string()).unwrap_or_default();
    let form = crate::web::visits::forms::VisitForm {
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
    };
    let day = NaiveDate::parse_from_str(&input.visited_on, "%Y-%m-%d").ok();
    let mut children = vec![input.child_id];
    for c in &input.also_for {
        if !children.contains(c) {
            children.push(*c);
        }
    }
    let mut covered = Vec::with_capacity(children.len());
    for child in children {
        let pairing = match caller.scope {
            Reach::Volunteer(v) => {
                let row = sqlx::query!(
                    "SELECT id, started_on, ended_on FROM pairing WHERE street_id = $1 AND child_id = $2 AND volunteer_id = $3
                     ORDER BY started_on DESC LIMIT 1",
                    caller.street.0,
                    child,
                    v.0
                )
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(ApiError::not_found)?;
                if row.ended_on.is_some_and(|end| day.is_none_or(|d| d > end)) {
                    return Err(ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "pairing_ended",
                        "The pairing had ended before this visit's date.",
                    ));
                }
                scope::child(&mut tx, caller.street, caller.scope, ChildId::from(child)).await?;
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
                scope::child(&mut tx, caller.street, caller.scope, ChildId::from(child)).await?;
                None
            }
        };
        covered.push((child, pairing));
    }
    let valid = crate::web::visits::forms::validate(&form).map_err(|errors| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("Invalid fields: {}", errors.fields().join(", ")),
        )
    })?;
    let inserted = crate::web::visits::db::write_visit(
        &mut tx,
        caller.street,
        caller.user,
        &caller.ip,
        &valid,
        &covered,
        true,
    )
    .await?;
    let (visit, _) = visit_out(&mut tx, &caller, input.id)
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

#[derive(Serialize)]
pub struct PairingOut {
    id: Uuid,
    child_id: Uuid,
    child_name: String,
    volunteer_name: String,
    community: String,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
}

/// Pairings in scope: all of the caller's communities for staff, their own for a volunteer.
pub async fn list_pairings(caller: ApiCaller) -> Result<Json<Vec<PairingOut>>, ApiError> {
    let mut tx = caller.tenant.begin().await?;
    let (community, volunteer) = match caller.scope {
        Reach::Staff(scope) => (scope.filter(), None),
        Reach::Volunteer(v) => (None, Some(v.0)),
    };
    let rows = crate::web::pairings::db::list(
        &mut tx,
        caller.street,
        community,
        volunteer,
        volunteer.is_some(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(
        rows.into_iter()
            .map(|p| PairingOut {
                id: p.id,
                child_id: p.child_id,
                child_name: p.child_name,
                volunteer_name: p.volunteer_name,
                community: p.community_name,
                started_on: p.started_on,
                ended_on: p.ended_on,
            })
            .collect(),
    ))
}

#[derive(Serialize)]
pub struct ActivityOut {
    id: Uuid,
    title: String,
    kind: String,
    starts_at: chrono::DateTime<chrono::Utc>,
    ends_at: chrono::DateTime<chrono::Utc>,
    place: String,
    community: Option<String>,
    status: String,
    person_times: i64,
}

#[derive(Deserialize)]
pub struct RangeQuery {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

/// Activities of the caller's communities and of the whole street, between two dates
/// (default: the coming 60 days).
pub async fn list_activities(
    caller: ApiCaller,
    Query(q): Query<RangeQuery>,
) -> Result<Json<Vec<ActivityOut>>, ApiError> {
    let today = crate::domain::semester::today_in_china();
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
        Reach::Volunteer(v) => Some(
            sqlx::query_scalar!(
                "SELECT community_id FROM volunteer WHERE street_id = $1 AND id = $2",
                caller.street.0,
                v.0
            )
            .fetch_one(&mut *tx)
            .await?,
        ),
    };
    let start = crate::domain::semester::day_start(from);
    let end = crate::domain::semester::day_start(to + chrono::Duration::days(1));
    let rows =
        crate::web::activities::db::list(&mut tx, caller.street, community, None, start, end, None)
            .await?;
    tx.commit().await?;
    Ok(Json(
        rows.into_iter()
            .map(|a| ActivityOut {
                person_times: a.person_times(),
                id: a.id.0,
                title: a.title,
                kind: a.kind,
                starts_at: a.starts_at,
                ends_at: a.ends_at,
                place: a.place,
                community: a.community_name,
                status: a.status,
            })
            .collect(),
    ))
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    period: Option<String>,
}

#[derive(Serialize)]
pub struct ReportOut {
    community_id: Uuid,
    community: String,
    period: String,
    status: String,
    figures: crate::web::reports::figures::Figures,
}

/// The quarterly reports of the caller's communities (staff and tokens; not volunteers).
pub async fn list_reports(
    caller: ApiCaller,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<Vec<ReportOut>>, ApiError> {
    let Reach::Staff(scope) = caller.scope else {
        return Err(ApiError::not_found());
    };
    let today = crate::domain::semester::today_in_china();
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
    let lines =
        crate::web::reports::db::lines(&mut tx, caller.street, scope.filter(), quarter).await?;
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
