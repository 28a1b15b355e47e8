//! The paths of the spreadsheets: the roster template, the exports and the imports.
//! An import's `kind` is `children` or `volunteers`.

use crate::domain::ids::ImportId;

pub const CHILDREN_TEMPLATE: &str = "/children/template.xlsx";
pub const CHILDREN_EXPORT: &str = "/children/export.xlsx";
pub const VOLUNTEERS_EXPORT: &str = "/volunteers/export.xlsx";
pub const DUTIES_EXPORT: &str = "/pairings/duties/export.xlsx";
pub const CHILDREN_IMPORT: &str = "/children/import";
pub const VOLUNTEERS_IMPORT: &str = "/volunteers/import";

/// The children list's spreadsheet with these filters (an encoded query string).
pub fn children_export(query: &str) -> String {
    format!("{CHILDREN_EXPORT}?{query}")
}

/// Where a roster of this kind is uploaded.
pub fn import(kind: &str) -> String {
    format!("/{kind}/import")
}

/// An uploaded roster's preview, and where it is confirmed.
pub fn import_batch(kind: &str, id: impl Into<ImportId>) -> String {
    let id = id.into();
    format!("/{kind}/import/{id}")
}

/// A page of the preview.
pub fn import_page(kind: &str, id: impl Into<ImportId>, page: usize) -> String {
    let id = id.into();
    format!("/{kind}/import/{id}?page={page}")
}

/// Where the fields chosen for the roster's columns are sent.
pub fn import_mapping(kind: &str, id: impl Into<ImportId>) -> String {
    let id = id.into();
    format!("/{kind}/import/{id}/mapping")
}

/// The preview, saying the mapping just sent named one field for two columns.
pub fn import_mapping_refused(kind: &str, id: impl Into<ImportId>) -> String {
    let id = id.into();
    format!("/{kind}/import/{id}?mapping_error=1")
}
