//! Recording who attended (tick many at once, walk-ins), and crediting a pairing's duty.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::db::{self as queries, ActivityRow, Attendee};
use super::view::activity_page;
use crate::audit;
use crate::auth::Staff;
use crate::auth::Tenant;
use crate::db::Tx;
use crate::domain::duties::Duty;
use crate::domain::ids::ActivityId;
use crate::error::Result;
use crate::web::PathId;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::forms::FieldErrors;
use crate::web::scope;

#[derive(Template, WebTemplate)]
#[template(path = "activities/attendance.html")]
pub struct AttendancePage {
    ctx: PageCtx,
    activity: ActivityRow,
    children: Vec<Attendee>,
    volunteers: Vec<Attendee>,
    q: String,
    saved: bool,
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
pub struct AttendanceQuery {
    #[serde(default)]
    q: String,
    saved: Option<String>,
}

fn matches(a: &Attendee, q: &str) -> bool {
    let q = q.trim();
    q.is_empty()
        || a.name.contains(q)
        || crate::domain::pinyin::initials(&a.name).starts_with(&q.to_lowercase())
}

async fn attendance_page(
    tx: &mut Tx,
    staff: &Staff,
    ctx: PageCtx,
    activity: ActivityRow,
    q: String,
    saved: bool,
    errors: FieldErrors,
) -> Result<AttendancePage> {
    let street = staff.user.street_id;
    let children = queries::child_attendees(tx, street, activity.id, activity.community_id)
        .await?
        .into_iter()
        .filter(|a| matches(a, &q))
        .collect();
    let volunteers = queries::volunteer_attendees(tx, street, activity.id, activity.community_id)
        .await?
        .into_iter()
        .filter(|a| matches(a, &q))
        .collect();
    Ok(AttendancePage {
        ctx,
        activity,
        children,
        volunteers,
        q,
        saved,
        errors,
    })
}

pub async fn attendance_form(
    tenant: Tenant,
    ctx: PageCtx,
    staff: Staff,
    PathId(id): PathId<Uuid>,
    Query(query): Query<AttendanceQuery>,
) -> Result<AttendancePage> {
    let mut tx = tenant.begin().await?;
    let activity = scope::managed_activity(&mut tx, &staff, ActivityId(id)).await?;
    let page = attendance_page(
        &mut tx,
        &staff,
        ctx,
        activity,
        query.q,
        query.saved.is_some(),
        FieldErrors::default(),
    )
    .await?;
    tx.commit().await?;
    Ok(page)
}

/// The ticks of one save. `shown_child_<id>` marks who was on the page (so people hidden by a
/// search keep their attendance); `child_<id>=on` marks who attended.
#[derive(Deserialize)]
pub struct AttendanceForm {
    #[serde(default)]
    q: String,
    #[serde(flatten)]
    fields: HashMap<String, String>,
}

fn ids(fields: &HashMap<String, String>, prefix: &str) -> Vec<Uuid> {
    fields
        .keys()
        .filter_map(|k| k.strip_prefix(prefix))
        .filter_map(|id| id.parse().ok())
        .collect()
}

pub async fn save_attendance(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<Uuid>,
    Form(form): Form<AttendanceForm>,
) -> Result<Response> {
    let user = &staff.user;
    let street = user.street_id;
    let mut tx = tenant.begin().await?;
    let activity = scope::managed_activity(&mut tx, &staff, ActivityId(id)).await?;
    // Only people the page could list may be ticked: the activity's community (or street).
    let allowed_children: Vec<Uuid> =
        queries::child_attendees(&mut tx, street, id, activity.community_id)
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect();
    let allowed_volunteers: Vec<Uuid> =
        queries::volunteer_attendees(&mut tx, street, id, activity.community_id)
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect();
    for (shown, ticked, allowed, column) in [
        (
            ids(&form.fields, "shown_child_"),
            ids(&form.fields, "child_"),
            &allowed_children,
            "child",
        ),
        (
            ids(&form.fields, "shown_volunteer_"),
            ids(&form.fields, "volunteer_"),
            &allowed_volunteers,
            "volunteer",
        ),
    ] {
        for person in shown.iter().filter(|p| allowed.contains(p)) {
            if ticked.contains(person) {
                sqlx::query(if column == "child" {
                    "INSERT INTO attendance (street_id, id, activity_id, child_id, recorded_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"
                } else {
                    "INSERT INTO attendance (street_id, id, activity_id, volunteer_id, recorded_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"
                })
                .bind(street.0)
                .bind(Uuid::now_v7())
                .bind(id)
                .bind(person)
                .bind(user.user_id.0)
                .execute(&mut *tx)
                .await?;
            } else {
                sqlx::query(if column == "child" {
                    "DELETE FROM attendance WHERE street_id = $1 AND activity_id = $2 AND child_id = $3"
                } else {
                    "DELETE FROM attendance WHERE street_id = $1 AND activity_id = $2 AND volunteer_id = $3"
                })
                .bind(street.0)
                .bind(id)
                .bind(person)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    audit::record(
        &mut tx,
        "attendance_recorded",
        "activity",
        Some(id),
        &rctx.ip.to_string(),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    let q =
        serde_urlencoded::to_string([("q", form.q.as_str()), ("saved", "1")]).unwrap_or_default();
    Ok(Redirect::to(&format!("/activities/{id}/attendance?{q}")).into_response())
}

#[derive(Deserialize)]
pub struct WalkInForm {
    #[serde(default)]
    name: String,
}

/// A child of the street who came without being expected: found by their exact name.
pub async fn add_walk_in(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<Uuid>,
    Form(form): Form<WalkInForm>,
) -> Result<Response> {
    let user = &staff.user;
    let street = user.street_id;
    let mut tx = tenant.begin().await?;
    let activity = scope::managed_activity(&mut tx, &staff, ActivityId(id)).await?;
    let name = form.name.trim();
    // A street admin may add any child of the street; community staff only their own community's
    // (they never see other communities' children).
    let found = sqlx::query_scalar!(
        "SELECT id FROM child WHERE street_id = $1 AND name = $2 AND status = 'active' AND ($3::uuid IS NULL OR community_id = $3)",
        street.0,
        name,
        staff.scope.filter()
    )
    .fetch_all(&mut *tx)
    .await?;
    let child = match found.as_slice() {
        [one] => *one,
        many => {
            let mut e = FieldErrors::default();
            e.add(
                "walk_in",
                if many.is_empty() {
                    "activity.error.walk_in_none"
                } else {
                    "activity.error.walk_in_many"
                },
            );
            let page = attendance_page(
                &mut tx,
                &staff,
                PageCtx::from(rctx),
                activity,
                String::new(),
                false,
                e,
            )
            .await?;
            tx.commit().await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    sqlx::query!(
        "INSERT INTO attendance (street_id, id, activity_id, child_id, recorded_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        street.0,
        Uuid::now_v7(),
        id,
        child,
        user.user_id.0
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        "attendance_walk_in",
        "child",
        Some(child),
        &rctx.ip.to_string(),
        json!({ "activity": id }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/activities/{id}/attendance?saved=1")).into_response())
}

#[derive(Deserialize)]
pub struct CreditForm {
    #[serde(default)]
    pairing_id: String,
    #[serde(default)]
    duty: String,
}

/// Credit one of a pairing's five duties to this activity (both of them attended).
pub async fn credit_duty(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<Uuid>,
    Form(form): Form<CreditForm>,
) -> Result<Response> {
    let user = &staff.user;
    let street = user.street_id;
    let mut tx = tenant.begin().await?;
    let activity = scope::managed_activity(&mut tx, &staff, ActivityId(id)).await?;
    let candidates = queries::credit_candidates(&mut tx, street, id).await?;
    let pairing = form
        .pairing_id
        .parse::<Uuid>()
        .ok()
        .filter(|p| candidates.iter().any(|c| c.pairing_id == *p));
    let duty = Duty::from_visit_kind(&form.duty);
    let (Some(pairing), Some(duty)) = (pairing, duty) else {
        let mut e = FieldErrors::default();
        e.add("credit", "activity.error.credit");
        let page = activity_page(&mut tx, &staff, PageCtx::from(rctx), activity, e).await?;
        tx.commit().await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    sqlx::query!(
        "INSERT INTO duty_credit (street_id, id, pairing_id, duty, activity_id, credited_by) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING",
        street.0,
        Uuid::now_v7(),
        pairing,
        duty as Duty,
        id,
        user.user_id.0
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        "duty_credited",
        "activity",
        Some(id),
        &rctx.ip.to_string(),
        json!({ "pairing": pairing, "duty": duty }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/activities/{id}#credits")).into_response())
}
