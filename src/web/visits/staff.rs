//! Staff and grid workers log visits for any child in their scope, and comment on visits.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::db as queries;
use super::forms::{SCORES, VISIT_KINDS, VisitForm, validate};
use crate::audit;
use crate::auth::Staff;
use crate::auth::Tenant;
use crate::domain::ids::{ChildId, CommunityId};
use crate::domain::semester::today_in_china;
use crate::error::{AppError, Result};
use crate::web::context::{PageCtx, RequestContext};
use crate::web::forms::{FieldErrors, required_date};
use crate::web::scope;
use crate::web::{PathId, required_text};

#[derive(Template, WebTemplate)]
#[template(path = "visits/staff_form.html")]
pub struct StaffVisitPage {
    ctx: PageCtx,
    child_id: Uuid,
    child_name: String,
    form: VisitForm,
    errors: FieldErrors,
    kinds: [&'static str; 8],
    scores: [&'static str; 4],
}

impl StaffVisitPage {
    fn err(&self, field: &str) -> Option<&'static str> {
        self.errors.get(field)
    }
}

pub async fn visit_form(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ChildId>,
) -> Result<StaffVisitPage> {
    let _user = &staff.user;
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    audit::record(
        &mut tx,
        "child_viewed",
        "child",
        Some(child.id),
        &rctx.ip.to_string(),
        json!({ "form": "visit" }),
    )
    .await?;
    tx.commit().await?;
    Ok(StaffVisitPage {
        ctx: PageCtx::from(rctx),
        child_id: child.id,
        child_name: child.name,
        form: VisitForm::blank(child.id, today_in_china()),
        errors: FieldErrors::default(),
        kinds: VISIT_KINDS,
        scores: SCORES,
    })
}

pub async fn log_visit(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ChildId>,
    Form(form): Form<VisitForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    let input = match validate(&form) {
        Ok(v) => v,
        Err(errors) => {
            tx.commit().await?;
            let page = StaffVisitPage {
                ctx: PageCtx::from(rctx),
                child_id: child.id,
                child_name: child.name,
                form,
                errors,
                kinds: VISIT_KINDS,
                scores: SCORES,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    // Staff visits belong to no pairing: they do not fulfil a volunteer's duties.
    super::db::write_visit(
        &mut tx,
        user.street_id,
        user.user_id,
        &ip,
        &input,
        &[(child.id, None)],
        false,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/children/{id}#timeline")).into_response())
}

#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    follow_up: String,
    #[serde(default)]
    follow_up_due: String,
}

/// A staff comment on a visit, optionally asking the visit's author for a follow-up (which then
/// appears on their home page).
pub async fn comment_on_visit(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(visit): PathId<Uuid>,
    Form(form): Form<CommentForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let row = sqlx::query!(
        "SELECT v.child_id, v.author_id, c.community_id FROM visit v JOIN child c ON c.street_id = v.street_id AND c.id = v.child_id
         WHERE v.street_id = $1 AND v.id = $2",
        user.street_id.0,
        visit
    )
    .fetch_optional(&mut *tx)
    .await?
    .filter(|r| staff.scope.allows(CommunityId(r.community_id)))
    .ok_or(AppError::NotFound)?;
    let mut e = FieldErrors::default();
    let body = required_text(&form.body, 2000)
        .map_err(|k| e.add("comment_body", k))
        .ok();
    let follow_up = form.follow_up.trim();
    let due = if follow_up.is_empty() {
        None
    } else {
        required_date(&mut e, "comment_follow_up_due", &form.follow_up_due)
    };
    if due.is_some_and(|d| d < today_in_china()) {
        e.add("comment_follow_up_due", "visit.error.follow_up_past");
    }
    let Some(body) = body.filter(|_| e.is_empty()) else {
        let child = scope::staff_child(&mut tx, &staff, ChildId(row.child_id)).await?;
        let page =
            crate::web::children::view::child_page(&mut tx, &staff, PageCtx::from(rctx), child, e)
                .await?;
        tx.commit().await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    sqlx::query!(
        "INSERT INTO visit_comment (street_id, id, visit_id, author_id, body) VALUES ($1, $2, $3, $4, $5)",
        user.street_id.0,
        Uuid::now_v7(),
        visit,
        user.user_id.0,
        body
    )
    .execute(&mut *tx)
    .await?;
    if let Some(due) = due {
        queries::insert_follow_up(
            &mut tx,
            user.street_id,
            row.child_id,
            Some(visit),
            follow_up,
            due,
            row.author_id,
            user.user_id,
        )
        .await?;
    }
    audit::record(
        &mut tx,
        "visit_commented",
        "child",
        Some(row.child_id),
        &ip,
        json!({ "visit": visit, "follow_up": due.is_some() }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/children/{}#timeline", row.child_id)).into_response())
}
