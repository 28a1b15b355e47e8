use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::db::{self as queries, ACTIVITY_KINDS, ActivityFields, ActivityRow};
use super::view::{ActivityPage, activity_page};
use crate::audit;
use crate::auth::Staff;
use crate::auth::Tenant;
use crate::auth::extract::CommunityScope;
use crate::db::Tx;
use crate::domain::ids::ActivityId;
use crate::domain::semester::{china_offset, day_start, today_in_china};
use crate::error::Result;
use crate::web::PathId;
use crate::web::communities::db::choices as communities;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::edit::{self, EditPage, Edited};
use crate::web::forms::{FieldErrors, optional_text, required_date, ticked};
use crate::web::required_text;
use crate::web::scope;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    month: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    community: String,
}

/// One week row of the month view: seven days, each with its activities.
pub struct Week {
    pub days: Vec<(NaiveDate, Vec<ActivityRow>)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "activities/list.html")]
pub struct ActivitiesPage {
    ctx: PageCtx,
    month: NaiveDate,
    prev: String,
    next: String,
    weeks: Vec<Week>,
    activities: Vec<ActivityRow>,
    kinds: [&'static str; 12],
    communities: Vec<(Uuid, String)>,
    query: ListQuery,
    is_admin: bool,
}

pub async fn list_activities(
    tenant: Tenant,
    ctx: PageCtx,
    staff: Staff,
    Query(query): Query<ListQuery>,
) -> Result<ActivitiesPage> {
    let today = today_in_china();
    let month = NaiveDate::parse_from_str(&format!("{}-01", query.month), "%Y-%m-%d")
        .unwrap_or_else(|_| {
            NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("valid date")
        });
    let next_month = month
        .checked_add_months(chrono::Months::new(1))
        .expect("valid date");
    let prev_month = month
        .checked_sub_months(chrono::Months::new(1))
        .expect("valid date");
    let community = staff
        .scope
        .filter()
        .or_else(|| query.community.parse().ok());
    let kind = Some(query.kind.as_str()).filter(|k| ACTIVITY_KINDS.contains(k));
    let mut tx = tenant.begin().await?;
    let activities = queries::list(
        &mut tx,
        staff.user.street_id,
        community,
        kind,
        day_start(month),
        day_start(next_month),
        None,
    )
    .await?;
    let communities = communities(&mut tx, staff.user.street_id, staff.scope.filter())
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    tx.commit().await?;
    // Weeks from the Monday on or before the 1st to the Sunday on or after the last day.
    let mut day = month - Duration::days(i64::from(month.weekday().num_days_from_monday()));
    let mut weeks = Vec::new();
    while day < next_month {
        let days = (0..7)
            .map(|i| {
                let d = day + Duration::days(i);
                (
                    d,
                    activities
                        .iter()
                        .filter(|a| a.day() == d)
                        .cloned()
                        .collect(),
                )
            })
            .collect();
        weeks.push(Week { days });
        day += Duration::days(7);
    }
    let link = |m: NaiveDate| {
        let mut pairs = vec![("month", m.format("%Y-%m").to_string())];
        if !query.kind.is_empty() {
            pairs.push(("kind", query.kind.clone()));
        }
        if !query.community.is_empty() {
            pairs.push(("community", query.community.clone()));
        }
        format!(
            "/activities?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    Ok(ActivitiesPage {
        prev: link(prev_month),
        next: link(next_month),
        ctx,
        month,
        weeks,
        activities,
        kinds: ACTIVITY_KINDS,
        communities,
        is_admin: staff.scope == CommunityScope::All,
        query,
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActivityForm {
    #[serde(default)]
    pub community_id: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub start_time: String,
    #[serde(default)]
    pub end_time: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub capacity: String,
    pub for_children: Option<String>,
    pub for_guardians: Option<String>,
    pub for_volunteers: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub version: String,
}

impl ActivityForm {
    fn from_row(a: &ActivityRow) -> ActivityForm {
        let (s, e) = (
            a.starts_at.with_timezone(&china_offset()),
            a.ends_at.with_timezone(&china_offset()),
        );
        ActivityForm {
            community_id: a.community_id.map(|c| c.to_string()).unwrap_or_default(),
            kind: a.kind.clone(),
            title: a.title.clone(),
            date: s.format("%Y-%m-%d").to_string(),
            start_time: s.format("%H:%M").to_string(),
            end_time: e.format("%H:%M").to_string(),
            place: a.place.clone(),
            capacity: a.capacity.map(|c| c.to_string()).unwrap_or_default(),
            for_children: a.for_children.then(|| "on".into()),
            for_guardians: a.for_guardians.then(|| "on".into()),
            for_volunteers: a.for_volunteers.then(|| "on".into()),
            description: a.description.clone(),
            version: a.version.to_string(),
        }
    }

    pub fn audience(&self, name: &str) -> bool {
        match name {
            "for_children" => ticked(&self.for_children),
            "for_guardians" => ticked(&self.for_guardians),
            "for_volunteers" => ticked(&self.for_volunteers),
            _ => false,
        }
    }
}

fn validate(form: &ActivityForm, community: Option<Uuid>) -> Result<ActivityFields, FieldErrors> {
    let mut e = FieldErrors::default();
    if !ACTIVITY_KINDS.contains(&form.kind.as_str()) {
        e.add("kind", "form.error.required");
    }
    let title = required_text(&form.title, 100)
        .map_err(|k| e.add("title", k))
        .ok();
    let date = required_date(&mut e, "date", &form.date);
    let time = |e: &mut FieldErrors, field: &'static str, v: &str| match NaiveTime::parse_from_str(
        v.trim(),
        "%H:%M",
    ) {
        Ok(t) => Some(t),
        Err(_) => {
            e.add(field, "activity.error.time");
            None
        }
    };
    let start = time(&mut e, "start_time", &form.start_time);
    let end = time(&mut e, "end_time", &form.end_time);
    if let (Some(s), Some(en)) = (start, end) {
        if en <= s {
            e.add("end_time", "activity.error.end_before_start");
        }
    }
    let capacity = match form.capacity.trim() {
        "" => None,
        raw => match raw
            .parse::<i32>()
            .ok()
            .filter(|c| (1..=100_000).contains(c))
        {
            Some(c) => Some(c),
            None => {
                e.add("capacity", "activity.error.capacity");
                None
            }
        },
    };
    let place = optional_text(&mut e, "place", &form.place, 200);
    let description = optional_text(&mut e, "description", &form.description, 2000);
    let at = |d: NaiveDate, t: NaiveTime| {
        d.and_time(t)
            .and_local_timezone(china_offset())
            .single()
            .expect("fixed offset")
            .with_timezone(&Utc)
    };
    match (title, date, start, end) {
        (Some(title), Some(date), Some(start), Some(end)) if e.is_empty() => Ok(ActivityFields {
            community_id: community,
            kind: form.kind.clone(),
            title,
            starts_at: at(date, start),
            ends_at: at(date, end),
            place,
            capacity,
            for_children: form.audience("for_children"),
            for_guardians: form.audience("for_guardians"),
            for_volunteers: form.audience("for_volunteers"),
            description,
        }),
        _ => Err(e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "activities/form.html")]
pub struct ActivityFormPage {
    ctx: PageCtx,
    activity: Option<ActivityRow>,
    form: ActivityForm,
    errors: FieldErrors,
    kinds: [&'static str; 12],
    communities: Vec<(Uuid, String)>,
    is_admin: bool,
    conflict: bool,
}

impl EditPage for ActivityFormPage {
    type Stored = i32;
    fn show_errors(&mut self, errors: FieldErrors) {
        self.errors = errors;
    }
    fn show_conflict(&mut self, stored_version: i32) {
        self.form.version = stored_version.to_string();
        self.conflict = true;
    }
}

impl ActivityFormPage {
    fn err(&self, field: &str) -> Option<&'static str> {
        self.errors.get(field)
    }
}

async fn form_page(
    tx: &mut Tx,
    staff: &Staff,
    ctx: PageCtx,
    activity: Option<ActivityRow>,
    form: ActivityForm,
    errors: FieldErrors,
) -> Result<ActivityFormPage> {
    let communities = communities(tx, staff.user.street_id, staff.scope.filter())
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    Ok(ActivityFormPage {
        ctx,
        activity,
        form,
        errors,
        kinds: ACTIVITY_KINDS,
        communities,
        is_admin: staff.scope == CommunityScope::All,
        conflict: false,
    })
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
    let page = form_page(&mut tx, &staff, ctx, None, form, FieldErrors::default()).await?;
    tx.commit().await?;
    Ok(page)
}

/// The organiser a form names: the caller's community for staff; for a street admin a community
/// of the street, or none (the whole street).
fn organiser(
    staff: &Staff,
    form: &ActivityForm,
    page: &ActivityFormPage,
) -> Result<Option<Uuid>, ()> {
    match staff.scope {
        CommunityScope::One(own) => Ok(Some(own.0)),
        CommunityScope::All if form.community_id.is_empty() => Ok(None),
        CommunityScope::All => form
            .community_id
            .parse::<Uuid>()
            .ok()
            .filter(|c| page.communities.iter().any(|(id, _)| id == c))
            .map(Some)
            .ok_or(()),
    }
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
    let mut page = form_page(
        &mut tx,
        &staff,
        PageCtx::from(rctx),
        None,
        form.clone(),
        FieldErrors::default(),
    )
    .await?;
    let community = organiser(&staff, &form, &page);
    let result = validate(&form, community.clone().ok().flatten());
    match (community, result) {
        (Ok(_), Ok(fields)) => {
            let id = Uuid::now_v7();
            queries::insert(&mut tx, user.street_id, id, &fields, user.user_id).await?;
            audit::record(
                &mut tx,
                "activity_created",
                "activity",
                Some(id),
                &ip,
                json!({}),
            )
            .await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/activities/{id}")).into_response())
        }
        (community, result) => {
            let mut errors = result.err().unwrap_or_default();
            if community.is_err() {
                errors.add("community_id", "form.error.required");
            }
            tx.commit().await?;
            page.errors = errors;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

pub async fn show_activity(
    tenant: Tenant,
    ctx: PageCtx,
    staff: Staff,
    PathId(id): PathId<Uuid>,
) -> Result<ActivityPage> {
    let mut tx = tenant.begin().await?;
    let activity = scope::activity(&mut tx, &staff, ActivityId(id)).await?;
    let page = activity_page(&mut tx, &staff, ctx, activity, FieldErrors::default()).await?;
    tx.commit().await?;
    Ok(page)
}

pub async fn edit_activity_form(
    tenant: Tenant,
    ctx: PageCtx,
    staff: Staff,
    PathId(id): PathId<Uuid>,
) -> Result<ActivityFormPage> {
    let mut tx = tenant.begin().await?;
    let activity = scope::managed_activity(&mut tx, &staff, ActivityId(id)).await?;
    let form = ActivityForm::from_row(&activity);
    let page = form_page(
        &mut tx,
        &staff,
        ctx,
        Some(activity),
        form,
        FieldErrors::default(),
    )
    .await?;
    tx.commit().await?;
    Ok(page)
}

pub async fn update_activity(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<Uuid>,
    Form(form): Form<ActivityForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let activity = scope::managed_activity(&mut tx, &staff, ActivityId(id)).await?;
    let sent = edit::sent_version(&form.version)?;
    let page = form_page(
        &mut tx,
        &staff,
        PageCtx::from(rctx),
        Some(activity.clone()),
        form.clone(),
        FieldErrors::default(),
    )
    .await?;
    let valid = validate(&form, activity.community_id);
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
        Some(id),
        &ip,
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/activities/{id}")).into_response())
}

pub async fn cancel_activity(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<Uuid>,
) -> Result<Redirect> {
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    scope::managed_activity(&mut tx, &staff, ActivityId(id)).await?;
    sqlx::query!(
        "UPDATE activity SET status = 'cancelled', version = version + 1, updated_at = now() WHERE street_id = $1 AND id = $2",
        user.street_id.0,
        id
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        "activity_cancelled",
        "activity",
        Some(id),
        &rctx.ip.to_string(),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/activities/{id}")))
}

#[derive(Deserialize)]
pub struct SummaryForm {
    #[serde(default)]
    summary: String,
}

/// The written summary after the activity; saving it marks the activity held.
pub async fn save_summary(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<Uuid>,
    Form(form): Form<SummaryForm>,
) -> Result<Response> {
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let activity = scope::managed_activity(&mut tx, &staff, ActivityId(id)).await?;
    let mut e = FieldErrors::default();
    let summary = optional_text(&mut e, "summary", &form.summary, 5000);
    if !e.is_empty() {
        let page = activity_page(&mut tx, &staff, PageCtx::from(rctx), activity, e).await?;
        tx.commit().await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    sqlx::query!(
        "UPDATE activity SET summary = $3, status = CASE WHEN status = 'cancelled' THEN status ELSE 'held' END,
             version = version + 1, updated_at = now()
         WHERE street_id = $1 AND id = $2",
        user.street_id.0,
        id,
        summary
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        "activity_summary_saved",
        "activity",
        Some(id),
        &rctx.ip.to_string(),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/activities/{id}")).into_response())
}
