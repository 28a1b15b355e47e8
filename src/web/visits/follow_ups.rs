//! Follow-ups: open and closed, with a due date and an assignee.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::response::Redirect;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::db::{self as queries, FollowUpRow};
use crate::audit;
use crate::auth::Tenant;
use crate::auth::{CurrentUser, Staff};
use crate::domain::ids::CommunityId;
use crate::domain::role::Role;
use crate::domain::semester::today_in_china;
use crate::error::{AppError, Result};
use crate::web::PathId;
use crate::web::context::{PageCtx, RequestContext};

#[derive(Template, WebTemplate)]
#[template(path = "visits/follow_ups.html")]
pub struct FollowUpsPage {
    ctx: PageCtx,
    follow_ups: Vec<FollowUpRow>,
    today: chrono::NaiveDate,
}

pub async fn list_follow_ups(tenant: Tenant, ctx: PageCtx, staff: Staff) -> Result<FollowUpsPage> {
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let follow_ups = queries::follow_ups(
        &mut tx,
        user.street_id,
        staff.scope.filter(),
        None,
        None,
        true,
    )
    .await?;
    tx.commit().await?;
    Ok(FollowUpsPage {
        ctx,
        follow_ups,
        today: today_in_china(),
    })
}

#[derive(Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    note: String,
    #[serde(default)]
    back: String,
}

/// Close a follow-up: staff of the child's community (or the street admin), or its assignee.
pub async fn close_follow_up(
    tenant: Tenant,
    rctx: RequestContext,
    CurrentUser(user): CurrentUser,
    PathId(id): PathId<Uuid>,
    Form(form): Form<CloseForm>,
) -> Result<Redirect> {
    let mut tx = tenant.begin().await?;
    let row = sqlx::query!(
        "SELECT f.child_id, f.assignee_id, c.community_id FROM follow_up f JOIN child c ON c.street_id = f.street_id AND c.id = f.child_id
         WHERE f.street_id = $1 AND f.id = $2 AND f.status = 'open'",
        user.street_id.0,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let allowed = match user.role {
        Role::StreetAdmin => true,
        Role::CommunityStaff => user.community_id == Some(CommunityId(row.community_id)),
        // A volunteer closes their own follow-ups, and only while still paired with the child.
        Role::Volunteer => {
            row.assignee_id == Some(user.user_id.0)
                && sqlx::query_scalar!(
                    r#"SELECT EXISTS (SELECT 1 FROM pairing WHERE street_id = $1 AND child_id = $2 AND volunteer_id = $3
                                      AND ended_on IS NULL) AS "paired!""#,
                    user.street_id.0,
                    row.child_id,
                    user.volunteer_id.map(|v| v.0),
                )
                .fetch_one(&mut *tx)
                .await?
        }
    };
    if !allowed {
        return Err(AppError::NotFound);
    }
    sqlx::query!(
        "UPDATE follow_up SET status = 'done', closed_at = now(), closed_by = $3, closing_note = $4, version = version + 1,
             updated_at = now()
         WHERE street_id = $1 AND id = $2 AND status = 'open'",
        user.street_id.0,
        id,
        user.user_id.0,
        form.note.trim()
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        "follow_up_closed",
        "child",
        Some(row.child_id),
        &rctx.ip.to_string(),
        json!({ "follow_up": id }),
    )
    .await?;
    tx.commit().await?;
    let back = if crate::links::is_local_path(&form.back) {
        form.back
    } else {
        "/".to_string()
    };
    Ok(Redirect::to(&back))
}
