use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::ids::VolunteerId;
use crate::domain::role::Role;
use crate::error::{AppError, Result};
use crate::web::communities::db::{CommunitySummary, summaries};
use crate::web::context::PageCtx;

#[derive(Template, WebTemplate)]
#[template(path = "home/admin.html")]
pub struct AdminHome {
    ctx: PageCtx,
    communities: Vec<CommunitySummary>,
    total_children: i64,
    total_volunteers: i64,
    total_pairings: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "home/staff.html")]
pub struct StaffHome {
    ctx: PageCtx,
    community: CommunitySummary,
}

/// What a volunteer sees of a paired child: first name and grade, never ID or phone numbers.
#[derive(Debug)]
pub struct PairedChild {
    pub name: String,
    pub grade: String,
    pub started_on: NaiveDate,
}

#[derive(Template, WebTemplate)]
#[template(path = "home/volunteer.html")]
pub struct VolunteerHome {
    ctx: PageCtx,
    children: Vec<PairedChild>,
}

pub async fn home(State(state): State<AppState>, ctx: PageCtx, CurrentUser(user): CurrentUser) -> Result<Response> {
    let mut tx = db::begin(&state.pool, user.street_id, Some(user.user_id)).await?;
    let page = match (user.role, user.community_id, user.volunteer_id) {
        (Role::StreetAdmin, _, _) => {
            let communities = summaries(&mut tx, user.street_id, None).await?;
            AdminHome {
                total_children: communities.iter().map(|c| c.children).sum(),
                total_volunteers: communities.iter().map(|c| c.volunteers).sum(),
                total_pairings: communities.iter().map(|c| c.pairings).sum(),
                communities,
                ctx,
            }
            .into_response()
        }
        (Role::CommunityStaff, Some(community), _) => {
            let community = summaries(&mut tx, user.street_id, Some(community.0)).await?.pop().ok_or(AppError::NotFound)?;
            StaffHome { ctx, community }.into_response()
        }
        (Role::Volunteer, _, Some(volunteer)) => {
            let children = paired_children(&mut tx, user.street_id, volunteer).await?;
            VolunteerHome { ctx, children }.into_response()
        }
        _ => return Err(AppError::NotFound),
    };
    tx.commit().await?;
    Ok(page)
}

async fn paired_children(conn: &mut sqlx::PgConnection, street: crate::domain::ids::StreetId, volunteer: VolunteerId) -> Result<Vec<PairedChild>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT ch.name, ch.grade, p.started_on FROM pairing p
         JOIN child ch ON ch.street_id = p.street_id AND ch.id = p.child_id
         WHERE p.street_id = $1 AND p.volunteer_id = $2 AND p.ended_on IS NULL AND ch.status = 'active'
         ORDER BY ch.name",
        street.0,
        volunteer.0,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| PairedChild { name: r.name, grade: r.grade, started_on: r.started_on }).collect())
}
