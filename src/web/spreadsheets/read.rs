//! Reading an uploaded roster: .xlsx, .xls or .csv (UTF-8 or GBK) into a header row and data
//! rows of text, refusing what is not a plain spreadsheet of values.

use std::collections::{HashMap, HashSet};
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
        check_archive(bytes)?;
        read_xlsx(bytes)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // An OLE container: an old .xls, or an .xlsx protected by a password.
        let hidden = check_ole(bytes)?;
        match calamine::Xls::new(Cursor::new(bytes)) {
            Ok(book) => read_xls(book, hidden),
            Err(e)
                if e.to_string().to_lowercase().contains("password")
                    || e.to_string().to_lowercase().contains("encrypt") =>
            {
                Err("import.error.encrypted")
            }
            Err(_) => Err("import.error.encrypted_or_unknown"),
        }
    } else {
        read_csv(bytes)
    }
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

/// Every sheet of an .xlsx, cell by cell: a cell beyond the row or column limit stops the read
/// before any room is made for it. A formula is read as the value Excel saved with it; one
/// saved without a value is kept as its text ("=ROW()-1"), which the checks name.
fn read_xlsx(bytes: &[u8]) -> Result<Workbook, &'static str> {
    let mut book: calamine::Xlsx<_> =
        calamine::Xlsx::new(Cursor::new(bytes)).map_err(|_| "import.error.not_spreadsheet")?;
    let mut hidden = hidden_rows_xlsx(bytes);
    let mut budget = Budget::default();
    let mut sheets = Vec::new();
    for name in book.sheet_names().into_iter().take(MAX_SHEETS) {
        let mut cells = book
            .worksheet_cells_reader(&name)
            .map_err(|_| "import.error.not_spreadsheet")?;
        let mut grid = Grid::default();
        while let Some(cell) = cells
            .next_cell_with_formula()
            .map_err(|_| "import.error.not_spreadsheet")?
        {
            let value = Data::from(cell.value);
            let value = match cell.formula {
                Some(f) if !f.trim().is_empty() && cell_text(&value).is_empty() => {
                    Data::String(format!("={}", f.trim()))
                }
                _ => value,
            };
            grid.put(cell.pos, value, &mut budget)?;
        }
        sheets.push(Sheet {
            hidden_rows: hidden.remove(&name).unwrap_or_default(),
            name,
            rows: grid.rows,
            lossy: grid.lossy,
        });
    }
    Ok(Workbook { sheets })
}

/// The rows each sheet of an .xlsx hides (`<row r="8" hidden="1">`), by sheet name. Read from
/// the parts `check_archive` has already bounded; a part that cannot be read hides nothing.
fn hidden_rows_xlsx(bytes: &[u8]) -> HashMap<String, HashSet<usize>> {
    let mut out = HashMap::new();
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return out;
    };
    // The elements named `tag` of one part, read as a stream (a sheet may inflate to 128 MB),
    // each kept as its attributes when `keep` wants it.
    let mut elements = |part: &str,
                        tag: &str,
                        keep: &dyn Fn(&HashMap<String, String>) -> bool|
     -> Vec<HashMap<String, String>> {
        let Ok(file) = zip.by_name(part) else {
            return Vec::new();
        };
        let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(file));
        let (mut buf, mut found) = (Vec::new(), Vec::new());
        loop {
            match reader.read_event_into(&mut buf) {
                Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e))
                    if e.local_name().as_ref() == tag =>
                {
                    let attrs: HashMap<String, String> = e
                        .attributes()
                        .flatten()
                        .map(|a| {
                            (
                                a.key.local_name().as_ref().to_string(),
                                a.value.into_owned(),
                            )
                        })
                        .collect();
                    if keep(&attrs) {
                        found.push(attrs);
                    }
                }
                Ok(quick_xml::events::Event::Eof) | Err(_) => break,
                _ => {}
            }
            buf.clear();
        }
        found
    };
    let all = |_: &HashMap<String, String>| true;
    let targets: HashMap<String, String> =
        elements("xl/_rels/workbook.xml.rels", "Relationship", &all)
            .into_iter()
            .filter_map(|mut e| Some((e.remove("Id")?, e.remove("Target")?)))
            .collect();
    let hidden = |e: &HashMap<String, String>| {
        matches!(e.get("hidden").map(String::as_str), Some("1" | "true"))
    };
    for sheet in elements("xl/workbook.xml", "sheet", &all)
        .into_iter()
        .take(MAX_SHEETS)
    {
        let (Some(name), Some(target)) = (
            sheet.get("name"),
            sheet.get("id").and_then(|id| targets.get(id)),
        ) else {
            continue;
        };
        let path = match target.strip_prefix('/') {
            Some(absolute) => absolute.to_string(),
            None => format!("xl/{target}"),
        };
        let rows: HashSet<usize> = elements(&path, "row", &hidden)
            .iter()
            .filter_map(|e| e.get("r")?.parse::<usize>().ok())
            .filter(|r| *r >= 1)
            .map(|r| r - 1)
            .collect();
        out.insert(name.clone(), rows);
    }
    out
}

/// Cells allocated across the sheets of one file.
#[derive(Default)]
struct Budget {
    cells: usize,
}

/// Rows of text grown only as far as cells really are, within the limits.
#[derive(Default)]
struct Grid {
    rows: Vec<Vec<String>>,
    lossy: HashSet<(usize, usize)>,
}

impl Grid {
    fn put(
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

/// Every sheet of an .xls (whose records `check_ole` has already bounded). A formula is read
/// as the value saved with it, or kept as its text when none was saved.
fn read_xls<R: std::io::Read + std::io::Seek>(
    mut book: calamine::Xls<R>,
    mut hidden: HashMap<String, HashSet<usize>>,
) -> Result<Workbook, &'static str> {
    let mut budget = Budget::default();
    let mut sheets = Vec::new();
    for name in book.sheet_names().into_iter().take(MAX_SHEETS) {
        let range = book
            .worksheet_range(&name)
            .map_err(|_| "import.error.not_spreadsheet")?;
        let mut grid = Grid::default();
        let (row0, col0) = range.start().unwrap_or((0, 0));
        for (r, c, value) in range.used_cells() {
            grid.put(
                (row0 + r as u32, col0 + c as u32),
                value.clone(),
                &mut budget,
            )?;
        }
        if let Ok(formulas) = book.worksheet_formula(&name) {
            let (row0, col0) = formulas.start().unwrap_or((0, 0));
            for (r, c, f) in formulas.used_cells() {
                let (row, col) = (row0 as usize + r, col0 as usize + c);
                let saved = grid
                    .rows
                    .get(row)
                    .and_then(|cells| cells.get(col))
                    .is_some_and(|t| !t.is_empty());
                if !f.trim().is_empty() && !saved {
                    grid.put(
                        (row as u32, col as u32),
                        Data::String(format!("={}", f.trim())),
                        &mut budget,
                    )?;
                }
            }
        }
        sheets.push(Sheet {
            hidden_rows: hidden.remove(&name).unwrap_or_default(),
            name,
            rows: grid.rows,
            lossy: grid.lossy,
        });
    }
    Ok(Workbook { sheets })
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
/// Returns the rows each sheet hides, by sheet name.
fn check_ole(bytes: &[u8]) -> Result<HashMap<String, HashSet<usize>>, &'static str> {
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

fn check_biff(stream: &[u8]) -> Result<HashMap<String, HashSet<usize>>, &'static str> {
    let u16_at = |d: &[u8], i: usize| d.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let u32_at = |d: &[u8], i: usize| {
        d.get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    // The box around every sheet's cells, and the sum of their areas.
    let mut area = 0usize;
    let mut sheet_box: Option<(usize, usize)> = None;
    // Where each sheet's records begin (BoundSheet8), and the rows hidden in each.
    let mut sheet_at: HashMap<usize, String> = HashMap::new();
    let mut hidden: HashMap<String, HashSet<usize>> = HashMap::new();
    let mut current: Option<String> = None;
    let mut at = 0;
    while at + 4 <= stream.len() {
        let record_at = at;
        let typ = u16_at(stream, at).unwrap_or(0);
        let len = u16_at(stream, at + 2).unwrap_or(0) as usize;
        let data = stream
            .get(at + 4..at + 4 + len)
            .ok_or("import.error.not_spreadsheet")?;
        at += 4 + len;
        match typ {
            // FilePass: the workbook is encrypted.
            0x002F => return Err("import.error.encrypted"),
            // BoundSheet8: a sheet's name and where its records begin (BIFF8 names).
            0x0085 => {
                if let (Some(pos), Some(&cch), Some(&high)) =
                    (u32_at(data, 0), data.get(6), data.get(7))
                {
                    let chars = data.get(8..).unwrap_or(&[]);
                    let name = if high & 1 == 1 {
                        let units: Vec<u16> = chars
                            .chunks_exact(2)
                            .take(cch as usize)
                            .map(|b| u16::from_le_bytes([b[0], b[1]]))
                            .collect();
                        String::from_utf16_lossy(&units)
                    } else {
                        chars
                            .iter()
                            .take(cch as usize)
                            .map(|b| *b as char)
                            .collect()
                    };
                    sheet_at.insert(pos as usize, name);
                }
            }
            // BOF of a sheet: a new box.
            0x0809 => {
                if let Some((rows, cols)) = sheet_box.take() {
                    area += rows * cols;
                }
                if let Some(name) = sheet_at.get(&record_at) {
                    current = Some(name.clone());
                }
            }
            // Row: bit 5 of its flags hides it.
            0x0208 => {
                if let (Some(row), Some(flags), Some(name)) =
                    (u16_at(data, 0), u16_at(data, 12), current.as_ref())
                {
                    if flags & 0x20 != 0 {
                        hidden.entry(name.clone()).or_default().insert(row as usize);
                    }
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
    Ok(hidden)
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
fn cell_text(cell: &Data) -> String {
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
