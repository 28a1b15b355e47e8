//! Reading an uploaded roster: .xlsx, .xls or .csv (UTF-8 or GBK) into a header row and data
//! rows of text, refusing what is not a plain spreadsheet of values. This file tells the format
//! and reads the .csv; `read_xlsx` and `read_xls` read the workbooks, `cells` holds the limits
//! and the cells as text.

use super::cells::OVER_LIMITS;
pub use super::cells::{
    MAX_BYTES, MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, MAX_SHEET_ROWS, MAX_SHEETS, Sheet, Table,
    Workbook, excel_date, normalise_cell,
};
use super::{read_xls, read_xlsx};

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
    use chrono::NaiveDate;

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
