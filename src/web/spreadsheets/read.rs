//! Reading an uploaded roster: .xlsx, .xls or .csv (UTF-8 or GBK) into a header row and data
//! rows of text, refusing what is not a plain spreadsheet of values.

use calamine::{Data, Reader};
use chrono::{Duration, NaiveDate};

pub const MAX_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_ROWS: usize = 20_000;

/// A sheet as text: the header row and the data rows (each padded to the header's width).
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Read a file; the error is a catalog key.
pub fn read(bytes: &[u8]) -> Result<Table, &'static str> {
    if bytes.is_empty() {
        return Err("import.error.empty");
    }
    if bytes.len() > MAX_BYTES {
        return Err("import.error.too_big");
    }
    let grid = if bytes.starts_with(b"PK\x03\x04") {
        read_workbook(
            calamine::Xlsx::new(std::io::Cursor::new(bytes))
                .map_err(|_| "import.error.not_spreadsheet")?,
        )?
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // An OLE container: an old .xls, or an .xlsx protected by a password.
        match calamine::Xls::new(std::io::Cursor::new(bytes)) {
            Ok(book) => read_workbook(book)?,
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

fn read_workbook<R: std::io::Read + std::io::Seek, B: Reader<R>>(
    mut book: B,
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
    Ok(range
        .rows()
        .map(|row| row.iter().map(cell_text).collect())
        .collect())
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
        let row: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
        if row.iter().any(|c| c.starts_with('=')) {
            return Err("import.error.formula");
        }
        rows.push(row);
        if rows.len() > MAX_ROWS + 1 {
            return Err("import.error.too_many_rows");
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
        return Err("import.error.too_many_rows");
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
