//! Reading an uploaded roster: .xlsx, .xls or .csv (UTF-8 or GBK) into a header row and data
//! rows of text, refusing what is not a plain spreadsheet of values. This file holds the limits,
//! the cells as text and the .csv; `read_xlsx` and `read_xls` read the workbooks.

use std::collections::HashSet;

use calamine::Data;
use chrono::{Duration, NaiveDate};

use super::{read_xls, read_xlsx};

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

/// Read a file; the error is a catalog key. Nothing is allocated from what the file claims:
/// an .xlsx is inflated part by part within bounds before it is parsed and its sheets are read
/// cell by cell; an .xls has its records checked before it is parsed; a .csv is read row by
/// row. A file over any limit gets the same message. All sheets together hold at most
/// `MAX_SHEET_ROWS × MAX_COLUMNS` cells.
pub fn read(bytes: &[u8]) -> Result<Workbook, &'static str> {
    if bytes.is_empty() {
        return Err("import.error.empty");
    }
    if bytes.len() > MAX_BYTES {
        return Err("import.error.too_big");
    }
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx::read(bytes)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // An OLE container: an old .xls, or an .xlsx protected by a password.
        read_xls::read(bytes)
    } else {
        read_csv(bytes)
    }
}

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

fn read_csv(bytes: &[u8]) -> Result<Workbook, &'static str> {
    if bytes.contains(&0) {
        return Err("import.error.not_spreadsheet");
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            // Excel in China saves CSV as GBK; GB18030 is its superset (𠮷, 䶮).
            let (decoded, _, had_errors) = encoding_rs::GB18030.decode(bytes);
            if had_errors {
                return Err("import.error.not_spreadsheet");
            }
            decoded.into_owned()
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| "import.error.not_spreadsheet")?;
        if record.len() > MAX_COLUMNS
            && record
                .iter()
                .skip(MAX_COLUMNS)
                .any(|c| !c.trim().is_empty())
        {
            return Err(OVER_LIMITS);
        }
        let row: Vec<String> = record
            .iter()
            .take(MAX_COLUMNS)
            .map(normalise_cell)
            .collect();
        if row.iter().any(|c| c.chars().count() > MAX_CELL_CHARS) {
            return Err(OVER_LIMITS);
        }
        rows.push(row);
        if rows.len() > MAX_SHEET_ROWS {
            return Err(OVER_LIMITS);
        }
    }
    Ok(Workbook {
        sheets: vec![Sheet {
            rows,
            ..Sheet::default()
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::spreadsheets::columns::recognise_child;
    use crate::web::spreadsheets::layout::find;

    fn table(bytes: &[u8]) -> Result<Table, &'static str> {
        find(read(bytes)?, recognise_child, &Default::default()).map(|(t, _)| t)
    }

    #[test]
    fn csv_in_utf8_gbk_and_gb18030() {
        let utf8 = "姓名,性别\n张小明,男\n".as_bytes();
        let t = table(utf8).unwrap();
        assert_eq!(t.headers, vec!["姓名", "性别"]);
        assert_eq!(t.rows, vec![vec!["张小明".to_string(), "男".to_string()]]);
        let (gbk, _, _) = encoding_rs::GBK.encode("姓名 *,性别\n李华,女\n");
        let t = table(&gbk).unwrap();
        assert_eq!(t.headers, vec!["姓名", "性别"]);
        assert_eq!(t.rows[0][0], "李华");
        let (gb18030, _, _) = encoding_rs::GB18030.encode("姓名,性别\n李𠮷,男\n王䶮,男\n");
        let t = table(&gb18030).unwrap();
        assert_eq!(t.rows[0][0], "李𠮷");
        assert_eq!(t.rows[1][0], "王䶮");
    }

    #[test]
    fn full_width_digits_and_odd_spaces_are_made_plain() {
        assert_eq!(normalise_cell("１３８０００００００１"), "13800000001");
        assert_eq!(normalise_cell("杨思琪\u{a0}"), "杨思琪");
        assert_eq!(normalise_cell("\u{3000}ＡＢｃ "), "ABc");
        assert_eq!(
            normalise_cell("城关（东）"),
            "城关（东）",
            "punctuation is the user's"
        );
    }

    #[test]
    fn bad_files() {
        assert_eq!(read(b"").unwrap_err(), "import.error.empty");
        assert_eq!(
            read(b"\x00\x01\x02binary").unwrap_err(),
            "import.error.not_spreadsheet"
        );
        assert_eq!(
            table("姓名\n".as_bytes()).unwrap_err(),
            "import.error.no_header"
        );
        assert_eq!(
            table("姓名,性别\n".as_bytes()).unwrap_err(),
            "import.error.empty"
        );
        // A cell that begins with "=" is read as text; the checks name it.
        assert_eq!(
            table("姓名,出生日期\n张三,=TODAY()\n".as_bytes())
                .unwrap()
                .rows[0][1],
            "=TODAY()"
        );
        assert_eq!(
            read(&vec![b'a'; MAX_BYTES + 1]).unwrap_err(),
            "import.error.too_big"
        );
        assert_eq!(excel_date(45000.0), NaiveDate::from_ymd_opt(2023, 3, 15));
    }
}
