//! What reading a roster shares across formats: the limits, the workbook as rows of text, and
//! cells made plain text within those limits.

use std::collections::HashSet;

use calamine::Data;
use chrono::{Duration, NaiveDate};

pub const MAX_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_ROWS: usize = 20_000;
/// Rows a sheet may reach, counting title, header and footer rows around the data.
pub const MAX_SHEET_ROWS: usize = MAX_ROWS + 50;
pub const MAX_COLUMNS: usize = 100;
/// Excel's own limit for the text of one cell.
pub const MAX_CELL_CHARS: usize = 32_767;
/// The catalog key of every file over the limits, however it is over them.
pub(super) const OVER_LIMITS: &str = "import.error.too_many_rows";

/// The roster found in a workbook: the header's labels, the field of each column, and the data
/// rows (each as wide as the header) with the row numbers Excel shows.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub fields: Vec<Option<&'static str>>,
    pub rows: Vec<Vec<String>>,
    pub row_numbers: Vec<usize>,
    /// (row, column) of cells that held a number too long for Excel to keep (more than 15
    /// digits): their digits are lost.
    pub lossy: HashSet<(usize, usize)>,
}

/// One sheet as text, row by row (0-based, as in the file).
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<String>>,
    /// Rows hidden in the file.
    pub hidden_rows: HashSet<usize>,
    /// Cells that held a number of more than 15 digits.
    pub lossy: HashSet<(usize, usize)>,
}

/// Every sheet of a file (a .csv is one sheet).
#[derive(Debug, Clone, Default)]
pub struct Workbook {
    pub sheets: Vec<Sheet>,
}

/// Sheets of a workbook read; a roster is in one of the first.
pub const MAX_SHEETS: usize = 20;

/// Cells allocated across the sheets of one file.
#[derive(Default)]
pub(super) struct Budget {
    cells: usize,
}

/// Rows of text grown only as far as cells really are, within the limits.
#[derive(Default)]
pub(super) struct Grid {
    pub(super) rows: Vec<Vec<String>>,
    pub(super) lossy: HashSet<(usize, usize)>,
}

impl Grid {
    pub(super) fn put(
        &mut self,
        (row, col): (u32, u32),
        value: Data,
        budget: &mut Budget,
    ) -> Result<(), &'static str> {
        let text = cell_text(&value);
        if text.is_empty() {
            return Ok(());
        }
        let (row, col) = (row as usize, col as usize);
        if row >= MAX_SHEET_ROWS || col >= MAX_COLUMNS || text.chars().count() > MAX_CELL_CHARS {
            return Err(OVER_LIMITS);
        }
        if self.rows.len() <= row {
            budget.cells += row + 1 - self.rows.len();
            self.rows.resize_with(row + 1, Vec::new);
        }
        let cells = &mut self.rows[row];
        if cells.len() <= col {
            budget.cells += col + 1 - cells.len();
            cells.resize(col + 1, String::new());
        }
        if budget.cells > MAX_SHEET_ROWS * MAX_COLUMNS {
            return Err(OVER_LIMITS);
        }
        // A number of more than 15 digits (an ID number typed into a General cell) has lost its
        // last digits: the checks say so instead of trusting them.
        if matches!(value, Data::Float(f) if f.abs() >= 1e15) {
            self.lossy.insert((row, col));
        }
        cells[col] = text;
        Ok(())
    }
}

/// Text as typed, made plain: full-width digits and letters as ASCII, non-breaking and
/// ideographic spaces as spaces, trimmed.
pub fn normalise_cell(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{ff10}'..='\u{ff19}' | '\u{ff21}'..='\u{ff3a}' | '\u{ff41}'..='\u{ff5a}' => {
                char::from_u32(c as u32 - 0xfee0).unwrap_or(c)
            }
            '\u{a0}' | '\u{3000}' => ' ',
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// A cell as the text a person would type (dates as YYYY-MM-DD, whole numbers without ".0").
pub(super) fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => normalise_cell(s),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => excel_date(d.as_f64())
            .map(|d| d.to_string())
            .unwrap_or_default(),
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(_) => String::new(),
    }
}

/// An Excel serial day number (1900 date system) as a date.
pub fn excel_date(serial: f64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1899, 12, 30).map(|base| base + Duration::days(serial.floor() as i64))
}
