//! Recording who attended (tick many at once, walk-ins), and crediting a pairing's duty.

use axum::Form;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use uuid::Uuid;

use super::db::{self as queries, Attender};
use super::forms::{AttendanceForm, AttendanceQuery, CreditForm, WalkInForm};
use super::view::{AttendancePage, activity_page, attendance_page};
use crate::audit;
use crate::auth::{Staff, Tenant};
use crate::domain::ids::{ActivityId, PairingId};
use crate::error::Result;
use crate::links;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::forms::FieldErrors;
use crate::web::{PathId, scope};

pub async fn attendance_form(
    tenant: Tenant,
    ctx: PageCtx,
    staff: Staff,
    PathId(id): PathId<ActivityId>,
    Query(query): Query<AttendanceQuery>,
) -> Result<AttendancePage> {
    let mut tx = tenant.begin().await?;
    let activity = scope::managed_activity(&mut tx, &staff, id).await?;
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

pub async fn save_attendance(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ActivityId>,
    Form(form): Form<AttendanceForm>,
) -> Result<Response> {
    let user = &staff.user;
    let street = user.street_id;
    let mut tx = tenant.begin().await?;
    let activity = scope::managed_activity(&mut tx, &staff, id).await?;
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
    for (shown, ticked, allowed, who) in [
        (
            form.ids("shown_child_"),
            form.ids("child_"),
            &allowed_children,
            Attender::Child,
        ),
        (
            form.ids("shown_volunteer_"),
            form.ids("volunteer_"),
            &allowed_volunteers,
            Attender::Volunteer,
        ),
    ] {
        for person in shown.iter().filter(|p| allowed.contains(p)) {
            let attended = ticked.contains(person);
            queries::set_attended(&mut tx, street, id, who, *person, attended, user.user_id)
                .await?;
        }
    }
    audit::record(
        &mut tx,
        "attendance_recorded",
        "activity",
        Some(id.0),
        &rctx.ip.to_string(),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    let q =
        serde_urlencoded::to_string([("q", form.q.as_str()), ("saved", "1")]).unwrap_or_default();
    Ok(Redirect::to(&links::activities::attendance_with(id, &q)).into_response())
}

/// A child of the street who came without being expected: found by their exact name.
pub async fn add_walk_in(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ActivityId>,
    Form(form): Form<WalkInForm>,
) -> Result<Response> {
    let user = &staff.user;
    let street = user.street_id;
    let mut tx = tenant.begin().await?;
    let activity = scope::managed_activity(&mut tx, &staff, id).await?;
    let name = form.name.trim();
    // A street admin may add any child of the street; community staff only their own community's
    // (they never see other communities' children).
    let found = queries::children_named(&mut tx, street, name, staff.scope.filter()).await?;
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
    queries::add_walk_in(&mut tx, street, id, child, user.user_id).await?;
    audit::record(
        &mut tx,
        "attendance_walk_in",
        "child",
        Some(child.0),
        &rctx.ip.to_string(),
        json!({ "activity": id }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&links::activities::attendance_with(id, "saved=1")).into_response())
}

/// Credit one of a pairing's five duties to this activity (both of them attended).
pub async fn credit_duty(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ActivityId>,
    Form(form): Form<CreditForm>,
) -> Result<Response> {
    let user = &staff.user;
    let street = user.street_id;
    let mut tx = tenant.begin().await?;
    let activity = scope::managed_activity(&mut tx, &staff, id).await?;
    let credit = match form.pairing_id.parse::<PairingId>() {
        Ok(pairing) => queries::allowed_credit(&mut tx, street, id, pairing, &form.duty)
            .await?
            .map(|duty| (pairing, duty)),
        Err(_) => None,
    };
    let Some((pairing, duty)) = credit else {
        let mut e = FieldErrors::default();
        e.add("credit", "activity.error.credit");
        let page = activity_page(&mut tx, &staff, PageCtx::from(rctx), activity, e).await?;
        tx.commit().await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    queries::credit_duty(&mut tx, street, id, pairing, duty, user.user_id).await?;
    audit::record(
        &mut tx,
        "duty_credited",
        "activity",
        Some(id.0),
        &rctx.ip.to_string(),
        json!({ "pairing": pairing, "duty": duty }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&links::activities::activity_section(id, "credits")).into_response())
}
