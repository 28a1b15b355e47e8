//! Spreadsheets in and out: the roster template, importing children with their guardians
//! (preview first, then all rows or none), and exports of the children list, volunteers and the
//! duty grid. Every export is audited.

mod children;
pub mod columns;
pub mod export;
pub mod layout;
pub mod read;
mod read_xls;
mod read_xlsx;
mod volunteers;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde_json::json;
use uuid::Uuid;

use crate::audit;
use crate::auth::Staff;
use crate::auth::Tenant;
use crate::db::Tx;
use crate::domain::ids::CommunityId;
use crate::domain::semester::today_in_china;
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::PathId;
use crate::web::context::{PageCtx, RequestContext};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/children/template.xlsx", get(export::template))
        .route("/children/export.xlsx", get(export::export_children))
        .route("/volunteers/export.xlsx", get(export::export_volunteers))
        .route("/pairings/duties/export.xlsx", get(export::export_duties))
        .route(
            "/children/import",
            get(import_children_form)
                .post(upload_children)
                .layer(DefaultBodyLimit::max(read::MAX_BYTES + 64 * 1024)),
        )
        .route("/children/import/{id}", get(preview).post(confirm))
        .route("/children/import/{id}/mapping", post(save_mapping))
        .route(
            "/volunteers/import",
            get(import_volunteers_form)
                .post(upload_volunteers)
                .layer(DefaultBodyLimit::max(read::MAX_BYTES + 64 * 1024)),
        )
        .route("/volunteers/import/{id}", get(preview).post(confirm))
        .route("/volunteers/import/{id}/mapping", post(save_mapping))
}

#[derive(Template, WebTemplate)]
#[template(path = "spreadsheets/import.html")]
pub struct ImportPage {
    ctx: PageCtx,
    /// `children` or `volunteers`.
    kind: &'static str,
    communities: Vec<(Uuid, String)>,
    error: Option<&'static str>,
    batch: Option<Uuid>,
    file_name: String,
    headers: Vec<String>,
    /// The Chinese name of each column's field, for its cells' messages.
    field_names: Vec<&'static str>,
    rows: Vec<children::RowCheck<()>>,
    error_rows: usize,
    /// Rows that would create a child; rows of children already in the street, and of those
    /// the ones whose file values differ.
    new_rows: usize,
    existing_rows: usize,
    changed_rows: usize,
    /// Rows without problems are shown a page at a time, after every row with one.
    page: usize,
    pages: usize,
    /// Where the roster was found in the file.
    found: Option<layout::Found>,
    /// Required fields the file has no column for (their Chinese names).
    missing: Vec<&'static str>,
    /// The mapping step: every column, when one needs a field chosen.
    mapping_step: Vec<MappingColumn>,
    field_options: Vec<(&'static str, &'static str)>,
    mapping_error: bool,
}

/// A column of the file in the mapping step.
pub struct MappingColumn {
    index: usize,
    label: String,
    /// Its first values.
    samples: String,
    /// The field it is read as now ("": not imported).
    selected: &'static str,
    unmapped: bool,
}

impl ImportPage {
    fn is_selected(&self, column: &MappingColumn, key: &&'static str) -> bool {
        column.selected == *key
    }

    fn cell_error(&self, row: &children::RowCheck<()>, column: &usize) -> Option<&'static str> {
        row.errors.get(column).copied()
    }

    /// The Chinese names of the fields a row of a child on file would change.
    fn changes(&self, row: &children::RowCheck<()>) -> String {
        row.existing
            .as_ref()
            .map(|e| {
                e.changes
                    .iter()
                    .filter_map(|f| columns::field_label(f))
                    .collect::<Vec<_>>()
                    .join("、")
            })
            .unwrap_or_default()
    }

    fn field_name(&self, column: &usize) -> &'static str {
        self.field_names.get(*column).copied().unwrap_or("")
    }

    /// "3" or "3–4".
    fn header_rows(&self) -> String {
        self.found
            .as_ref()
            .map(|f| {
                f.header_rows
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join("–")
            })
            .unwrap_or_default()
    }

    fn hidden_rows(&self) -> String {
        self.found
            .as_ref()
            .map(|f| {
                f.hidden_rows
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join("、")
            })
            .unwrap_or_default()
    }
}

/// The roster in an uploaded file: every sheet read within bounds, then the header looked for,
/// with the columns mapped by hand first.
pub fn roster(
    bytes: &[u8],
    kind: &str,
    mapping: &layout::Mapping,
) -> Result<(read::Table, layout::Found), &'static str> {
    let recognise: layout::Recognise = if kind == "volunteers" {
        volunteers::recognise
    } else {
        columns::recognise_child
    };
    layout::find(read::read(bytes)?, recognise, mapping)
}

/// The fields a column of this kind of roster may be mapped to: (key, Chinese name).
fn known_fields(kind: &str) -> Vec<(&'static str, &'static str)> {
    let lists: &[&[(&'static str, &'static str, &'static [&'static str])]] = if kind == "volunteers"
    {
        &[volunteers::VOLUNTEER_COLUMNS]
    } else {
        &[columns::CHILD_COLUMNS, columns::EXTRA_COLUMNS]
    };
    lists
        .iter()
        .flat_map(|l| l.iter())
        .map(|(key, label, _)| (*key, *label))
        .collect()
}

/// The street's remembered mapping of this kind, then the batch's own over it.
async fn mapping_of(
    tx: &mut Tx,
    street: crate::domain::ids::StreetId,
    kind: &str,
    batch: Option<&serde_json::Value>,
) -> Result<layout::Mapping> {
    let known = known_fields(kind);
    let resolve = |field: &str| -> Option<Option<&'static str>> {
        if field.is_empty() {
            return Some(None);
        }
        known
            .iter()
            .find(|(k, _)| *k == field)
            .map(|(k, _)| Some(*k))
    };
    let mut mapping = layout::Mapping::new();
    let remembered: Vec<(String, String)> = sqlx::query_as(
        "SELECT header, field FROM import_mapping WHERE street_id = $1 AND kind = $2",
    )
    .bind(street.0)
    .bind(kind)
    .fetch_all(&mut **tx)
    .await?;
    for (header, field) in remembered {
        if let Some(f) = resolve(&field) {
            mapping.insert(header, f);
        }
    }
    if let Some(serde_json::Value::Object(own)) = batch {
        for (header, field) in own {
            if let Some(f) = field.as_str().and_then(resolve) {
                mapping.insert(header.clone(), f);
            }
        }
    }
    Ok(mapping)
}

/// Files refused by their name before they are read.
fn refused_by_name(file_name: &str) -> Option<&'static str> {
    let lower = file_name.to_lowercase();
    (lower.ends_with(".et") || lower.ends_with(".ett")).then_some("import.error.et")
}

async fn page(tx: &mut Tx, staff: &Staff, ctx: PageCtx, kind: &'static str) -> Result<ImportPage> {
    let communities =
        crate::web::communities::db::choices(tx, staff.user.street_id, staff.scope.filter())
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
    Ok(ImportPage {
        ctx,
        kind,
        communities,
        error: None,
        batch: None,
        file_name: String::new(),
        headers: Vec::new(),
        field_names: Vec::new(),
        rows: Vec::new(),
        error_rows: 0,
        new_rows: 0,
        existing_rows: 0,
        changed_rows: 0,
        page: 1,
        pages: 1,
        found: None,
        missing: Vec::new(),
        mapping_step: Vec::new(),
        field_options: Vec::new(),
        mapping_error: false,
    })
}

async fn import_form(
    tenant: &Tenant,
    _state: AppState,
    ctx: PageCtx,
    staff: Staff,
    kind: &'static str,
) -> Result<ImportPage> {
    let mut tx = tenant.begin().await?;
    let p = page(&mut tx, &staff, ctx, kind).await?;
    tx.commit().await?;
    Ok(p)
}

pub async fn import_children_form(
    tenant: Tenant,
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: Staff,
) -> Result<ImportPage> {
    import_form(&tenant, state, ctx, staff, "children").await
}

pub async fn import_volunteers_form(
    tenant: Tenant,
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: Staff,
) -> Result<ImportPage> {
    import_form(&tenant, state, ctx, staff, "volunteers").await
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
    let mut p = page(&mut tx, &staff, PageCtx::from(rctx), kind).await?;
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
        .or_else(|| form.field("community_id").and_then(|c| c.parse().ok()))
        .filter(|c| p.communities.iter().any(|(id, _)| id == c));
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
    if let Some(key) = refused_by_name(&name) {
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
    let batch = Uuid::now_v7();
    sqlx::query!(
        "INSERT INTO import_batch (street_id, id, community_id, kind, file_name, content, created_by) VALUES ($1, $2, $3, $7, $4, $5, $6)",
        user.street_id.0,
        batch,
        community,
        name,
        bytes,
        user.user_id.0,
        kind,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/{kind}/import/{batch}")).into_response())
}

/// What a checked batch holds, by kind.
enum Checked {
    Children(Vec<children::RowCheck<children::ImportChild>>),
    Volunteers(Vec<children::RowCheck<volunteers::ImportVolunteer>>),
}

impl Checked {
    fn views(&self) -> Vec<children::RowCheck<()>> {
        fn view<T>(rows: &[children::RowCheck<T>]) -> Vec<children::RowCheck<()>> {
            rows.iter()
                .map(|r| children::RowCheck {
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
#[derive(sqlx::FromRow)]
struct BatchRow {
    community_id: Uuid,
    file_name: String,
    content: Vec<u8>,
    kind: String,
    mapping: serde_json::Value,
}

async fn batch_row(tx: &mut Tx, staff: &Staff, batch: Uuid, kind: &str) -> Result<BatchRow> {
    let user = &staff.user;
    sqlx::query_as::<_, BatchRow>(
        "SELECT community_id, file_name, content, kind, mapping FROM import_batch
         WHERE street_id = $1 AND id = $2 AND created_by = $3 AND kind = $4",
    )
    .bind(user.street_id.0)
    .bind(batch)
    .bind(user.user_id.0)
    .bind(kind)
    .fetch_optional(&mut **tx)
    .await?
    .filter(|r| staff.scope.allows(CommunityId(r.community_id)))
    .ok_or(AppError::NotFound)
}

/// The batch, checked: every row with its cell errors. Only the uploader's own batch.
async fn checked(
    state: &AppState,
    tx: &mut Tx,
    staff: &Staff,
    batch: Uuid,
    kind: &str,
) -> Result<(
    String,
    CommunityId,
    read::Table,
    layout::Found,
    Option<Checked>,
)> {
    let user = &staff.user;
    let row = batch_row(tx, staff, batch, kind).await?;
    let mapping = mapping_of(tx, user.street_id, kind, Some(&row.mapping)).await?;
    let (table, found) = roster(&row.content, kind, &mapping).map_err(|_| AppError::NotFound)?;
    let community = CommunityId(row.community_id);
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
    Ok((row.file_name, community, table, found, rows))
}

#[derive(serde::Deserialize, Default)]
pub struct PreviewQuery {
    #[serde(default)]
    page: Option<usize>,
    /// The mapping just submitted named one field for two columns.
    #[serde(default)]
    mapping_error: Option<String>,
}

/// Rows without problems shown on one page of the preview.
const PREVIEW_PAGE: usize = 100;

pub async fn preview(
    tenant: Tenant,
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: Staff,
    PathId(batch): PathId<Uuid>,
    axum::extract::Query(query): axum::extract::Query<PreviewQuery>,
) -> Result<Response> {
    let wanted_page = query.page.unwrap_or(1).max(1);
    let mut tx = tenant.begin().await?;
    let kind = if ctx.path.starts_with("/volunteers") {
        "volunteers"
    } else {
        "children"
    };
    let mut p = page(&mut tx, &staff, ctx, kind).await?;
    match checked(&state, &mut tx, &staff, batch, kind).await {
        Ok((file_name, _, table, found, checked)) => {
            let rows = checked.as_ref().map(Checked::views).unwrap_or_default();
            let named = checked.is_some();
            p.error_rows = rows.iter().filter(|r| !r.errors.is_empty()).count();
            let fine = || rows.iter().filter(|r| r.errors.is_empty());
            p.existing_rows = fine().filter(|r| r.existing.is_some()).count();
            p.changed_rows = fine()
                .filter(|r| r.existing.as_ref().is_some_and(|e| !e.changes.is_empty()))
                .count();
            p.new_rows = fine().count() - p.existing_rows;
            p.batch = Some(batch);
            p.file_name = file_name;
            if kind == "children" {
                p.missing = columns::missing_columns(&columns::columns_of(&table.fields))
                    .into_iter()
                    .filter_map(columns::field_label)
                    .collect();
                p.field_names = table
                    .fields
                    .iter()
                    .map(|f| f.and_then(columns::field_label).unwrap_or(""))
                    .collect();
            }
            // The mapping step: every column with its first values and the field it is read as,
            // when one is not recognised or a required field has no column.
            if !found.unmapped.is_empty() || !p.missing.is_empty() || !named {
                p.mapping_step = (0..table.headers.len())
                    .map(|i| MappingColumn {
                        index: i,
                        label: table.headers[i].clone(),
                        samples: table
                            .rows
                            .iter()
                            .map(|r| r[i].as_str())
                            .filter(|c| !c.is_empty())
                            .take(3)
                            .collect::<Vec<_>>()
                            .join("、"),
                        selected: table.fields[i].unwrap_or(""),
                        unmapped: found.unmapped.contains(&i),
                    })
                    .collect();
                p.field_options = known_fields(kind);
                if !named {
                    p.error = Some("import.mapping.name_needed");
                }
            }
            p.mapping_error = query.mapping_error.is_some();
            p.headers = table.headers;
            p.found = Some(found);
            // Every row with a problem, then a page of the others: a preview of 10,000 rows
            // stays a page, not megabytes.
            let (problems, fine): (Vec<_>, Vec<_>) =
                rows.into_iter().partition(|r| !r.errors.is_empty());
            p.pages = fine.len().div_ceil(PREVIEW_PAGE).max(1);
            p.page = wanted_page.min(p.pages);
            let start = (p.page - 1) * PREVIEW_PAGE;
            p.rows = problems
                .into_iter()
                .chain(fine.into_iter().skip(start).take(PREVIEW_PAGE))
                .collect();
        }
        Err(e) => return Err(e),
    }
    tx.commit().await?;
    Ok(p.into_response())
}

/// Write every row in one transaction, or none: a single faulty row stops the whole import.
/// Save the fields chosen for the file's columns: for this upload, and for the street, so the
/// next roster with the same headers needs no step. `col_N` is the field of column N ("": not
/// imported).
pub async fn save_mapping(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(batch): PathId<Uuid>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Result<Response> {
    let user = &staff.user;
    let kind = if rctx.path.starts_with("/volunteers") {
        "volunteers"
    } else {
        "children"
    };
    let back = format!("/{kind}/import/{batch}");
    let mut tx = tenant.begin().await?;
    let row = batch_row(&mut tx, &staff, batch, kind).await?;
    let mapping = mapping_of(&mut tx, user.street_id, kind, Some(&row.mapping)).await?;
    let (table, _) = roster(&row.content, kind, &mapping).map_err(|_| AppError::NotFound)?;
    let known = known_fields(kind);
    let mut chosen: Vec<(String, &'static str)> = Vec::new();
    for (name, value) in &form {
        let Some(index) = name
            .strip_prefix("col_")
            .and_then(|i| i.parse::<usize>().ok())
        else {
            continue;
        };
        let label = table.headers.get(index).ok_or(AppError::BadRequest)?;
        let field = if value.is_empty() {
            ""
        } else {
            known
                .iter()
                .find(|(k, _)| k == value)
                .map(|(k, _)| *k)
                .ok_or(AppError::BadRequest)?
        };
        if !label.is_empty() {
            chosen.push((label.clone(), field));
        }
    }
    // One field, one column.
    let mut fields: Vec<&str> = chosen
        .iter()
        .map(|(_, f)| *f)
        .filter(|f| !f.is_empty())
        .collect();
    fields.sort_unstable();
    if fields.windows(2).any(|w| w[0] == w[1]) {
        tx.commit().await?;
        return Ok(Redirect::to(&format!("{back}?mapping_error=1")).into_response());
    }
    let mut own = match row.mapping {
        serde_json::Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    for (label, field) in &chosen {
        own.insert(label.clone(), json!(field));
        sqlx::query(
            "INSERT INTO import_mapping (street_id, kind, header, field, updated_by) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (street_id, kind, header) DO UPDATE SET field = EXCLUDED.field,
                 updated_by = EXCLUDED.updated_by, updated_at = now()",
        )
        .bind(user.street_id.0)
        .bind(kind)
        .bind(label)
        .bind(field)
        .bind(user.user_id.0)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE import_batch SET mapping = $3 WHERE street_id = $1 AND id = $2")
        .bind(user.street_id.0)
        .bind(batch)
        .bind(serde_json::Value::Object(own))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Redirect::to(&back).into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct ConfirmForm {
    /// What happens to children already in the street: `skip` (the default) or `update`.
    #[serde(default)]
    existing: String,
}

pub async fn confirm(
    tenant: Tenant,
    State(state): State<AppState>,
    rctx: RequestContext,
    staff: Staff,
    PathId(batch): PathId<Uuid>,
    axum::Form(form): axum::Form<ConfirmForm>,
) -> Result<Response> {
    let update_existing = form.existing == "update";
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let kind = if rctx.path.starts_with("/volunteers") {
        "volunteers"
    } else {
        "children"
    };
    let back = format!("/{kind}/import/{batch}");
    let (_, community, table, found, checked) =
        match checked(&state, &mut tx, &staff, batch, kind).await {
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
        && !columns::missing_columns(&columns::columns_of(&table.fields)).is_empty();
    if missing || checked.has_errors() {
        tx.commit().await?;
        return Ok(Redirect::to(&back).into_response());
    }
    let (count, action, next) = match checked {
        Checked::Children(rows) => {
            // Children already in the street are left as they are, or updated with the fields
            // their rows hold when the user chose so.
            let changed: Vec<(Uuid, &children::ImportChild, &[&'static str])> = rows
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
            children::update_existing(&mut tx, user.street_id, &changed, user.user_id, &ip).await?;
            let new = rows
                .into_iter()
                .filter(|r| r.existing.is_none())
                .filter_map(|r| r.valid)
                .collect();
            (
                children::insert_all(&mut tx, user.street_id, new, user.user_id).await?,
                "children_imported",
                format!("/children?community={community}"),
            )
        }
        Checked::Volunteers(rows) => {
            let valid = rows.into_iter().filter_map(|r| r.valid).collect();
            (
                volunteers::insert_all(&mut tx, user.street_id, community, valid).await?,
                "volunteers_imported",
                "/volunteers".to_string(),
            )
        }
    };
    sqlx::query!(
        "DELETE FROM import_batch WHERE street_id = $1 AND id = $2",
        user.street_id.0,
        batch
    )
    .execute(&mut *tx)
    .await?;
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
