//! The compliance export's paths.

/// The year's figures (`?year=` picks another year).
pub const COMPLIANCE: &str = "/compliance";

/// The year's workbook.
pub fn export(year: i32) -> String {
    format!("/compliance/export.xlsx?year={year}")
}
