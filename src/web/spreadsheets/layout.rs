//! Finding the roster in a workbook as offices keep it: a merged title, a "填报单位：… 填报日期：…"
//! line, a header of one row or of two (group cells such as 监护人情况 over 姓名/关系/联系电话),
//! a 序号 column, blank rows, and footer rows (合计, 备注：…, 填表人, 审核人) below the data.
//! The header is looked for in the first rows of every sheet; the sheet whose header names the
//! most fields is the roster.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::columns::Group;
use super::read::{self, Sheet, Table, Workbook};
use super::{columns, volunteers};

/// Rows of a sheet searched for its header.
pub const HEADER_SEARCH_ROWS: usize = 15;

/// The group a header cell names, if it is a group cell.
pub fn group_of(cell: &str) -> Option<Group> {
    let cell = normalise_header(cell);
    if cell.contains("监护") {
        Some(Group::Guardian)
    } else if cell.contains("父母") || cell.contains("外出") || cell.contains("务工") {
        Some(Group::Parent)
    } else if cell.contains("儿童") || cell.contains("学生") || cell.contains("基本信息") {
        Some(Group::Child)
    } else {
        None
    }
}

/// Headers as people write them: without spaces, asterisks, "(必填)" or a trailing colon.
pub fn normalise_header(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != '\u{a0}' && *c != '\u{3000}')
        .collect::<String>()
        .replace("（必填）", "")
        .replace("(必填)", "")
        .trim_end_matches(['：', ':'])
        .to_string()
}

/// How a kind of roster names its columns: the field a header cell (under its group, if any)
/// stands for. `"serial"` marks a 序号 column, read and ignored.
pub type Recognise = fn(Option<Group>, &str) -> Option<&'static str>;

/// Columns mapped by hand in the preview, by header label: the field, or `None` for a column
/// not to import. They come before any recognised name.
pub type Mapping = HashMap<String, Option<&'static str>>;

/// Where the roster is, as the preview says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub sheet: String,
    /// Rows of the header as Excel numbers them (1-based): one or two.
    pub header_rows: Vec<usize>,
    /// Other sheets that hold something, not imported.
    pub other_sheets: Vec<String>,
    /// Data rows hidden in the file (imported like the others), as Excel numbers them.
    pub hidden_rows: Vec<usize>,
    /// Columns whose header is neither recognised nor mapped by hand.
    pub unmapped: Vec<usize>,
}

/// First cells of rows below the data that are not children.
const FOOTER_STARTS: [&str; 12] = [
    "合计",
    "总计",
    "小计",
    "共计",
    "备注",
    "注：",
    "注:",
    "说明",
    "填表人",
    "审核人",
    "负责人",
    "制表人",
];

fn is_footer(cells: &[String]) -> bool {
    let first = cells
        .iter()
        .map(|c| normalise_header(c))
        .find(|c| !c.is_empty());
    first.is_some_and(|c| FOOTER_STARTS.iter().any(|f| c.starts_with(f)))
        || cells.iter().any(|c| {
            let c = normalise_header(c);
            c.starts_with("填表人") || c.starts_with("审核人") || c.starts_with("填报人")
        })
}

/// A candidate header: its rows and the label and field of every column.
struct Candidate {
    rows: Vec<usize>,
    labels: Vec<String>,
    fields: Vec<Option<&'static str>>,
}

impl Candidate {
    /// Distinct fields named, the serial column not counted.
    fn score(&self) -> usize {
        self.fields
            .iter()
            .flatten()
            .filter(|f| **f != "serial")
            .collect::<HashSet<_>>()
            .len()
    }
}

fn cell(row: Option<&Vec<String>>, col: usize) -> &str {
    row.and_then(|r| r.get(col))
        .map(String::as_str)
        .unwrap_or("")
}

/// The header starting at row `r`: one row, or two when the row below names fields under the
/// groups of this one (a group cell spans, merged, the columns to its right until the next
/// cell of the top row).
fn candidates(sheet: &Sheet, r: usize, recognise: Recognise, mapping: &Mapping) -> Vec<Candidate> {
    let top = sheet.rows.get(r);
    let below = sheet.rows.get(r + 1);
    let width = top
        .map(Vec::len)
        .unwrap_or(0)
        .max(below.map(Vec::len).unwrap_or(0));
    let field_of = |label: &str, found: Option<&'static str>| match mapping.get(label) {
        Some(mapped) => *mapped,
        None => found,
    };
    let mut one = Candidate {
        rows: vec![r],
        labels: Vec::with_capacity(width),
        fields: Vec::with_capacity(width),
    };
    for c in 0..width {
        let label = normalise_header(cell(top, c));
        one.fields.push(field_of(&label, recognise(None, &label)));
        one.labels.push(label);
    }
    let mut two = Candidate {
        rows: vec![r, r + 1],
        labels: Vec::with_capacity(width),
        fields: Vec::with_capacity(width),
    };
    let mut group_text = String::new();
    for c in 0..width {
        let upper = normalise_header(cell(top, c));
        let lower = normalise_header(cell(below, c));
        if !upper.is_empty() {
            group_text = upper.clone();
        }
        let (label, field) = if lower.is_empty() {
            // A cell merged down both rows (序号, 就读学校 …).
            group_text.clear();
            let field = recognise(None, &upper);
            (upper, field)
        } else {
            let group = group_of(&group_text);
            let field = recognise(group, &lower).or_else(|| recognise(None, &lower));
            let label = if group_text.is_empty() {
                lower
            } else {
                format!("{group_text}/{lower}")
            };
            (label, field)
        };
        two.fields.push(field_of(&label, field));
        two.labels.push(label);
    }
    vec![one, two]
}

/// Find the roster among the sheets and turn it into a table of its data rows: the header
/// labels, the field of each column, and every row that is neither blank nor a footer, with
/// the row number Excel shows. `Err`: no sheet has a header naming at least `name` and one
/// other field within its first rows.
///
/// When no row names `name`, the first row of at least two cells is taken as the header, so
/// that the preview can ask which field each column is (`Found::unmapped`).
pub fn find(
    book: Workbook,
    recognise: Recognise,
    mapping: &Mapping,
) -> Result<(Table, Found), &'static str> {
    let mut best: Option<(usize, usize, Candidate)> = None;
    for (s, sheet) in book.sheets.iter().enumerate() {
        for r in 0..sheet.rows.len().min(HEADER_SEARCH_ROWS) {
            for candidate in candidates(sheet, r, recognise, mapping) {
                let names = candidate.fields.contains(&Some("name"));
                let score = candidate.score();
                // Two rows must name more than the top row alone to count as one header.
                if names && score >= 2 && best.as_ref().is_none_or(|(_, _, b)| score > b.score()) {
                    best = Some((s, r, candidate));
                }
            }
        }
    }
    let best = best.or_else(|| {
        book.sheets.iter().enumerate().find_map(|(s, sheet)| {
            let r = (0..sheet.rows.len().min(HEADER_SEARCH_ROWS))
                .find(|r| sheet.rows[*r].iter().filter(|c| !c.is_empty()).count() >= 2)?;
            let one = candidates(sheet, r, recognise, mapping).swap_remove(0);
            Some((s, r, one))
        })
    });
    let Some((s, _, header)) = best else {
        return Err("import.error.no_header");
    };
    let other_sheets: Vec<String> = book
        .sheets
        .iter()
        .enumerate()
        .filter(|(i, sheet)| *i != s && sheet.rows.iter().any(|r| r.iter().any(|c| !c.is_empty())))
        .map(|(_, sheet)| sheet.name.clone())
        .collect();
    let mut sheets = book.sheets;
    let sheet = sheets.swap_remove(s);
    let width = header.fields.len();
    let first_data = header.rows.last().copied().unwrap_or(0) + 1;
    let hidden: BTreeSet<usize> = sheet.hidden_rows.iter().copied().collect();
    let mut table = Table {
        headers: header.labels,
        fields: header.fields,
        ..Table::default()
    };
    let mut hidden_rows = Vec::new();
    for (index, mut cells) in sheet.rows.into_iter().enumerate().skip(first_data) {
        if cells.iter().all(|c| c.is_empty()) || is_footer(&cells) {
            continue;
        }
        // Only the header's columns hold fields; a serial number alone is not a child.
        cells.resize(width, String::new());
        let holds_data = cells
            .iter()
            .zip(&table.fields)
            .any(|(c, f)| !c.is_empty() && *f != Some("serial"));
        if !holds_data {
            continue;
        }
        if hidden.contains(&index) {
            hidden_rows.push(index + 1);
        }
        for col in 0..width {
            if sheet.lossy.contains(&(index, col)) {
                table.lossy.insert((table.rows.len(), col));
            }
        }
        table.row_numbers.push(index + 1);
        table.rows.push(cells);
    }
    if table.rows.is_empty() {
        return Err("import.error.empty");
    }
    if table.rows.len() > super::read::MAX_ROWS {
        return Err("import.error.too_many_rows");
    }
    // Columns with a header that is neither recognised nor mapped by hand.
    let unmapped = table
        .headers
        .iter()
        .zip(&table.fields)
        .enumerate()
        .filter(|(_, (label, field))| {
            !label.is_empty() && field.is_none() && !mapping.contains_key(*label)
        })
        .map(|(i, _)| i)
        .collect();
    let found = Found {
        sheet: sheet.name,
        header_rows: header.rows.iter().map(|r| r + 1).collect(),
        other_sheets,
        hidden_rows,
        unmapped,
    };
    Ok((table, found))
}

/// The roster in an uploaded file: every sheet read within bounds, then the header looked for,
/// with the columns mapped by hand first.
pub fn roster(bytes: &[u8], kind: &str, mapping: &Mapping) -> Result<(Table, Found), &'static str> {
    let recognise: Recognise = if kind == "volunteers" {
        volunteers::recognise
    } else {
        columns::recognise_child
    };
    find(read::read(bytes)?, recognise, mapping)
}

/// The fields a column of this kind of roster may be mapped to: (key, Chinese name).
pub fn known_fields(kind: &str) -> Vec<(&'static str, &'static str)> {
    let lists: &[&[(&'static str, &'static str, &'static [&'static str])]] = if kind == "volunteers"
    {
        &[volunteers::VOLUNTEER_COLUMNS]
    } else {
        &[columns::CHILD_COLUMNS, columns::EXTRA_COLUMNS]
    };
    lists
        .iter()
        .flat_map(|l| l.iter())
        .map(|(key, label, _)| (*key, *label))
        .collect()
}

/// The street's remembered mapping of this kind (header, field), then the upload's own over
/// it; a field this kind does not know is left out.
pub fn mapping_of(
    kind: &str,
    remembered: Vec<(String, String)>,
    batch: Option<&serde_json::Value>,
) -> Mapping {
    let known = known_fields(kind);
    let resolve = |field: &str| -> Option<Option<&'static str>> {
        if field.is_empty() {
            return Some(None);
        }
        known
            .iter()
            .find(|(k, _)| *k == field)
            .map(|(k, _)| Some(*k))
    };
    let mut mapping = Mapping::new();
    for (header, field) in remembered {
        if let Some(f) = resolve(&field) {
            mapping.insert(header, f);
        }
    }
    if let Some(serde_json::Value::Object(own)) = batch {
        for (header, field) in own {
            if let Some(f) = field.as_str().and_then(resolve) {
                mapping.insert(header.clone(), f);
            }
        }
    }
    mapping
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(name: &str, rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: name.to_string(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
            ..Sheet::default()
        }
    }

    fn recognise(group: Option<Group>, h: &str) -> Option<&'static str> {
        match (group, h) {
            (_, "序号") => Some("serial"),
            (None | Some(Group::Child), "姓名") => Some("name"),
            (Some(Group::Guardian), "姓名") => Some("guardian_name"),
            (_, "性别") => Some("gender"),
            (_, "就读学校") => Some("school"),
            (Some(Group::Guardian), "关系") => Some("guardian_relation"),
            _ => None,
        }
    }

    #[test]
    fn a_two_row_header_below_a_title_with_footer_rows() {
        let book = Workbook {
            sheets: vec![
                sheet("说明", &[&["填表说明"], &["姓名写全名"]]),
                sheet(
                    "登记表",
                    &[
                        &["城关街道农村留守儿童信息登记表"],
                        &["填报单位：城关街道办事处　填报日期：2026年9月1日"],
                        &[],
                        &["序号", "儿童基本信息", "", "就读学校", "监护人情况", ""],
                        &["", "姓名", "性别", "", "姓名", "关系"],
                        &["1", "张小明", "男", "一小", "张大山", "爷爷"],
                        &["2", "", "", "", "", ""],
                        &["3", "李小红", "女", "一小", "李四", "奶奶"],
                        &["合计", "2人"],
                        &["填表人：张三", "", "审核人：李四"],
                    ],
                ),
            ],
        };
        let (table, found) = find(book, recognise, &Mapping::new()).unwrap();
        assert_eq!(found.sheet, "登记表");
        assert_eq!(found.header_rows, vec![4, 5]);
        assert_eq!(found.other_sheets, vec!["说明".to_string()]);
        assert_eq!(
            table.fields,
            vec![
                Some("serial"),
                Some("name"),
                Some("gender"),
                Some("school"),
                Some("guardian_name"),
                Some("guardian_relation")
            ]
        );
        assert_eq!(table.headers[4], "监护人情况/姓名");
        assert_eq!(
            table.row_numbers,
            vec![6, 8],
            "the serial-only row and the footer are skipped"
        );
        assert_eq!(table.rows[1][1], "李小红");
    }

    #[test]
    fn a_plain_one_row_header_and_no_header_at_all() {
        let book = Workbook {
            sheets: vec![sheet("S", &[&["姓名", "性别"], &["张三", "男"]])],
        };
        let (table, found) = find(book, recognise, &Mapping::new()).unwrap();
        assert_eq!(found.header_rows, vec![1]);
        assert_eq!(table.rows, vec![vec!["张三".to_string(), "男".to_string()]]);
        assert!(found.unmapped.is_empty());
        // Nothing recognised: the first row of two cells, every column to be mapped.
        let unknown = || Workbook {
            sheets: vec![sheet("S", &[&["说明"], &["小孩", "男女"], &["张三", "男"]])],
        };
        let (table, found) = find(unknown(), recognise, &Mapping::new()).unwrap();
        assert_eq!(found.header_rows, vec![2]);
        assert_eq!(found.unmapped, vec![0, 1]);
        assert_eq!(table.fields, vec![None, None]);
        // Mapped by hand: the fields as chosen, a column left out on purpose.
        let mapping: Mapping = [
            ("小孩".to_string(), Some("name")),
            ("男女".to_string(), None),
        ]
        .into_iter()
        .collect();
        let (table, found) = find(unknown(), recognise, &mapping).unwrap();
        assert_eq!(table.fields, vec![Some("name"), None]);
        assert!(found.unmapped.is_empty());
        let empty = Workbook {
            sheets: vec![sheet("S", &[&["只有一格"]])],
        };
        assert_eq!(
            find(empty, recognise, &Mapping::new()).unwrap_err(),
            "import.error.no_header"
        );
    }
}
