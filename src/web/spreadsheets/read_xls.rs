//! Reading an .xls (an OLE container): its BIFF records checked against the limits before
//! calamine parses it, with the rows each sheet hides; a password-protected workbook refused.

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read};

use calamine::{Data, Reader};

use super::cells::{
    Budget, Grid, MAX_BYTES, MAX_COLUMNS, MAX_SHEET_ROWS, MAX_SHEETS, OVER_LIMITS, Sheet, Workbook,
};

/// Every sheet of an .xls whose records stay within the limits.
pub(super) fn read(bytes: &[u8]) -> Result<Workbook, &'static str> {
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
