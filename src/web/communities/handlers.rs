use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::db::{self as queries};
use super::forms::{CommunityErrors, CommunityForm, GridForm};
use super::view::{CommunitiesPage, CommunityPage, community_page};
use crate::audit;
use crate::auth::Tenant;
use crate::auth::{Staff, StreetAdmin};
use crate::domain::ids::CommunityId;
use crate::error::{AppError, Result};
use crate::links;
use crate::state::AppState;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::{PathId, required_text};

pub async fn list_communities(
    tenant: Tenant,
    ctx: PageCtx,
    StreetAdmin(admin): StreetAdmin,
) -> Result<CommunitiesPage> {
    let mut tx = tenant.begin().await?;
    let communities = queries::summaries(&mut tx, admin.street_id, None).await?;
    tx.commit().await?;
    Ok(CommunitiesPage {
        ctx,
        communities,
        form: CommunityForm::default(),
        errors: CommunityErrors::default(),
    })
}

pub async fn create_community(
    tenant: Tenant,
    State(state): State<AppState>,
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    Form(form): Form<CommunityForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let mut errors = CommunityErrors::default();
    let name = required_text(&form.name, 100)
        .map_err(|e| errors.name = Some(e))
        .ok();
    let address = form.address.trim().to_string();
    if address.chars().count() > 200 {
        errors.address = Some("form.error.too_long");
    }
    let mut tx = tenant.begin().await?;
    if let (Some(name), None) = (&name, errors.address) {
        match queries::insert(&mut tx, admin.street_id, name, &address).await? {
            Some(id) => {
                audit::record(
                    &mut tx,
                    "community_created",
                    "community",
                    Some(id.0),
                    &ip,
                    json!({}),
                )
                .await?;
                tx.commit().await?;
                // The child list's community and grid filters read them from the cache.
                state.cache.forget_street(admin.street_id).await;
                return Ok(Redirect::to(&links::communities::community(id)).into_response());
            }
            None => errors.name = Some("community.error.name_taken"),
        }
    }
    let communities = queries::summaries(&mut tx, admin.street_id, None).await?;
    tx.commit().await?;
    let page = CommunitiesPage {
        ctx: PageCtx::from(rctx),
        communities,
        form,
        errors,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub async fn show_community(
    tenant: Tenant,
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: Staff,
    PathId(id): PathId<CommunityId>,
) -> Result<CommunityPage> {
    community_page(&tenant, &state, ctx, &staff, id).await
}

pub async fn create_grid(
    tenant: Tenant,
    State(state): State<AppState>,
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    PathId(id): PathId<CommunityId>,
    Form(form): Form<GridForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let mut tx = tenant.begin().await?;
    queries::name_of(&mut tx, admin.street_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let error = match required_text(&form.name, 100) {
        Ok(name) => match queries::insert_grid(&mut tx, admin.street_id, id, &name).await? {
            Some(grid) => {
                audit::record(
                    &mut tx,
                    "grid_created",
                    "grid",
                    Some(grid.0),
                    &ip,
                    json!({ "community": id }),
                )
                .await?;
                tx.commit().await?;
                // The child list's community and grid filters read them from the cache.
                state.cache.forget_street(admin.street_id).await;
                return Ok(Redirect::to(&links::communities::community(id)).into_response());
            }
            None => "community.error.grid_taken",
        },
        Err(e) => e,
    };
    tx.commit().await?;
    let staff = Staff {
        user: admin,
        scope: crate::auth::extract::CommunityScope::All,
    };
    let mut page = community_page(&tenant, &state, PageCtx::from(rctx), &staff, id).await?;
    page.grid_name = form.name;
    page.grid_error = Some(error);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
