//! The volunteer's phone pages: a paired child's card, the visit form, hours. Light pages,
//! large tap targets, only what a volunteer needs (never ID numbers or sensitive notes).

use axum::Form;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::db::write_visit;
use super::forms::{CreditForm, SavedQuery, VisitForm, validate, within_pairings};
use super::view::{HoursPage, child_card_page, phone_visit_page};
use crate::audit;
use crate::auth::{Tenant, VolunteerUser};
use crate::db::Tx;
use crate::domain::ids::{ActivityId, ChildId, PairingId};
use crate::domain::semester::today_in_china;
use crate::domain::visit::PairingSpan;
use crate::error::{AppError, Result};
use crate::links;
use crate::web::context::{PageCtx, RequestContext, offline_page};
use crate::web::forms::FieldErrors;
use crate::web::{PathId, activities, scope, volunteers};

/// A volunteer's view of a child (the card, or a form naming the child), on record. The home
/// page keeps these pages on the phone for use without a signal: a copy, recorded as such.
async fn record_view(
    tx: &mut Tx,
    child: ChildId,
    ip: &str,
    headers: &HeaderMap,
    form: Option<&str>,
) -> Result<()> {
    let mut detail = json!({ "role": "volunteer" });
    if let Some(form) = form {
        detail["form"] = json!(form);
    }
    if headers.contains_key("x-shouhu-prefetch") {
        detail["kept_offline"] = json!(true);
    }
    audit::child_viewed(tx, child, ip, detail).await?;
    Ok(())
}

pub async fn child_card(
    tenant: Tenant,
    rctx: RequestContext,
    volunteer: VolunteerUser,
    PathId(child): PathId<ChildId>,
    Query(q): Query<SavedQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let mut tx = tenant.begin_keyed().await?;
    let pairing = scope::pairing_with(
        &mut tx,
        volunteer.user.street_id,
        volunteer.volunteer_id,
        child,
    )
    .await?;
    let page = child_card_page(
        &mut tx,
        &volunteer,
        PageCtx::from(rctx),
        child,
        &pairing,
        q.saved.is_some(),
        None,
    )
    .await?;
    // Last: the audit chain's lock is held from here to the commit (see children::child_page).
    record_view(&mut tx, child, &ip, &headers, None).await?;
    tx.commit().await?;
    Ok(offline_page(page))
}

pub async fn visit_form(
    tenant: Tenant,
    rctx: RequestContext,
    volunteer: VolunteerUser,
    PathId(child): PathId<ChildId>,
    headers: HeaderMap,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let mut tx = tenant.begin_keyed().await?;
    scope::pairing_with(
        &mut tx,
        volunteer.user.street_id,
        volunteer.volunteer_id,
        child,
    )
    .await?;
    let page = phone_visit_page(
        &mut tx,
        &volunteer,
        PageCtx::from(rctx),
        child,
        VisitForm::blank(child, today_in_china()),
        FieldErrors::default(),
    )
    .await?;
    // The form names the child (and the siblings it may also cover): a read of the file.
    record_view(&mut tx, child, &ip, &headers, Some("visit")).await?;
    tx.commit().await?;
    Ok(offline_page(page))
}

pub async fn log_visit(
    tenant: Tenant,
    rctx: RequestContext,
    volunteer: VolunteerUser,
    Form(form): Form<VisitForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &volunteer.user;
    let child = form.child().ok_or(AppError::NotFound)?;
    let mut tx = tenant.begin().await?;
    let pairing = scope::pairing_with(
        &mut tx,
        volunteer.user.street_id,
        volunteer.volunteer_id,
        child,
    )
    .await?;
    // Every sibling must be one of this volunteer's children too.
    let mut covered = vec![(child, pairing)];
    for sibling in form.siblings() {
        if sibling != child {
            let p = scope::pairing_with(
                &mut tx,
                volunteer.user.street_id,
                volunteer.volunteer_id,
                sibling,
            )
            .await?;
            covered.push((sibling, p));
        }
    }
    let input = within_pairings(
        validate(&form),
        covered.iter().map(|(_, p)| PairingSpan {
            started_on: p.started_on,
            ended_on: None,
        }),
    );
    let input = match input {
        Ok(v) => v,
        Err(errors) => {
            let page = phone_visit_page(
                &mut tx,
                &volunteer,
                PageCtx::from(rctx),
                child,
                form,
                errors,
            )
            .await?;
            tx.commit().await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let covered: Vec<(ChildId, Option<PairingId>)> = covered
        .iter()
        .map(|(c, p)| (*c, Some(PairingId::from(p.id))))
        .collect();
    write_visit(
        &mut tx,
        user.street_id,
        user.user_id,
        &ip,
        &input,
        &covered,
        false,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&links::visits::card_saved(child)).into_response())
}

/// The volunteer credits an activity to one of their pairing's duties, with the checks staff
/// have: the pairing is active, both attended the activity, the duty is one of the five.
pub async fn credit_duty(
    tenant: Tenant,
    rctx: RequestContext,
    volunteer: VolunteerUser,
    PathId(child): PathId<ChildId>,
    Form(form): Form<CreditForm>,
) -> Result<Response> {
    let user = &volunteer.user;
    let street = user.street_id;
    let mut tx = tenant.begin().await?;
    let pairing = scope::pairing_with(&mut tx, street, volunteer.volunteer_id, child).await?;
    let pairing_id = PairingId::from(pairing.id);
    let credit = match form.activity_id.parse::<ActivityId>() {
        Ok(activity) => {
            activities::db::allowed_credit(&mut tx, street, activity, pairing_id, &form.duty)
                .await?
                .map(|duty| (activity, duty))
        }
        Err(_) => None,
    };
    let Some((activity, duty)) = credit else {
        let page = child_card_page(
            &mut tx,
            &volunteer,
            PageCtx::from(rctx),
            child,
            &pairing,
            false,
            Some("activity.error.credit"),
        )
        .await?;
        tx.commit().await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    activities::db::credit_duty(&mut tx, street, activity, pairing_id, duty, user.user_id).await?;
    audit::record(
        &mut tx,
        "duty_credited",
        "activity",
        Some(activity.0),
        &rctx.ip.to_string(),
        json!({ "pairing": pairing_id, "duty": duty, "by": "volunteer" }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&links::visits::card(child)).into_response())
}

pub async fn my_hours(tenant: Tenant, ctx: PageCtx, volunteer: VolunteerUser) -> Result<Response> {
    let user = &volunteer.user;
    let mut tx = tenant.begin_keyed().await?;
    let hours =
        volunteers::db::hours_by_month(&mut tx, user.street_id, volunteer.volunteer_id).await?;
    tx.commit().await?;
    Ok(offline_page(HoursPage { ctx, hours }))
}
