//! The community pages: the list and one community with its grids and staff.

use askama::Template;
use askama_web::WebTemplate;

use super::db::{self as queries, CommunitySummary, GridRow, StaffRow};
use super::forms::{CommunityErrors, CommunityForm};
use crate::auth::Staff;
use crate::auth::Tenant;
use crate::domain::ids::CommunityId;
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::context::PageCtx;

#[derive(Template, WebTemplate)]
#[template(path = "communities/list.html")]
pub struct CommunitiesPage {
    pub ctx: PageCtx,
    pub communities: Vec<CommunitySummary>,
    pub form: CommunityForm,
    pub errors: CommunityErrors,
}

#[derive(Template, WebTemplate)]
#[template(path = "communities/show.html")]
pub struct CommunityPage {
    pub ctx: PageCtx,
    pub id: CommunityId,
    pub name: String,
    pub grids: Vec<GridRow>,
    pub staff: Vec<StaffRow>,
    pub grid_name: String,
    pub grid_error: Option<&'static str>,
}

pub async fn community_page(
    tenant: &Tenant,
    _state: &AppState,
    ctx: PageCtx,
    staff: &Staff,
    id: CommunityId,
) -> Result<CommunityPage> {
    if !staff.scope.allows(id) {
        return Err(AppError::NotFound);
    }
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let name = queries::name_of(&mut tx, user.street_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let grids = queries::grids(&mut tx, user.street_id, id).await?;
    let staff_rows = queries::staff(&mut tx, user.street_id, id).await?;
    tx.commit().await?;
    Ok(CommunityPage {
        ctx,
        id,
        name,
        grids,
        staff: staff_rows,
        grid_name: String::new(),
        grid_error: None,
    })
}
