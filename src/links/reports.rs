//! Quarterly reports, the street's evaluation and the data-quality view.

use crate::domain::ids::CommunityId;
use crate::domain::semester::Quarter;

pub const REPORTS: &str = "/reports";
pub const EVALUATION: &str = "/reports/evaluation";
pub const QUALITY: &str = "/quality";

/// The street's view of a quarter.
pub fn quarter(q: Quarter) -> String {
    format!("/reports?period={}", q.key())
}

/// The street's view of a quarter, sorted by a column.
pub fn quarter_sorted(period: impl std::fmt::Display, column: &str, dir: &str) -> String {
    format!("/reports?period={period}&sort={column}&dir={dir}")
}

/// The street's view of a quarter as .xlsx.
pub fn street_export(period: impl std::fmt::Display) -> String {
    format!("/reports/export.xlsx?period={period}")
}

/// One community's report for a quarter (`period` as in `Quarter::key`).
pub fn report(community: impl Into<CommunityId>, period: impl std::fmt::Display) -> String {
    format!("/reports/{}/{period}", community.into())
}

pub fn report_export(community: impl Into<CommunityId>, period: impl std::fmt::Display) -> String {
    format!("{}/export.xlsx", report(community, period))
}

pub fn report_narrative(
    community: impl Into<CommunityId>,
    period: impl std::fmt::Display,
) -> String {
    format!("{}/narrative", report(community, period))
}

pub fn report_transition(
    community: impl Into<CommunityId>,
    period: impl std::fmt::Display,
) -> String {
    format!("{}/transition", report(community, period))
}
