use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde_json::json;
use uuid::Uuid;

use super::db::{self as queries, ChildRecord, Duplicate, ListRow, StoredIdNumber};
use super::forms::{self, ChildForm, ListQuery, PAGE_SIZE};
use super::view::{ChildPage, child_page};
use crate::audit;
use crate::auth::Staff;
use crate::auth::Tenant;
use crate::db::Tx;
use crate::domain::child::{CareSituation, ChildStatus, RiskLevel};
use crate::domain::crypto::DataKey;
use crate::domain::id_number::IdNumber;
use crate::domain::ids::{ChildId, CommunityId};
use crate::domain::semester::today_in_china;
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::PathId;
use crate::web::communities::db::{CommunitySummary, summaries};
use crate::web::context::{PageCtx, RequestContext};
use crate::web::forms::FieldErrors;
use crate::web::scope;

#[derive(Template, WebTemplate)]
#[template(path = "children/list.html")]
pub struct ChildrenPage {
    ctx: PageCtx,
    rows: Vec<ListRow>,
    total: i64,
    page: i64,
    pages: i64,
    query: ListQuery,
    communities: Vec<CommunitySummary>,
    grids: Vec<(Uuid, Uuid, String)>,
    is_admin: bool,
    statuses: &'static [ChildStatus],
    risks: &'static [RiskLevel],
    cares: &'static [CareSituation],
    today: NaiveDate,
}

impl ChildrenPage {
    fn age(&self, birth: &NaiveDate) -> i32 {
        crate::domain::child::age_on(*birth, self.today)
    }

    /// Where a child lives: the community, or the community and grid.
    fn place<'a>(&'a self, row: &'a ListRow) -> &'a str {
        row.grid_id
            .and_then(|id| self.grids.iter().find(|(g, _, _)| *g == id))
            .map_or(row.community_name.as_str(), |(_, _, label)| label.as_str())
    }
}

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
    let (rows, total) = queries::list(&mut tx, user.street_id, &filter).await?;
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

#[derive(Template, WebTemplate)]
#[template(path = "children/form.html")]
pub struct ChildFormPage {
    pub ctx: PageCtx,
    /// `None` for a new file.
    pub child: Option<ChildRecord>,
    pub form: ChildForm,
    pub errors: FieldErrors,
    pub communities: Vec<(Uuid, String)>,
    pub grids: Vec<(Uuid, Uuid, String)>,
    pub duplicates: Vec<Duplicate>,
    /// The file as someone else saved it meanwhile (a stale save).
    pub conflict: Option<ChildRecord>,
    pub options: FormOptions,
    /// Whether the health, disability and psychological notes may be shown and edited: only
    /// with the guardian's consent for that part (always for a new file, whose consent is
    /// recorded with it; the notes stay hidden on the file until then).
    pub sensitive: [bool; 3],
}

/// The closed lists the form offers.
pub struct FormOptions {
    pub genders: Vec<&'static str>,
    pub left_behind: Vec<&'static str>,
    pub cares: Vec<&'static str>,
    pub risks: Vec<&'static str>,
}

impl Default for FormOptions {
    fn default() -> Self {
        use crate::domain::child::{Gender, LeftBehind};
        FormOptions {
            genders: Gender::keys(),
            left_behind: LeftBehind::keys(),
            cares: CareSituation::keys(),
            risks: RiskLevel::keys(),
        }
    }
}

impl ChildFormPage {
    fn err(&self, field: &str) -> Option<&'static str> {
        self.errors.get(field)
    }
}

pub async fn form_page(
    tx: &mut Tx,
    staff: &Staff,
    ctx: PageCtx,
    child: Option<ChildRecord>,
    form: ChildForm,
    errors: FieldErrors,
) -> Result<ChildFormPage> {
    let street = staff.user.street_id;
    let communities: Vec<(Uuid, String)> =
        crate::web::communities::db::choices(tx, street, staff.scope.filter())
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
    let only = child
        .as_ref()
        .map(|c| c.community_id)
        .or(staff.scope.filter());
    let grids = crate::web::communities::db::grid_choices(tx, street, only, |id| {
        communities
            .iter()
            .find(|(c, _)| *c == id)
            .map(|(_, name)| name.as_str())
    })
    .await?;
    let sensitive = match &child {
        Some(c) => {
            let consents = queries::consents(tx, street, ChildId(c.id)).await?;
            let active = |scope: crate::domain::child::ConsentScope| {
                consents
                    .iter()
                    .any(|k| k.scope == scope && k.withdrawn_on.is_none())
            };
            use crate::domain::child::ConsentScope as S;
            [
                active(S::Health),
                active(S::Disability),
                active(S::Psychological),
            ]
        }
        None => [true; 3],
    };
    let mut form = form;
    // Without consent the stored note never reaches the browser.
    for (allowed, field) in sensitive.iter().zip([
        &mut form.health_condition,
        &mut form.disability_note,
        &mut form.psychological_note,
    ]) {
        if !allowed {
            field.clear();
        }
    }
    Ok(ChildFormPage {
        ctx,
        child,
        form,
        errors,
        communities,
        grids,
        duplicates: Vec::new(),
        conflict: None,
        options: FormOptions::default(),
        sensitive,
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
    communities: &[(Uuid, String)],
) -> Option<CommunityId> {
    let id: Uuid = form.community_id.parse().ok()?;
    (staff.scope.allows(CommunityId(id)) && communities.iter().any(|(c, _)| *c == id))
        .then_some(CommunityId(id))
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
                    if staff.scope.allows(CommunityId(d.community_id)) {
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
    Ok(Redirect::to(&format!("/children/{id}")).into_response())
}

pub async fn show_child(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ChildId>,
) -> Result<ChildPage> {
    let _user = &staff.user;
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
    let _user = &staff.user;
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    audit::record(
        &mut tx,
        "child_viewed",
        "child",
        Some(id.0),
        &ip,
        json!({ "form": "edit" }),
    )
    .await?;
    let form = ChildForm::from_record(&child);
    let page = form_page(
        &mut tx,
        &staff,
        PageCtx::from(rctx),
        Some(child),
        form,
        FieldErrors::default(),
    )
    .await?;
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
    let version: i32 = form
        .version
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest)?;
    let mut page = form_page(
        &mut tx,
        &staff,
        PageCtx::from(rctx),
        Some(current.clone()),
        form.clone(),
        FieldErrors::default(),
    )
    .await?;
    if version != current.version {
        // Someone saved in between: show both, keep what this user typed, nothing written.
        tx.commit().await?;
        return Ok((StatusCode::CONFLICT, conflict_page(page, current)).into_response());
    }
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
    let community = Some(CommunityId(current.community_id));
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
    );
    let mut valid = match valid {
        Ok(v) => v,
        Err(errors) => {
            tx.commit().await?;
            page.errors = errors;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
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
    let changed = forms::changed_fields(&current, &valid.fields, stored.is_some());
    match queries::update(
        &mut tx,
        user.street_id,
        id,
        version,
        &valid.fields,
        stored.as_ref(),
        user.user_id,
    )
    .await?
    {
        Some(_) => {
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
            Ok(Redirect::to(&format!("/children/{id}")).into_response())
        }
        None => {
            let latest = queries::find(&mut tx, user.street_id, id)
                .await?
                .ok_or(AppError::NotFound)?;
            tx.commit().await?;
            Ok((StatusCode::CONFLICT, conflict_page(page, latest)).into_response())
        }
    }
}

/// The edit form again with the user's values, the version of the newer save, and that save
/// shown beside it.
fn conflict_page(mut page: ChildFormPage, latest: ChildRecord) -> ChildFormPage {
    page.form.version = latest.version.to_string();
    page.child = Some(latest.clone());
    page.conflict = Some(latest);
    page
}
