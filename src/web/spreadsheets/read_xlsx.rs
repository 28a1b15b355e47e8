//! Reading an .xlsx: the archive inflated part by part within bounds before calamine parses
//! it, the sheets read cell by cell, and the rows each sheet hides.

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read};

use calamine::{Data, Reader};

use super::cells::{
    Budget, Grid, MAX_CELL_CHARS, MAX_COLUMNS, MAX_SHEET_ROWS, MAX_SHEETS, OVER_LIMITS, Sheet,
    Workbook, cell_text,
};

/// What one part of an .xlsx archive may inflate to (the sheets are streamed, the shared
/// strings are held), and all parts together.
const MAX_PART_BYTES: u64 = 128 * 1024 * 1024;
const MAX_SHARED_STRINGS_BYTES: u64 = 48 * 1024 * 1024;
const MAX_ARCHIVE_BYTES: u64 = 256 * 1024 * 1024;
const MAX_ARCHIVE_PARTS: usize = 10_000;
/// The longest run of XML text between two tags (a cell of 32,767 characters, escaped).
const MAX_TEXT_RUN_BYTES: usize = MAX_CELL_CHARS * 4 + 4096;

/// Every sheet of an .xlsx whose archive stays within the bounds.
pub(super) fn read(bytes: &[u8]) -> Result<Workbook, &'static str> {
    check_archive(bytes)?;
    read_xlsx(bytes)
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
