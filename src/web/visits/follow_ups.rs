//! Follow-ups: open and closed, with a due date and an assignee.

use axum::Form;
use axum::response::Redirect;
use serde_json::json;

use super::db as queries;
use super::forms::CloseForm;
use super::view::FollowUpsPage;
use crate::audit;
use crate::auth::{CurrentUser, Staff, Tenant};
use crate::domain::ids::{CommunityId, FollowUpId};
use crate::domain::role::Role;
use crate::domain::semester::today_in_china;
use crate::error::{AppError, Result};
use crate::links;
use crate::web::PathId;
use crate::web::context::{PageCtx, RequestContext};

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

/// Close a follow-up: staff of the child's community (or the street admin), or its assignee.
pub async fn close_follow_up(
    tenant: Tenant,
    rctx: RequestContext,
    CurrentUser(user): CurrentUser,
    PathId(id): PathId<FollowUpId>,
    Form(form): Form<CloseForm>,
) -> Result<Redirect> {
    let mut tx = tenant.begin().await?;
    let follow_up = queries::open_follow_up(&mut tx, user.street_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let allowed = match user.role {
        Role::StreetAdmin => true,
        Role::CommunityStaff => user.community_id == Some(CommunityId(follow_up.community_id)),
        // A volunteer closes their own follow-ups, and only while still paired with the child.
        Role::Volunteer => {
            follow_up.assignee_id == Some(user.user_id)
                && queries::paired(
                    &mut tx,
                    user.street_id,
                    follow_up.child_id,
                    user.volunteer_id,
                )
                .await?
        }
    };
    if !allowed {
        return Err(AppError::NotFound);
    }
    queries::close_follow_up(&mut tx, user.street_id, id, user.user_id, form.note.trim()).await?;
    audit::record(
        &mut tx,
        "follow_up_closed",
        "child",
        Some(follow_up.child_id.0),
        &rctx.ip.to_string(),
        json!({ "follow_up": id }),
    )
    .await?;
    tx.commit().await?;
    let back = if links::is_local_path(&form.back) {
        form.back
    } else {
        links::HOME.to_string()
    };
    Ok(Redirect::to(&back))
}
