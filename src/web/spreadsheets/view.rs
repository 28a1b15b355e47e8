//! The import page: the upload form, and an upload's preview (where the roster was found, the
//! mapping step when a column needs its field chosen, every row with a problem, then a page of
//! the others).

use askama::Template;
use askama_web::WebTemplate;
use uuid::Uuid;

use super::children::RowCheck;
use super::read::Table;
use super::{columns, layout};
use crate::auth::Staff;
use crate::db::Tx;
use crate::domain::ids::ImportId;
use crate::error::Result;
use crate::links;
use crate::web::context::PageCtx;

/// Rows without problems shown on one page of the preview.
const PREVIEW_PAGE: usize = 100;

#[derive(Template, WebTemplate)]
#[template(path = "spreadsheets/import.html")]
pub struct ImportPage {
    ctx: PageCtx,
    /// `children` or `volunteers`.
    kind: &'static str,
    pub communities: Vec<(Uuid, String)>,
    pub error: Option<&'static str>,
    batch: Option<ImportId>,
    file_name: String,
    headers: Vec<String>,
    /// The Chinese name of each column's field, for its cells' messages.
    field_names: Vec<&'static str>,
    rows: Vec<RowCheck<()>>,
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

    fn cell_error(&self, row: &RowCheck<()>, column: &usize) -> Option<&'static str> {
        row.errors.get(column).copied()
    }

    /// The Chinese names of the fields a row of a child on file would change.
    fn changes(&self, row: &RowCheck<()>) -> String {
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

    /// Where a file is uploaded.
    fn upload_link(&self) -> String {
        links::spreadsheets::import(self.kind)
    }

    /// Where the preview's mapping is sent.
    fn mapping_link(&self, batch: &ImportId) -> String {
        links::spreadsheets::import_mapping(self.kind, *batch)
    }

    /// Where the previewed upload is confirmed.
    fn confirm_link(&self, batch: &ImportId) -> String {
        links::spreadsheets::import_batch(self.kind, *batch)
    }

    /// Another page of the preview.
    fn page_link(&self, batch: &ImportId, page: usize) -> String {
        links::spreadsheets::import_page(self.kind, *batch, page)
    }
}

/// The import page of this kind, with the communities an upload may go to and nothing
/// uploaded yet.
pub async fn import_page(
    tx: &mut Tx,
    staff: &Staff,
    ctx: PageCtx,
    kind: &'static str,
) -> Result<ImportPage> {
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

/// What the preview shows of a checked upload.
pub struct Preview {
    pub batch: ImportId,
    pub file_name: String,
    pub table: Table,
    pub found: layout::Found,
    /// Every row checked, or `None` when no column is read as the name yet.
    pub rows: Option<Vec<RowCheck<()>>>,
    /// The page of rows without problems asked for.
    pub page: usize,
    pub mapping_error: bool,
}

impl ImportPage {
    /// The page showing an upload's preview.
    pub fn show(&mut self, preview: Preview) {
        let Preview {
            batch,
            file_name,
            table,
            found,
            rows,
            page: wanted_page,
            mapping_error,
        } = preview;
        let named = rows.is_some();
        let rows = rows.unwrap_or_default();
        let p = self;
        p.error_rows = rows.iter().filter(|r| !r.errors.is_empty()).count();
        let fine = || rows.iter().filter(|r| r.errors.is_empty());
        p.existing_rows = fine().filter(|r| r.existing.is_some()).count();
        p.changed_rows = fine()
            .filter(|r| r.existing.as_ref().is_some_and(|e| !e.changes.is_empty()))
            .count();
        p.new_rows = fine().count() - p.existing_rows;
        p.batch = Some(batch);
        p.file_name = file_name;
        if p.kind == "children" {
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
            p.field_options = layout::known_fields(p.kind);
            if !named {
                p.error = Some("import.mapping.name_needed");
            }
        }
        p.mapping_error = mapping_error;
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
}
