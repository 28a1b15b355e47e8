//! Activities: the month view, creating and editing one, cancelling it, and its summary.

use axum::Form;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::db as queries;
use super::forms::{ActivityForm, ListQuery, SummaryForm, organiser, validate};
use super::view::{
    ActivitiesPage, ActivityFormPage, ActivityPage, activities_page, activity_page, form_page,
};
use crate::audit;
use crate::auth::{Staff, Tenant};
use crate::domain::ids::ActivityId;
use crate::domain::semester::today_in_china;
use crate::error::Result;
use crate::links;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::edit::{self, EditPage, Edited};
use crate::web::forms::{FieldErrors, optional_text};
use crate::web::{PathId, scope};

pub async fn list_activities(
    tenant: Tenant,
    ctx: PageCtx,
    staff: Staff,
    Query(query): Query<ListQuery>,
) -> Result<ActivitiesPage> {
    let mut tx = tenant.begin().await?;
    let page = activities_page(&mut tx, &staff, ctx, query).await?;
    tx.commit().await?;
    Ok(page)
}

pub async fn new_activity_form(
    tenant: Tenant,
    ctx: PageCtx,
    staff: Staff,
) -> Result<ActivityFormPage> {
    let mut tx = tenant.begin().await?;
    let form = ActivityForm {
        community_id: staff
            .scope
            .filter()
            .map(|c| c.to_string())
            .unwrap_or_default(),
        date: today_in_china().to_string(),
        start_time: "09:00".into(),
        end_time: "11:00".into(),
        for_children: Some("on".into()),
        ..Default::default()
    };
    let page = form_page(&mut tx, &staff, ctx, None, form).await?;
    tx.commit().await?;
    Ok(page)
}

pub async fn create_activity(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    Form(form): Form<ActivityForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let mut page = form_page(&mut tx, &staff, PageCtx::from(rctx), None, form.clone()).await?;
    let community = organiser(&staff, &form, &page.communities);
    let result = validate(&form, community.ok().flatten());
    match (community, result) {
        (Ok(_), Ok(fields)) => {
            let id = ActivityId::new();
            queries::insert(&mut tx, user.street_id, id, &fields, user.user_id).await?;
            audit::record(
                &mut tx,
                "activity_created",
                "activity",
                Some(id.0),
                &ip,
                json!({}),
            )
            .await?;
            tx.commit().await?;
            Ok(Redirect::to(&links::activities::activity(id)).into_response())
        }
        (community, result) => {
            let mut errors = result.err().unwrap_or_default();
            if community.is_err() {
                errors.add("community_id", "form.error.required");
            }
            tx.commit().await?;
            page.show_errors(errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

pub async fn show_activity(
    tenant: Tenant,
    ctx: PageCtx,
    staff: Staff,
    PathId(id): PathId<ActivityId>,
) -> Result<ActivityPage> {
    let mut tx = tenant.begin().await?;
    let activity = scope::activity(&mut tx, &staff, id).await?;
    let page = activity_page(&mut tx, &staff, ctx, activity, FieldErrors::default()).await?;
    tx.commit().await?;
    Ok(page)
}

pub async fn edit_activity_form(
    tenant: Tenant,
    ctx: PageCtx,
    staff: Staff,
    PathId(id): PathId<ActivityId>,
) -> Result<ActivityFormPage> {
    let mut tx = tenant.begin().await?;
    let activity = scope::managed_activity(&mut tx, &staff, id).await?;
    let form = ActivityForm::from_row(&activity);
    let page = form_page(&mut tx, &staff, ctx, Some(activity), form).await?;
    tx.commit().await?;
    Ok(page)
}

pub async fn update_activity(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ActivityId>,
    Form(form): Form<ActivityForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let activity = scope::managed_activity(&mut tx, &staff, id).await?;
    let sent = edit::sent_version(&form.version)?;
    let page = form_page(
        &mut tx,
        &staff,
        PageCtx::from(rctx),
        Some(activity.clone()),
        form.clone(),
    )
    .await?;
    let valid = validate(&form, activity.community_id.map(Into::into));
    let street = user.street_id;
    let mut tx = match edit::save(
        tx,
        page,
        sent,
        activity.version,
        activity.version,
        valid,
        |tx, version, fields| {
            Box::pin(async move { Ok(queries::update(tx, street, id, version, fields).await?) })
        },
    )
    .await?
    {
        Edited::Saved(tx, _) => tx,
        Edited::Refused(page) => return Ok(page),
    };
    audit::record(
        &mut tx,
        "activity_updated",
        "activity",
        Some(id.0),
        &ip,
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&links::activities::activity(id)).into_response())
}

pub async fn cancel_activity(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ActivityId>,
) -> Result<Redirect> {
    let mut tx = tenant.begin().await?;
    scope::managed_activity(&mut tx, &staff, id).await?;
    queries::cancel(&mut tx, staff.user.street_id, id).await?;
    audit::record(
        &mut tx,
        "activity_cancelled",
        "activity",
        Some(id.0),
        &rctx.ip.to_string(),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&links::activities::activity(id)))
}

/// The written summary after the activity; saving it marks the activity held.
pub async fn save_summary(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ActivityId>,
    Form(form): Form<SummaryForm>,
) -> Result<Response> {
    let sent = edit::sent_version(&form.version)?;
    let mut tx = tenant.begin().await?;
    let mut activity = scope::managed_activity(&mut tx, &staff, id).await?;
    let mut e = FieldErrors::default();
    let summary = optional_text(&mut e, "summary", &form.summary, 5000);
    // Saved only over the version the page showed: a summary written by someone else meanwhile
    // (or an edit of the activity) is not overwritten without a word.
    let status = if !e.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if sent != activity.version
        || !queries::save_summary(&mut tx, staff.user.street_id, id, sent, &summary).await?
    {
        e.add("summary", "activity.error.summary_conflict");
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    if status != StatusCode::OK {
        // The page again with what was typed, at the stored version: saving again is knowing.
        activity.summary = form.summary;
        let page = activity_page(&mut tx, &staff, PageCtx::from(rctx), activity, e).await?;
        tx.commit().await?;
        return Ok((status, page).into_response());
    }
    audit::record(
        &mut tx,
        "activity_summary_saved",
        "activity",
        Some(id.0),
        &rctx.ip.to_string(),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&links::activities::activity(id)).into_response())
}
