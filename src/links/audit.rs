//! The audit viewer's paths. `filter_query` is an already encoded query string of the filters
//! (see `AuditQuery::filter_query`), possibly empty.

use crate::domain::ids::ChildId;

pub const AUDIT: &str = "/audit";

/// One page of the events that match the filters.
pub fn page(filter_query: &str, page: i64) -> String {
    if filter_query.is_empty() {
        format!("/audit?page={page}")
    } else {
        format!("/audit?{filter_query}&page={page}")
    }
}

/// The events about one child.
pub fn child(id: impl Into<ChildId>) -> String {
    let id = id.into();
    format!("/audit?child={id}")
}

/// The events that match the filters, as a workbook.
pub fn export(filter_query: &str) -> String {
    format!("/audit/export.xlsx?{filter_query}")
}
