//! A staff comment on a visit, written from the child file where the visit is shown: the child
//! page is drawn again with the error when the comment is refused.

use axum::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::view::child_page;
use crate::audit;
use crate::auth::{Staff, Tenant};
use crate::domain::ids::{CommunityId, VisitId};
use crate::domain::semester::today_in_china;
use crate::error::{AppError, Result};
use crate::links;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::forms::{FieldErrors, required_date};
use crate::web::visits::db as queries;
use crate::web::visits::forms::CommentForm;
use crate::web::{PathId, required_text, scope};

/// A staff comment on a visit, optionally asking the visit's author for a follow-up (which then
/// appears on their home page).
pub async fn comment_on_visit(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(visit): PathId<VisitId>,
    Form(form): Form<CommentForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let target = queries::comment_target(&mut tx, user.street_id, visit)
        .await?
        .filter(|t| staff.scope.allows(CommunityId(t.community_id)))
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
        let child = scope::staff_child(&mut tx, &staff, target.child_id).await?;
        let page = child_page(&mut tx, &staff, PageCtx::from(rctx), child, e).await?;
        tx.commit().await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    queries::insert_comment(&mut tx, user.street_id, visit, user.user_id, &body).await?;
    if let Some(due) = due {
        queries::insert_follow_up(
            &mut tx,
            user.street_id,
            target.child_id,
            Some(visit),
            follow_up,
            due,
            target.author_id,
            user.user_id,
        )
        .await?;
    }
    audit::record(
        &mut tx,
        "visit_commented",
        "child",
        Some(target.child_id.0),
        &ip,
        json!({ "visit": visit, "follow_up": due.is_some() }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&links::visits::timeline(target.child_id)).into_response())
}
