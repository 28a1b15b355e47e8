//! The home page: what each role sees first.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

use super::view::{admin_home, staff_home, volunteer_home};
use crate::auth::extract::VolunteerUser;
use crate::auth::{CurrentUser, Tenant};
use crate::domain::role::Role;
use crate::domain::semester::today_in_china;
use crate::error::{AppError, Result};
use crate::links;
use crate::state::AppState;
use crate::web::context::{PageCtx, offline_page};
use crate::web::volunteers::db::conduct_accepted;

pub async fn home(
    tenant: Tenant,
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(user): CurrentUser,
) -> Result<Response> {
    // A volunteer's home is all about their own pairings (see `db::begin_keyed`).
    let mut tx = if user.role == Role::Volunteer {
        tenant.begin_keyed().await?
    } else {
        tenant.begin().await?
    };
    let today = today_in_china();
    let street = user.street_id;
    let page = match (user.role, user.community_id, user.volunteer_id) {
        (Role::StreetAdmin, _, _) => admin_home(&mut tx, &state.cache, ctx, street, today)
            .await?
            .into_response(),
        (Role::CommunityStaff, Some(community), _) => {
            staff_home(&mut tx, &state.cache, ctx, street, community, today)
                .await?
                .into_response()
        }
        (Role::Volunteer, _, Some(volunteer)) => {
            let me = VolunteerUser {
                user: user.clone(),
                volunteer_id: volunteer,
            };
            if !conduct_accepted(&mut tx, street, me.volunteer_id).await? {
                // The code of conduct comes before anything else (safeguarding checklist).
                tx.commit().await?;
                return Ok(Redirect::to(links::volunteers::CONDUCT).into_response());
            }
            offline_page(volunteer_home(&mut tx, ctx, &user, &me, today).await?)
        }
        _ => return Err(AppError::NotFound),
    };
    tx.commit().await?;
    Ok(page)
}
