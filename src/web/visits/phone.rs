//! The volunteer's phone pages: a paired child's card, the visit form, hours. Light pages,
//! large tap targets, only what a volunteer needs (never ID numbers or sensitive notes).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::db::{self as queries, VisitRow, write_visit};
use super::forms::{SCORES, VISIT_KINDS, VisitForm, validate};
use crate::audit;
use crate::auth::Tenant;
use crate::auth::VolunteerUser;
use crate::db::Tx;
use crate::domain::child::age_on;
use crate::domain::duties::{Duty, DutyStatus, duty_statuses, months_without_talk};
use crate::domain::ids::{ChildId, StreetId};
use crate::domain::semester::{Semester, today_in_china};
use crate::error::{AppError, Result};
use crate::web::context::{PageCtx, RequestContext, offline_page};
use crate::web::forms::FieldErrors;
use crate::web::scope::{self, MyPairing};
use crate::web::{PathId, volunteers};

/// This semester's duties of one pairing, and the months without a talk.
async fn pairing_duties(
    tx: &mut Tx,
    street: StreetId,
    pairing: &MyPairing,
) -> Result<(Vec<DutyStatus>, Vec<String>)> {
    let today = today_in_china();
    let semester = Semester::containing(today);
    let done = crate::web::pairings::db::fulfilments(tx, street, &[pairing.id], semester)
        .await?
        .remove(&pairing.id)
        .unwrap_or_default();
    let talks: Vec<NaiveDate> = done
        .iter()
        .filter(|f| f.duty == Duty::Talk)
        .map(|f| f.on)
        .collect();
    let months = months_without_talk(semester, pairing.started_on, None, &talks, today)
        .into_iter()
        .map(|(y, m)| format!("{y}-{m:02}"))
        .collect();
    Ok((duty_statuses(semester, &done, today), months))
}

/// What a volunteer sees of a paired child.
pub struct ChildCard {
    pub id: Uuid,
    pub name: String,
    pub age: i32,
    pub school: String,
    pub grade: String,
    pub class_name: String,
    pub class_teacher: String,
    pub class_teacher_phone: String,
    pub address: String,
    pub guardians: Vec<(String, String, String)>,
}

async fn child_card_data(tx: &mut Tx, volunteer: &VolunteerUser, child: Uuid) -> Result<ChildCard> {
    let street = volunteer.user.street_id;
    let c = sqlx::query!(
        "SELECT id, name, birth_date, school, grade, class_name, class_teacher, class_teacher_phone, address
         FROM child WHERE street_id = $1 AND id = $2",
        street.0,
        child
    )
    .fetch_one(&mut **tx)
    .await?;
    let guardians = sqlx::query!(
        r#"SELECT name, relation::text AS "relation!", CASE WHEN phone <> '' THEN phone ELSE family_phone END AS "phone!"
           FROM guardian WHERE street_id = $1 AND child_id = $2 ORDER BY is_parent_away, created_at"#,
        street.0,
        child
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|g| (g.name, g.relation, g.phone))
    .collect();
    Ok(ChildCard {
        id: c.id,
        name: c.name,
        age: age_on(c.birth_date, today_in_china()),
        school: c.school,
        grade: c.grade,
        class_name: c.class_name,
        class_teacher: c.class_teacher,
        class_teacher_phone: c.class_teacher_phone,
        address: c.address,
        guardians,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/card.html")]
pub struct ChildCardPage {
    ctx: PageCtx,
    child: ChildCard,
    duties: Vec<DutyStatus>,
    months_without_talk: Vec<String>,
    visits: Vec<VisitRow>,
    saved: bool,
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// A volunteer's view of a child (the card, or a form naming the child), on record. The home
/// page keeps these pages on the phone for use without a signal: a copy, recorded as such.
async fn record_view(
    tx: &mut Tx,
    child: Uuid,
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
    audit::record(tx, "child_viewed", "child", Some(child), ip, detail).await?;
    Ok(())
}

pub async fn child_card(
    tenant: Tenant,
    rctx: RequestContext,
    volunteer: VolunteerUser,
    PathId(child): PathId<Uuid>,
    Query(q): Query<SavedQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &volunteer.user;
    let mut tx = tenant.begin_keyed().await?;
    let pairing = scope::pairing_with(
        &mut tx,
        volunteer.user.street_id,
        volunteer.volunteer_id,
        ChildId(child),
    )
    .await?;
    let (duties, months) = pairing_duties(&mut tx, user.street_id, &pairing).await?;
    let page = ChildCardPage {
        child: child_card_data(&mut tx, &volunteer, child).await?,
        duties,
        months_without_talk: months,
        visits: queries::visits_of_child(&mut tx, user.street_id, child, Some(user.user_id))
            .await?
            .into_iter()
            .take(10)
            .collect(),
        saved: q.saved.is_some(),
        ctx: PageCtx::from(rctx),
    };
    // Last: the audit chain's lock is held from here to the commit (see children::child_page).
    record_view(&mut tx, child, &ip, &headers, None).await?;
    tx.commit().await?;
    Ok(offline_page(page))
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/phone_form.html")]
pub struct PhoneVisitPage {
    ctx: PageCtx,
    child_name: String,
    form: VisitForm,
    errors: FieldErrors,
    siblings: Vec<(Uuid, String)>,
    kinds: [&'static str; 8],
    scores: [&'static str; 4],
    /// The day the form was drawn: a copy kept on the phone moves its default date to the day
    /// it is used.
    today: NaiveDate,
}

impl PhoneVisitPage {
    fn err(&self, field: &str) -> Option<&'static str> {
        self.errors.get(field)
    }
}

/// The volunteer's other paired children, offered as "this visit also covers".
async fn other_children(
    tx: &mut Tx,
    volunteer: &VolunteerUser,
    child: Uuid,
) -> Result<Vec<(Uuid, String)>> {
    let rows = sqlx::query!(
        "SELECT c.id, c.name FROM pairing p JOIN child c ON c.street_id = p.street_id AND c.id = p.child_id
         WHERE p.street_id = $1 AND p.volunteer_id = $2 AND p.ended_on IS NULL AND c.status = 'active' AND c.id <> $3
         ORDER BY c.name",
        volunteer.user.street_id.0,
        volunteer.volunteer_id.0,
        child
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

async fn child_name(tx: &mut Tx, volunteer: &VolunteerUser, child: Uuid) -> Result<String> {
    Ok(sqlx::query_scalar!(
        "SELECT name FROM child WHERE street_id = $1 AND id = $2",
        volunteer.user.street_id.0,
        child
    )
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn visit_form(
    tenant: Tenant,
    rctx: RequestContext,
    volunteer: VolunteerUser,
    PathId(child): PathId<Uuid>,
    headers: HeaderMap,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let _user = &volunteer.user;
    let mut tx = tenant.begin_keyed().await?;
    scope::pairing_with(
        &mut tx,
        volunteer.user.street_id,
        volunteer.volunteer_id,
        ChildId(child),
    )
    .await?;
    let page = PhoneVisitPage {
        child_name: child_name(&mut tx, &volunteer, child).await?,
        form: VisitForm::blank(child, today_in_china()),
        errors: FieldErrors::default(),
        siblings: other_children(&mut tx, &volunteer, child).await?,
        kinds: VISIT_KINDS,
        scores: SCORES,
        today: today_in_china(),
        ctx: PageCtx::from(rctx),
    };
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
    let child: Uuid = form.child_id.parse().map_err(|_| AppError::NotFound)?;
    let mut tx = tenant.begin().await?;
    let pairing = scope::pairing_with(
        &mut tx,
        volunteer.user.street_id,
        volunteer.volunteer_id,
        ChildId(child),
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
                ChildId(sibling),
            )
            .await?;
            covered.push((sibling, p));
        }
    }
    let mut input = validate(&form);
    if let Ok(v) = &input {
        if covered.iter().any(|(_, p)| v.visited_on < p.started_on) {
            let mut e = FieldErrors::default();
            e.add("visited_on", "visit.error.before_pairing");
            input = Err(e);
        }
    }
    let input = match input {
        Ok(v) => v,
        Err(errors) => {
            let page = PhoneVisitPage {
                child_name: child_name(&mut tx, &volunteer, child).await?,
                siblings: other_children(&mut tx, &volunteer, child).await?,
                form,
                errors,
                kinds: VISIT_KINDS,
                scores: SCORES,
                today: today_in_china(),
                ctx: PageCtx::from(rctx),
            };
            tx.commit().await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let covered: Vec<(Uuid, Option<Uuid>)> =
        covered.iter().map(|(c, p)| (*c, Some(p.id))).collect();
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
    Ok(Redirect::to(&format!("/v/children/{child}?saved=1")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/hours.html")]
pub struct HoursPage {
    ctx: PageCtx,
    hours: Vec<(String, f64)>,
}

pub async fn my_hours(tenant: Tenant, ctx: PageCtx, volunteer: VolunteerUser) -> Result<Response> {
    let user = &volunteer.user;
    let mut tx = tenant.begin_keyed().await?;
    let hours =
        volunteers::db::hours_by_month(&mut tx, user.street_id, volunteer.volunteer_id).await?;
    tx.commit().await?;
    Ok(offline_page(HoursPage { ctx, hours }))
}
