//! Reading an uploaded roster: .xlsx, .xls or .csv (UTF-8 or GBK) into a header row and data
//! rows of text, refusing what is not a plain spreadsheet of values.

use std::io::{Cursor, Read};

use calamine::{Data, Reader};
use chrono::{Duration, NaiveDate};

pub const MAX_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_ROWS: usize = 20_000;
/// Rows a sheet may reach, counting title, header and footer rows around the data.
pub const MAX_SHEET_ROWS: usize = MAX_ROWS + 50;
pub const MAX_COLUMNS: usize = 100;
/// Excel's own limit for the text of one cell.
pub const MAX_CELL_CHARS: usize = 32_767;
/// What one part of an .xlsx archive may inflate to (the sheets are streamed, the shared
/// strings are held), and all parts together.
const MAX_PART_BYTES: u64 = 128 * 1024 * 1024;
const MAX_SHARED_STRINGS_BYTES: u64 = 48 * 1024 * 1024;
const MAX_ARCHIVE_BYTES: u64 = 256 * 1024 * 1024;
const MAX_ARCHIVE_PARTS: usize = 10_000;
/// The longest run of XML text between two tags (a cell of 32,767 characters, escaped).
const MAX_TEXT_RUN_BYTES: usize = MAX_CELL_CHARS * 4 + 4096;
/// The catalog key of every file over the limits, however it is over them.
const OVER_LIMITS: &str = "import.error.too_many_rows";

/// A sheet as text: the header row and the data rows (each padded to the header's width).
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Read a file; the error is a catalog key. Nothing is allocated from what the file claims:
/// an .xlsx is inflated part by part within bounds before it is parsed and its sheet is read
/// cell by cell; an .xls has its records checked before it is parsed; a .csv is read row by
/// row. A file over any limit gets the same message.
pub fn read(bytes: &[u8]) -> Result<Table, &'static str> {
    if bytes.is_empty() {
        return Err("import.error.empty");
    }
    if bytes.len() > MAX_BYTES {
        return Err("import.error.too_big");
    }
    let grid = if bytes.starts_with(b"PK\x03\x04") {
        check_archive(bytes)?;
        read_xlsx(bytes)?
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // An OLE container: an old .xls, or an .xlsx protected by a password.
        check_ole(bytes)?;
        match calamine::Xls::new(Cursor::new(bytes)) {
            Ok(book) => read_xls(book)?,
            Err(e)
                if e.to_string().to_lowercase().contains("password")
                    || e.to_string().to_lowercase().contains("encrypt") =>
            {
                return Err("import.error.encrypted");
            }
            Err(_) => return Err("import.error.encrypted_or_unknown"),
        }
    } else {
        read_csv(bytes)?
    };
    to_table(grid)
}

/// Inflate every part of the archive into nothing, counting: a part or the whole over its
/// bound, a run of text longer than a cell may be, or a shared-string table that claims more
/// strings than a sheet within the limits can hold, is refused before calamine reads it.
fn check_archive(bytes: &[u8]) -> Result<(), &'static str> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| "import.error.not_spreadsheet")?;
    if zip.len() > MAX_ARCHIVE_PARTS {
        return Err(OVER_LIMITS);
    }
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut part = zip
            .by_index(i)
            .map_err(|_| "import.error.not_spreadsheet")?;
        if part.encrypted() {
            return Err("import.error.encrypted");
        }
        let shared_strings = part.name_raw().ends_with(b"sharedStrings.xml");
        let bound = if shared_strings {
            MAX_SHARED_STRINGS_BYTES
        } else {
            MAX_PART_BYTES
        };
        let (mut size, mut run) = (0u64, 0usize);
        let mut head = Vec::new();
        loop {
            let n = match part.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(_) => return Err("import.error.not_spreadsheet"),
            };
            size += n as u64;
            total += n as u64;
            if size > bound || total > MAX_ARCHIVE_BYTES {
                return Err(OVER_LIMITS);
            }
            for &b in &buf[..n] {
                run = if b == b'<' || b == b'>' { 0 } else { run + 1 };
                if run > MAX_TEXT_RUN_BYTES {
                    return Err(OVER_LIMITS);
                }
            }
            if shared_strings && head.len() < 4096 {
                head.extend_from_slice(&buf[..n.min(4096 - head.len())]);
            }
        }
        // calamine reserves room for the count the table declares.
        if shared_strings
            && declared_count(&head, b"uniqueCount=\"")
                .is_some_and(|n| n > MAX_SHEET_ROWS * MAX_COLUMNS)
        {
            return Err(OVER_LIMITS);
        }
    }
    Ok(())
}

/// The number in `name"123"` near the start of an XML part.
fn declared_count(head: &[u8], name: &[u8]) -> Option<usize> {
    let at = head.windows(name.len()).position(|w| w == name)? + name.len();
    let digits: Vec<u8> = head[at..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .copied()
        .collect();
    if digits.len() > 12 {
        return Some(usize::MAX);
    }
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

/// The first sheet of an .xlsx, cell by cell: a cell beyond the row or column limit stops the
/// read before any room is made for it.
fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, &'static str> {
    let mut book: calamine::Xlsx<_> =
        calamine::Xlsx::new(Cursor::new(bytes)).map_err(|_| "import.error.not_spreadsheet")?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or("import.error.empty")?;
    let mut cells = book
        .worksheet_cells_reader(&name)
        .map_err(|_| "import.error.not_spreadsheet")?;
    let mut grid = Grid::default();
    while let Some(cell) = cells
        .next_cell_with_formula()
        .map_err(|_| "import.error.not_spreadsheet")?
    {
        if cell.formula.is_some_and(|f| !f.trim().is_empty()) {
            return Err("import.error.formula");
        }
        grid.put(cell.pos, Data::from(cell.value))?;
    }
    Ok(grid.rows)
}

/// Rows of text grown only as far as cells really are, within the limits.
#[derive(Default)]
struct Grid {
    rows: Vec<Vec<String>>,
}

impl Grid {
    fn put(&mut self, (row, col): (u32, u32), value: Data) -> Result<(), &'static str> {
        let text = cell_text(&value);
        if text.is_empty() {
            return Ok(());
        }
        let (row, col) = (row as usize, col as usize);
        if row >= MAX_SHEET_ROWS || col >= MAX_COLUMNS || text.chars().count() > MAX_CELL_CHARS {
            return Err(OVER_LIMITS);
        }
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Vec::new);
        }
        let cells = &mut self.rows[row];
        if cells.len() <= col {
            cells.resize(col + 1, String::new());
        }
        cells[col] = text;
        Ok(())
    }
}

/// The first sheet of an .xls (whose records `check_ole` has already bounded).
fn read_xls<R: std::io::Read + std::io::Seek>(
    mut book: calamine::Xls<R>,
) -> Result<Vec<Vec<String>>, &'static str> {
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or("import.error.empty")?;
    if let Ok(formulas) = book.worksheet_formula(&name) {
        if formulas.used_cells().any(|(_, _, f)| !f.trim().is_empty()) {
            return Err("import.error.formula");
        }
    }
    let range = book
        .worksheet_range(&name)
        .map_err(|_| "import.error.not_spreadsheet")?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut grid = Grid::default();
    for (r, c, value) in range.used_cells() {
        grid.put((row0 + r as u32, col0 + c as u32), value.clone())?;
    }
    Ok(grid.rows)
}

/// BIFF record types that place a cell, as calamine reads them.
const XLS_CELL_RECORDS: [u16; 8] = [
    0x0203, // Number
    0x0204, // Label
    0x00D6, // RString
    0x0205, // BoolErr
    0x027E, // RK
    0x00FD, // LabelSst
    0x0006, // Formula
    0x00BD, // MulRk
];

/// An .xls is parsed whole by calamine, which makes room for the dimensions each sheet declares
/// and for the box around its cells: check both against the limits first, record by record.
fn check_ole(bytes: &[u8]) -> Result<(), &'static str> {
    let mut ole = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|_| "import.error.encrypted_or_unknown")?;
    if ole.exists("/EncryptedPackage") || ole.exists("/EncryptionInfo") {
        return Err("import.error.encrypted");
    }
    let stream = ["/Workbook", "/Book"]
        .into_iter()
        .find(|s| ole.is_stream(s))
        .ok_or("import.error.encrypted_or_unknown")?;
    let mut workbook = Vec::new();
    ole.open_stream(stream)
        .and_then(|s| s.take(MAX_BYTES as u64).read_to_end(&mut workbook))
        .map_err(|_| "import.error.not_spreadsheet")?;
    check_biff(&workbook)
}

fn check_biff(stream: &[u8]) -> Result<(), &'static str> {
    let u16_at = |d: &[u8], i: usize| d.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let u32_at = |d: &[u8], i: usize| {
        d.get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    // The box around every sheet's cells, and the sum of their areas.
    let mut area = 0usize;
    let mut sheet_box: Option<(usize, usize)> = None;
    let mut at = 0;
    while at + 4 <= stream.len() {
        let typ = u16_at(stream, at).unwrap_or(0);
        let len = u16_at(stream, at + 2).unwrap_or(0) as usize;
        let data = stream
            .get(at + 4..at + 4 + len)
            .ok_or("import.error.not_spreadsheet")?;
        at += 4 + len;
        match typ {
            // FilePass: the workbook is encrypted.
            0x002F => return Err("import.error.encrypted"),
            // BOF of a sheet: a new box.
            0x0809 => {
                if let Some((rows, cols)) = sheet_box.take() {
                    area += rows * cols;
                }
            }
            // Dimensions: the rows and columns the sheet says it spans.
            0x0200 => {
                let (first_row, end_row, first_col, end_col) = match len {
                    10 => (
                        u16_at(data, 0).unwrap_or(0) as u64,
                        u16_at(data, 2).unwrap_or(0) as u64,
                        u16_at(data, 4).unwrap_or(0) as u64,
                        u16_at(data, 6).unwrap_or(0) as u64,
                    ),
                    14 | 16 => (
                        u32_at(data, 0).unwrap_or(0) as u64,
                        u32_at(data, 4).unwrap_or(0) as u64,
                        u16_at(data, 8).unwrap_or(0) as u64,
                        u16_at(data, 10).unwrap_or(0) as u64,
                    ),
                    _ => return Err("import.error.not_spreadsheet"),
                };
                if end_row > MAX_SHEET_ROWS as u64
                    || end_col > MAX_COLUMNS as u64
                    || first_row > end_row
                {
                    return Err(OVER_LIMITS);
                }
                let _ = first_col;
            }
            t if XLS_CELL_RECORDS.contains(&t) => {
                let row = u16_at(data, 0).ok_or("import.error.not_spreadsheet")? as usize;
                let mut col = u16_at(data, 2).ok_or("import.error.not_spreadsheet")? as usize;
                if t == 0x00BD {
                    col = col.max(u16_at(data, len.saturating_sub(2)).unwrap_or(0) as usize);
                }
                if row >= MAX_SHEET_ROWS || col >= MAX_COLUMNS {
                    return Err(OVER_LIMITS);
                }
                let (rows, cols) = sheet_box.unwrap_or((0, 0));
                sheet_box = Some((rows.max(row + 1), cols.max(col + 1)));
            }
            _ => {}
        }
    }
    if let Some((rows, cols)) = sheet_box {
        area += rows * cols;
    }
    // calamine holds every sheet of the workbook as a full grid.
    if area > MAX_SHEET_ROWS * MAX_COLUMNS {
        return Err(OVER_LIMITS);
    }
    Ok(())
}

/// A cell as the text a person would type (dates as YYYY-MM-DD, whole numbers without ".0").
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
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

fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<String>>, &'static str> {
    if bytes.contains(&0) {
        return Err("import.error.not_spreadsheet");
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            // Excel in China saves CSV as GBK.
            let (decoded, _, had_errors) = encoding_rs::GBK.decode(bytes);
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
            .map(|c| c.trim().to_string())
            .collect();
        if row.iter().any(|c| c.chars().count() > MAX_CELL_CHARS) {
            return Err(OVER_LIMITS);
        }
        if row.iter().any(|c| c.starts_with('=')) {
            return Err("import.error.formula");
        }
        rows.push(row);
        if rows.len() > MAX_SHEET_ROWS {
            return Err(OVER_LIMITS);
        }
    }
    Ok(rows)
}

fn to_table(grid: Vec<Vec<String>>) -> Result<Table, &'static str> {
    let mut rows = grid.into_iter().filter(|r| r.iter().any(|c| !c.is_empty()));
    let headers: Vec<String> = rows
        .next()
        .ok_or("import.error.empty")?
        .into_iter()
        .map(|h| normalise_header(&h))
        .collect();
    let data: Vec<Vec<String>> = rows
        .map(|mut r| {
            r.resize(headers.len(), String::new());
            r
        })
        .collect();
    if data.len() > MAX_ROWS {
        return Err(OVER_LIMITS);
    }
    if data.is_empty() {
        return Err("import.error.empty");
    }
    Ok(Table {
        headers,
        rows: data,
    })
}

/// Headers as people write them: without spaces, asterisks or "(必填)".
pub fn normalise_header(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .collect::<String>()
        .replace("（必填）", "")
        .replace("(必填)", "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_utf8_and_gbk() {
        let utf8 = "姓名,性别\n张小明,男\n".as_bytes();
        let t = read(utf8).unwrap();
        assert_eq!(t.headers, vec!["姓名", "性别"]);
        assert_eq!(t.rows, vec![vec!["张小明".to_string(), "男".to_string()]]);
        let (gbk, _, _) = encoding_rs::GBK.encode("姓名 *,性别\n李华,女\n");
        let t = read(&gbk).unwrap();
        assert_eq!(t.headers, vec!["姓名", "性别"]);
        assert_eq!(t.rows[0][0], "李华");
    }

    #[test]
    fn bad_files() {
        assert_eq!(read(b"").unwrap_err(), "import.error.empty");
        assert_eq!(
            read(b"\x00\x01\x02binary").unwrap_err(),
            "import.error.not_spreadsheet"
        );
        assert_eq!(read("姓名\n".as_bytes()).unwrap_err(), "import.error.empty");
        assert_eq!(
            read("姓名,出生日期\n张三,=TODAY()\n".as_bytes()).unwrap_err(),
            "import.error.formula"
        );
        assert_eq!(
            read(&vec![b'a'; MAX_BYTES + 1]).unwrap_err(),
            "import.error.too_big"
        );
        assert_eq!(excel_date(45000.0), NaiveDate::from_ymd_opt(2023, 3, 15));
    }
}
