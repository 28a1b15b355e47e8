//! The child file itself: the list, a new file, the child page, the edit form and its save.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::db::{self as queries, Duplicate, StoredIdNumber};
use super::forms::{self, ChildForm, ListQuery, PAGE_SIZE};
use super::list_db;
use super::view::{ChildFormPage, ChildPage, ChildrenPage, child_page, form_page};
use crate::audit;
use crate::auth::Staff;
use crate::auth::Tenant;
use crate::domain::child::{CareSituation, ChildStatus, RiskLevel};
use crate::domain::crypto::DataKey;
use crate::domain::id_number::IdNumber;
use crate::domain::ids::{ChildId, CommunityId};
use crate::domain::semester::today_in_china;
use crate::error::{AppError, Result};
use crate::links;
use crate::state::AppState;
use crate::web::PathId;
use crate::web::communities::db::summaries;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::edit::{self, Edited};
use crate::web::forms::FieldErrors;
use crate::web::scope;

pub async fn list_children(
    tenant: Tenant,
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: Staff,
    Query(query): Query<ListQuery>,
) -> Result<ChildrenPage> {
    let user = &staff.user;
    let today = today_in_china();
    let filter = query.to_filter(&staff, today);
    let mut tx = tenant.begin().await?;
    let (rows, total) = list_db::list(&mut tx, user.street_id, &filter).await?;
    let scope = staff.scope.filter();
    let communities = state
        .cache
        .get_or_try_insert(
            user.street_id,
            format!("summaries:{scope:?}"),
            summaries(&mut tx, user.street_id, scope),
        )
        .await?;
    // Grids change as seldom as communities, whose summaries are cached beside them; a grid
    // added here is shown at once (the cache is dropped), on other app servers within a minute.
    let grids = state
        .cache
        .get_or_try_insert(
            user.street_id,
            format!("grids:{scope:?}"),
            crate::web::communities::db::grid_choices(&mut tx, user.street_id, scope, |id| {
                communities
                    .iter()
                    .find(|c| c.id.0 == id)
                    .map(|c| c.name.as_str())
            }),
        )
        .await?;
    tx.commit().await?;
    Ok(ChildrenPage {
        ctx,
        total,
        page: query.page.unwrap_or(1).max(1),
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        rows,
        query,
        communities,
        grids,
        is_admin: staff.scope == crate::auth::extract::CommunityScope::All,
        statuses: ChildStatus::ALL,
        risks: RiskLevel::ALL,
        cares: CareSituation::ALL,
        today,
    })
}

pub async fn new_child_form(tenant: Tenant, ctx: PageCtx, staff: Staff) -> Result<ChildFormPage> {
    let mut tx = tenant.begin().await?;
    let mut form = ChildForm::default();
    if let Some(own) = staff.scope.filter() {
        form.community_id = own.to_string();
    }
    let page = form_page(&mut tx, &staff, ctx, None, form, FieldErrors::default()).await?;
    tx.commit().await?;
    Ok(page)
}

fn store(key: &DataKey, n: &IdNumber) -> StoredIdNumber {
    StoredIdNumber {
        encrypted: key.encrypt(n.as_str()),
        hash: key.keyed_hash(n.as_str()),
        masked: n.masked(),
    }
}

/// Resolve the form's community within the caller's scope.
fn community_in_scope(
    staff: &Staff,
    form: &ChildForm,
    communities: &[(uuid::Uuid, String)],
) -> Option<CommunityId> {
    let id: CommunityId = form.community_id.parse().ok()?;
    (staff.scope.allows(id) && communities.iter().any(|(c, _)| *c == id.0)).then_some(id)
}

pub async fn create_child(
    tenant: Tenant,
    State(state): State<AppState>,
    rctx: RequestContext,
    staff: Staff,
    Form(form): Form<ChildForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let page = form_page(
        &mut tx,
        &staff,
        PageCtx::from(rctx),
        None,
        form.clone(),
        FieldErrors::default(),
    )
    .await?;
    let community = community_in_scope(&staff, &form, &page.communities);
    let grids = page.grids.clone();
    let valid = forms::validate(
        &form,
        community,
        |g| {
            grids
                .iter()
                .any(|(id, c, _)| *id == g && Some(CommunityId(*c)) == community)
        },
        None,
        today_in_china(),
    );
    let valid = match valid {
        Ok(v) => v,
        Err(errors) => {
            tx.commit().await?;
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                ChildFormPage { errors, ..page },
            )
                .into_response());
        }
    };
    let stored = valid.id_number.as_ref().map(|n| store(&state.data_key, n));
    if !crate::web::forms::ticked(&form.confirm_duplicate) {
        let duplicates = queries::duplicates(
            &mut tx,
            user.street_id,
            stored.as_ref().map(|s| s.hash.as_slice()),
            &valid.fields.name,
            valid.fields.birth_date,
            None,
        )
        .await?;
        if !duplicates.is_empty() {
            // Another community's file is only named as such: staff never see other communities' children.
            let duplicates = duplicates
                .into_iter()
                .map(|d| {
                    if staff.scope.allows(d.community_id) {
                        d
                    } else {
                        Duplicate {
                            name: String::new(),
                            community_name: String::new(),
                            ..d
                        }
                    }
                })
                .collect();
            tx.commit().await?;
            return Ok((StatusCode::CONFLICT, ChildFormPage { duplicates, ..page }).into_response());
        }
    }
    let id = ChildId::new();
    queries::insert(
        &mut tx,
        user.street_id,
        id,
        &valid.fields,
        stored.as_ref(),
        user.user_id,
    )
    .await?;
    audit::record(
        &mut tx,
        "child_created",
        "child",
        Some(id.0),
        &ip,
        json!({ "community": valid.fields.community_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&links::children::child(id)).into_response())
}

pub async fn show_child(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ChildId>,
) -> Result<ChildPage> {
    let mut tx = tenant.begin_keyed().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    let page = child_page(
        &mut tx,
        &staff,
        PageCtx::from(rctx),
        child,
        FieldErrors::default(),
    )
    .await?;
    tx.commit().await?;
    Ok(page)
}

pub async fn edit_child_form(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ChildId>,
) -> Result<ChildFormPage> {
    let ip = rctx.ip.to_string();
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    audit::child_viewed(&mut tx, id, &ip, json!({ "form": "edit" })).await?;
    let form = ChildForm::from_record(&child);
    let mut page = form_page(
        &mut tx,
        &staff,
        PageCtx::from(rctx),
        Some(child),
        form,
        FieldErrors::default(),
    )
    .await?;
    page.form.opened = edit::opened_with(&page.form, forms::EDITED);
    tx.commit().await?;
    Ok(page)
}

pub async fn update_child(
    tenant: Tenant,
    State(state): State<AppState>,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ChildId>,
    Form(form): Form<ChildForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let current = scope::staff_child(&mut tx, &staff, id).await?;
    let sent = edit::sent_version(&form.version)?;
    let page = form_page(
        &mut tx,
        &staff,
        PageCtx::from(rctx),
        Some(current.clone()),
        form.clone(),
        FieldErrors::default(),
    )
    .await?;
    let existing = match &current.id_number_enc {
        Some(blob) => Some(
            state
                .data_key
                .decrypt(blob)
                .map_err(AppError::internal)
                .and_then(|s| {
                    IdNumber::parse(&s).map_err(|_| AppError::internal("stored ID number invalid"))
                })?,
        ),
        None => None,
    };
    let community = Some(current.community());
    let grids = page.grids.clone();
    let valid = forms::validate(
        &form,
        community,
        |g| {
            grids
                .iter()
                .any(|(gid, c, _)| *gid == g && *c == current.community_id)
        },
        existing.as_ref(),
        today_in_china(),
    )
    .map(|mut valid| {
        // Notes without consent were not on the form: keep what is stored.
        let [health, disability, psychological] = page.sensitive;
        if !health {
            valid.fields.health_condition = current.health_condition.clone();
        }
        if !disability {
            valid.fields.disability_note = current.disability_note.clone();
        }
        if !psychological {
            valid.fields.psychological_note = current.psychological_note.clone();
        }
        let stored = valid
            .id_number
            .as_ref()
            .filter(|n| Some(*n) != existing.as_ref())
            .map(|n| store(&state.data_key, n));
        (valid.fields, stored)
    });
    let (street, by) = (user.street_id, user.user_id);
    let stored_version = current.version;
    let (mut tx, (fields, stored)) = match edit::save(
        tx,
        page,
        sent,
        current.clone(),
        stored_version,
        valid,
        |tx, version, (fields, stored)| {
            Box::pin(async move {
                let saved =
                    queries::update(tx, street, id, version, fields, stored.as_ref(), by).await?;
                Ok(saved.is_some())
            })
        },
    )
    .await?
    {
        Edited::Saved(tx, input) => (tx, input),
        Edited::Refused(page) => return Ok(page),
    };
    let changed = queries::changed_fields(&current, &fields, stored.is_some());
    audit::record(
        &mut tx,
        "child_updated",
        "child",
        Some(id.0),
        &ip,
        json!({ "fields": changed }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&links::children::child(id)).into_response())
}
