//! Importing a roster: the upload form, the upload (kept unapplied), its preview, the fields
//! chosen for its columns, and the confirmation that writes every row or none.

use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::children::{self, RowCheck};
use super::db::{self as queries, BatchRow};
use super::forms::{self, ConfirmForm, PreviewQuery};
use super::import_db::{self, ImportChild, ImportVolunteer};
use super::layout::{self, Found, Mapping, roster};
use super::read::Table;
use super::view::{ImportPage, Preview, import_page};
use super::volunteers;
use crate::audit;
use crate::auth::Staff;
use crate::auth::Tenant;
use crate::db::Tx;
use crate::domain::ids::{ChildId, CommunityId, ImportId, StreetId};
use crate::domain::semester::today_in_china;
use crate::error::{AppError, Result};
use crate::links;
use crate::state::AppState;
use crate::web::PathId;
use crate::web::context::{PageCtx, RequestContext};

/// The kind of roster a path is about: `/volunteers/import…`, else `/children/import…`.
fn kind_of(path: &str) -> &'static str {
    if path.starts_with(links::spreadsheets::VOLUNTEERS_IMPORT) {
        "volunteers"
    } else {
        "children"
    }
}

pub async fn import_children_form(
    tenant: Tenant,
    ctx: PageCtx,
    staff: Staff,
) -> Result<ImportPage> {
    import_form(&tenant, ctx, staff, "children").await
}

pub async fn import_volunteers_form(
    tenant: Tenant,
    ctx: PageCtx,
    staff: Staff,
) -> Result<ImportPage> {
    import_form(&tenant, ctx, staff, "volunteers").await
}

async fn import_form(
    tenant: &Tenant,
    ctx: PageCtx,
    staff: Staff,
    kind: &'static str,
) -> Result<ImportPage> {
    let mut tx = tenant.begin().await?;
    let page = import_page(&mut tx, &staff, ctx, kind).await?;
    tx.commit().await?;
    Ok(page)
}

pub async fn upload_children(
    tenant: Tenant,
    State(state): State<AppState>,
    rctx: RequestContext,
    staff: Staff,
    request: Request,
) -> Result<Response> {
    upload(&tenant, state, rctx, staff, request, "children").await
}

pub async fn upload_volunteers(
    tenant: Tenant,
    State(state): State<AppState>,
    rctx: RequestContext,
    staff: Staff,
    request: Request,
) -> Result<Response> {
    upload(&tenant, state, rctx, staff, request, "volunteers").await
}

/// Keep the uploaded file (unapplied) and show its preview. The whole body is read before a
/// transaction begins, so a slow upload holds no database connection.
async fn upload(
    tenant: &Tenant,
    state: AppState,
    rctx: RequestContext,
    staff: Staff,
    request: Request,
    kind: &'static str,
) -> Result<Response> {
    let form = crate::web::upload::read_form(request, &state, "file").await?;
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let mut p = import_page(&mut tx, &staff, PageCtx::from(rctx), kind).await?;
    let Some(form) = form else {
        // Not an upload at all (a form without the file part): say so beside the field.
        tx.commit().await?;
        p.error = Some("import.error.empty");
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
    };
    let name = form.file_name.clone();
    let community = staff
        .scope
        .filter()
        .map(CommunityId)
        .or_else(|| form.field("community_id").and_then(|c| c.parse().ok()))
        .filter(|c| p.communities.iter().any(|(id, _)| *id == c.0));
    let refuse = |mut p: ImportPage, key: &'static str| {
        p.error = Some(key);
        (StatusCode::UNPROCESSABLE_ENTITY, p).into_response()
    };
    let Some(community) = community else {
        tx.commit().await?;
        return Ok(refuse(p, "user.error.community_required"));
    };
    let bytes = match (form.too_big, form.file) {
        (true, _) => return Ok(refuse(p, "import.error.too_big")),
        (false, None) => return Ok(refuse(p, "import.error.empty")),
        (false, Some(b)) => b,
    };
    if let Some(key) = forms::refused_by_name(&name) {
        tx.commit().await?;
        return Ok(refuse(p, key));
    }
    // Read it now, so a bad file is refused at once and nothing is kept; without holding a
    // database connection while a large file is read.
    let mapping = mapping_of(&mut tx, user.street_id, kind, None).await?;
    tx.commit().await?;
    let parsed = tokio::task::spawn_blocking({
        let bytes = bytes.clone();
        move || roster(&bytes, kind, &mapping).map(|_| ())
    })
    .await
    .map_err(AppError::internal)?;
    if let Err(key) = parsed {
        p.error = Some(key);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
    }
    let mut tx = tenant.begin().await?;
    let batch = ImportId::new();
    queries::insert_batch(
        &mut tx,
        user.street_id,
        batch,
        community,
        kind,
        &name,
        &bytes,
        user.user_id,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&links::spreadsheets::import_batch(kind, batch)).into_response())
}

/// The street's remembered mapping of this kind, then the batch's own over it.
async fn mapping_of(
    tx: &mut Tx,
    street: StreetId,
    kind: &str,
    batch: Option<&serde_json::Value>,
) -> Result<Mapping> {
    let remembered = queries::remembered_mapping(tx, street, kind).await?;
    Ok(layout::mapping_of(kind, remembered, batch))
}

/// What a checked batch holds, by kind.
enum Checked {
    Children(Vec<RowCheck<ImportChild>>),
    Volunteers(Vec<RowCheck<ImportVolunteer>>),
}

impl Checked {
    /// The rows as the preview shows them.
    fn views(&self) -> Vec<RowCheck<()>> {
        fn view<T>(rows: &[RowCheck<T>]) -> Vec<RowCheck<()>> {
            rows.iter()
                .map(|r| RowCheck {
                    number: r.number,
                    cells: r.cells.clone(),
                    errors: r.errors.clone(),
                    valid: None,
                    existing: r.existing.clone(),
                })
                .collect()
        }
        match self {
            Checked::Children(rows) => view(rows),
            Checked::Volunteers(rows) => view(rows),
        }
    }

    /// Whether any row has a faulty cell (without copying the rows, as `views` does).
    fn has_errors(&self) -> bool {
        match self {
            Checked::Children(rows) => rows.iter().any(|r| !r.errors.is_empty()),
            Checked::Volunteers(rows) => rows.iter().any(|r| !r.errors.is_empty()),
        }
    }
}

/// A kept upload: only the uploader's own, of this kind, in their scope.
async fn batch_row(tx: &mut Tx, staff: &Staff, batch: ImportId, kind: &str) -> Result<BatchRow> {
    let user = &staff.user;
    queries::batch(tx, user.street_id, batch, user.user_id, kind)
        .await?
        .filter(|r| staff.scope.allows(r.community_id))
        .ok_or(AppError::NotFound)
}

/// A batch, checked: every row with its cell errors.
struct CheckedBatch {
    file_name: String,
    community: CommunityId,
    table: Table,
    found: Found,
    /// `None` while no column is read as the name (the mapping step asks for one).
    rows: Option<Checked>,
}

/// The batch, checked: every row with its cell errors. Only the uploader's own batch.
async fn checked(
    state: &AppState,
    tx: &mut Tx,
    staff: &Staff,
    batch: ImportId,
    kind: &str,
) -> Result<CheckedBatch> {
    let user = &staff.user;
    let row = batch_row(tx, staff, batch, kind).await?;
    let mapping = mapping_of(tx, user.street_id, kind, Some(&row.mapping)).await?;
    let (table, found) = roster(&row.content, kind, &mapping).map_err(|_| AppError::NotFound)?;
    let community = row.community_id;
    let rows = if row.kind == "volunteers" {
        volunteers::check(tx, user.street_id, &table, today_in_china())
            .await
            .map(Checked::Volunteers)
    } else {
        children::check(
            tx,
            user.street_id,
            community,
            &table,
            &state.data_key,
            today_in_china(),
        )
        .await
        .map(Checked::Children)
    };
    // Without a column for each required name, there is nothing to check until it is mapped.
    let rows = match rows {
        Ok(rows) => Some(rows),
        Err(AppError::Internal(key)) if key == "import.error.no_header" => None,
        Err(e) => return Err(e),
    };
    Ok(CheckedBatch {
        file_name: row.file_name,
        community,
        table,
        found,
        rows,
    })
}

pub async fn preview(
    tenant: Tenant,
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: Staff,
    PathId(batch): PathId<ImportId>,
    Query(query): Query<PreviewQuery>,
) -> Result<Response> {
    let wanted_page = query.page.unwrap_or(1).max(1);
    let mut tx = tenant.begin().await?;
    let kind = kind_of(&ctx.path);
    let mut p = import_page(&mut tx, &staff, ctx, kind).await?;
    let checked = checked(&state, &mut tx, &staff, batch, kind).await?;
    p.show(Preview {
        batch,
        file_name: checked.file_name,
        rows: checked.rows.as_ref().map(Checked::views),
        table: checked.table,
        found: checked.found,
        page: wanted_page,
        mapping_error: query.mapping_error.is_some(),
    });
    tx.commit().await?;
    Ok(p.into_response())
}

/// Save the fields chosen for the file's columns: for this upload, and for the street, so the
/// next roster with the same headers needs no step. `col_N` is the field of column N ("": not
/// imported).
pub async fn save_mapping(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(batch): PathId<ImportId>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Result<Response> {
    let user = &staff.user;
    let kind = kind_of(&rctx.path);
    let mut tx = tenant.begin().await?;
    let row = batch_row(&mut tx, &staff, batch, kind).await?;
    let mapping = mapping_of(&mut tx, user.street_id, kind, Some(&row.mapping)).await?;
    let (table, _) = roster(&row.content, kind, &mapping).map_err(|_| AppError::NotFound)?;
    let chosen = forms::chosen_fields(&form, &table.headers, &layout::known_fields(kind))?;
    if forms::names_a_field_twice(&chosen) {
        tx.commit().await?;
        return Ok(
            Redirect::to(&links::spreadsheets::import_mapping_refused(kind, batch)).into_response(),
        );
    }
    let mut own = match row.mapping {
        serde_json::Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    for (label, field) in &chosen {
        own.insert(label.clone(), json!(field));
        queries::remember_mapping(&mut tx, user.street_id, kind, label, field, user.user_id)
            .await?;
    }
    queries::set_batch_mapping(
        &mut tx,
        user.street_id,
        batch,
        serde_json::Value::Object(own),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&links::spreadsheets::import_batch(kind, batch)).into_response())
}

/// Write every row in one transaction, or none: a single faulty row stops the whole import.
pub async fn confirm(
    tenant: Tenant,
    State(state): State<AppState>,
    rctx: RequestContext,
    staff: Staff,
    PathId(batch): PathId<ImportId>,
    axum::Form(form): axum::Form<ConfirmForm>,
) -> Result<Response> {
    let update_existing = form.update_existing();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let kind = kind_of(&rctx.path);
    let back = links::spreadsheets::import_batch(kind, batch);
    let CheckedBatch {
        community,
        table,
        found,
        rows: checked,
        ..
    } = match checked(&state, &mut tx, &staff, batch, kind).await {
        Ok(c) => c,
        Err(AppError::Internal(_)) => return Ok(Redirect::to(&back).into_response()),
        Err(e) => return Err(e),
    };
    // Nothing is imported while a column is neither recognised nor mapped.
    let Some(checked) = checked.filter(|_| found.unmapped.is_empty()) else {
        tx.commit().await?;
        return Ok(Redirect::to(&back).into_response());
    };
    let missing = kind == "children"
        && !super::columns::missing_columns(&super::columns::columns_of(&table.fields)).is_empty();
    if missing || checked.has_errors() {
        tx.commit().await?;
        return Ok(Redirect::to(&back).into_response());
    }
    let (count, action, next) = match checked {
        Checked::Children(rows) => {
            // Children already in the street are left as they are, or updated with the fields
            // their rows hold when the user chose so.
            let changed: Vec<(ChildId, &ImportChild, &[&'static str])> = rows
                .iter()
                .filter(|_| update_existing)
                .filter_map(|r| {
                    let existing = r.existing.as_ref()?;
                    let valid = r.valid.as_ref()?;
                    (!existing.changes.is_empty()).then_some((
                        existing.child,
                        valid,
                        existing.changes.as_slice(),
                    ))
                })
                .collect();
            let ip = rctx.ip.to_string();
            import_db::update_existing(&mut tx, user.street_id, &changed, user.user_id, &ip)
                .await?;
            let new = rows
                .into_iter()
                .filter(|r| r.existing.is_none())
                .filter_map(|r| r.valid)
                .collect();
            (
                import_db::insert_children(&mut tx, user.street_id, new, user.user_id).await?,
                "children_imported",
                links::children::children_of(community),
            )
        }
        Checked::Volunteers(rows) => {
            let valid = rows.into_iter().filter_map(|r| r.valid).collect();
            (
                import_db::insert_volunteers(&mut tx, user.street_id, community, valid).await?,
                "volunteers_imported",
                "/volunteers".to_string(),
            )
        }
    };
    queries::delete_batch(&mut tx, user.street_id, batch).await?;
    audit::record(
        &mut tx,
        action,
        "community",
        Some(community.0),
        &rctx.ip.to_string(),
        json!({ "rows": count }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&next).into_response())
}
