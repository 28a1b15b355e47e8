//! The roster's columns: the Chinese headers of our template, the names offices give them, and
//! how the values offices write map to our keys.

use std::collections::HashMap;

use crate::i18n::{Lang, catalog};

/// Which part of a two-row header a group cell names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// 儿童基本信息, 学生信息 …
    Child,
    /// 监护人情况, 委托监护人 …
    Guardian,
    /// 父母外出务工情况, 外出父母 …
    Parent,
}

/// (field, template header, other accepted headers). Extend the lists here: a header is
/// compared without spaces, asterisks and "(必填)".
pub const CHILD_COLUMNS: &[(&str, &str, &[&str])] = &[
    (
        "name",
        "姓名",
        &[
            "儿童姓名",
            "学生姓名",
            "孩子姓名",
            "留守儿童姓名",
            "幼儿姓名",
        ],
    ),
    ("gender", "性别", &["儿童性别"]),
    (
        "birth_date",
        "出生日期",
        &["出生年月日", "出生年月", "生日", "出生时间"],
    ),
    (
        "id_number",
        "身份证号",
        &[
            "身份证号码",
            "身份证",
            "公民身份号码",
            "儿童身份证号",
            "证件号码",
        ],
    ),
    ("grid", "网格", &["所属网格", "网格名称"]),
    (
        "address",
        "家庭住址",
        &[
            "住址",
            "地址",
            "现住址",
            "家庭地址",
            "居住地址",
            "现居住地址",
        ],
    ),
    ("school", "学校", &["就读学校", "所在学校", "学校名称"]),
    ("grade", "年级", &["就读年级", "所在年级"]),
    ("class_name", "班级", &["所在班级"]),
    ("class_teacher", "班主任", &["班主任姓名"]),
    (
        "class_teacher_phone",
        "班主任电话",
        &["班主任联系电话", "班主任手机"],
    ),
    ("left_behind", "留守类型", &["留守情况"]),
    (
        "parents_work_place",
        "父母外出务工地",
        &["外出务工地", "务工地", "务工地点", "父母务工地"],
    ),
    ("parents_return_frequency", "回家频率", &["父母回家频率"]),
    ("care_situation", "监护情况", &["监护类型", "监护方式"]),
    ("risk_level", "关注等级", &["风险等级"]),
    ("status", "状态", &["儿童状态"]),
    (
        "guardian_name",
        "监护人姓名",
        &["监护人", "委托监护人", "委托监护人姓名", "实际监护人"],
    ),
    (
        "guardian_relation",
        "监护人关系",
        &["与儿童关系", "与儿童的关系", "监护关系", "关系"],
    ),
    (
        "guardian_phone",
        "监护人电话",
        &[
            "监护人联系电话",
            "监护人手机",
            "监护人手机号",
            "联系电话",
            "电话",
            "手机号",
            "手机",
            "联系方式",
        ],
    ),
    ("parent_name", "外出父母姓名", &["外出父母", "外出人员姓名"]),
    ("parent_relation", "外出父母关系", &[]),
    ("parent_phone", "亲情电话", &["父母电话", "父母联系电话"]),
    ("consent_on", "建档同意日期", &["同意日期"]),
];

/// Columns offices keep that the template splits or leaves out: read and turned into template
/// fields (`serial` is read and ignored).
pub const EXTRA_COLUMNS: &[(&str, &str, &[&str])] = &[
    ("serial", "序号", &["编号", "No.", "NO"]),
    (
        "grade_class",
        "年级班级",
        &["年级/班级", "班级年级", "年级、班级", "所在年级班级"],
    ),
    (
        "father_work_place",
        "父亲务工地",
        &["父亲务工地点", "父亲外出务工地", "父亲务工地址"],
    ),
    (
        "mother_work_place",
        "母亲务工地",
        &["母亲务工地点", "母亲外出务工地", "母亲务工地址"],
    ),
];

/// Names that mean another field under a group of a two-row header (姓名 under 监护人情况 is
/// the guardian's name).
fn by_group(group: Group, header: &str) -> Option<&'static str> {
    const NAME: [&str; 3] = ["姓名", "名字", "名称"];
    const RELATION: [&str; 4] = ["关系", "与儿童关系", "与儿童的关系", "称谓"];
    const PHONE: [&str; 6] = ["联系电话", "电话", "手机", "手机号", "手机号码", "联系方式"];
    let is = |names: &[&str]| names.contains(&header);
    match group {
        Group::Guardian if is(&NAME) => Some("guardian_name"),
        Group::Guardian if is(&RELATION) => Some("guardian_relation"),
        Group::Guardian if is(&PHONE) => Some("guardian_phone"),
        Group::Parent if is(&NAME) => Some("parent_name"),
        Group::Parent if is(&RELATION) => Some("parent_relation"),
        Group::Parent if is(&PHONE) => Some("parent_phone"),
        Group::Parent
            if header.contains("务工地")
                && !header.contains("父亲")
                && !header.contains("母亲") =>
        {
            Some("parents_work_place")
        }
        Group::Child if is(&NAME) => Some("name"),
        _ => None,
    }
}

/// The field a header cell of a children's roster stands for (under its group, if any).
pub fn recognise_child(group: Option<Group>, header: &str) -> Option<&'static str> {
    if header.is_empty() {
        return None;
    }
    group.and_then(|g| by_group(g, header)).or_else(|| {
        CHILD_COLUMNS
            .iter()
            .chain(EXTRA_COLUMNS)
            .find(|(_, main, others)| *main == header || others.contains(&header))
            .map(|(field, _, _)| *field)
    })
}

/// The template's headers, in order.
pub fn template_headers() -> Vec<&'static str> {
    CHILD_COLUMNS.iter().map(|(_, h, _)| *h).collect()
}

/// The Chinese name of a field, as the template heads it.
pub fn field_label(field: &str) -> Option<&'static str> {
    CHILD_COLUMNS
        .iter()
        .chain(EXTRA_COLUMNS)
        .find(|(f, _, _)| *f == field)
        .map(|(_, label, _)| *label)
}

/// For each field, the column of the table that holds it (the first, if several do).
pub fn columns_of(fields: &[Option<&'static str>]) -> HashMap<&'static str, usize> {
    let mut out = HashMap::new();
    for (i, f) in fields.iter().enumerate() {
        if let Some(f) = f {
            out.entry(*f).or_insert(i);
        }
    }
    out
}

/// Required fields the file has no column for and that cannot be read from another column:
/// said once above the table, never as an error on every row. Gender and birth date can be
/// read from the ID number, the left-behind kind from the parents' work places, the care
/// situation from the guardian's relation.
pub fn missing_columns(columns: &HashMap<&'static str, usize>) -> Vec<&'static str> {
    let has = |f: &str| columns.contains_key(f);
    let mut missing = Vec::new();
    if !has("gender") && !has("id_number") {
        missing.push("gender");
    }
    if !has("birth_date") && !has("id_number") {
        missing.push("birth_date");
    }
    if !has("left_behind") && !has("father_work_place") && !has("mother_work_place") {
        missing.push("left_behind");
    }
    if !has("care_situation") && !has("guardian_relation") {
        missing.push("care_situation");
    }
    // A name makes the rest of its person required.
    if has("guardian_name") && !has("guardian_relation") {
        missing.push("guardian_relation");
    }
    if has("parent_name") && !has("parent_relation") {
        missing.push("parent_relation");
    }
    missing
}

/// "三年级2班" as grade and class: split after 年级, or before the class number.
pub fn split_grade_class(cell: &str) -> (String, String) {
    let cell = cell.trim();
    if let Some(at) = cell.find("年级") {
        let (grade, class) = cell.split_at(at + "年级".len());
        return (grade.to_string(), class.trim().to_string());
    }
    if let Some(stem) = cell.strip_suffix('班') {
        let start = stem
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_digit())
            .last()
            .map(|(i, _)| i);
        if let Some(i) = start.filter(|i| *i > 0) {
            return (stem[..i].to_string(), cell[i..].to_string());
        }
    }
    (cell.to_string(), String::new())
}

/// Whether a cell holds a number as Excel writes it in exponent form (4.10105E+17): the digits
/// past the 15th are lost.
pub fn is_exponent_number(cell: &str) -> bool {
    let Some((mantissa, exponent)) = cell.trim().split_once(['E', 'e']) else {
        return false;
    };
    let exponent = exponent.trim_start_matches('+');
    !mantissa.is_empty()
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && !exponent.is_empty()
        && exponent.chars().all(|c| c.is_ascii_digit())
}

/// A closed-list cell: our key, its Chinese (or English) label, or a word offices use for it.
pub fn closed_value(prefix: &str, keys: &[&str], cell: &str) -> Option<String> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Some(String::new());
    }
    for key in keys {
        let label_key = format!("{prefix}.{key}");
        if cell == *key
            || cell == catalog(Lang::Zh).t(&label_key)
            || cell.eq_ignore_ascii_case(catalog(Lang::En).t(&label_key))
        {
            return Some(key.to_string());
        }
    }
    // Common spellings on paper rosters.
    let key = match (prefix, cell) {
        ("child.care", "隔代" | "隔代监护" | "祖辈监护") => "grandparents",
        ("child.care", "亲属监护" | "亲戚监护") => "relatives",
        ("child.gender", "男性" | "M" | "m" | "1") => "male",
        ("child.gender", "女性" | "F" | "f" | "2") => "female",
        ("guardian.relation", "爷爷" | "祖父") => "paternal_grandfather",
        ("guardian.relation", "奶奶" | "祖母") => "paternal_grandmother",
        ("guardian.relation", "外公" | "姥爷" | "外祖父") => "maternal_grandfather",
        ("guardian.relation", "外婆" | "姥姥" | "外祖母") => "maternal_grandmother",
        ("guardian.relation", "父亲" | "爸爸") => "father",
        ("guardian.relation", "母亲" | "妈妈") => "mother",
        ("guardian.relation", "叔叔" | "伯父" | "伯伯" | "舅舅" | "姑父" | "姨父") => {
            "uncle"
        }
        ("guardian.relation", "姑姑" | "姨妈" | "阿姨" | "婶婶" | "舅妈" | "伯母" | "姨") => {
            "aunt"
        }
        ("guardian.relation", "哥哥" | "姐姐") => "sibling",
        ("guardian.relation", "其他亲属" | "亲属" | "亲戚") => "other_relative",
        ("guardian.relation", "其他") => "other",
        // Kinship words with an order in front (大姨, 二叔, 小舅, 表姐 …).
        ("guardian.relation", word) => {
            let last = word.chars().last().unwrap_or(' ');
            match last {
                '叔' | '伯' | '舅' => "uncle",
                '姨' | '姑' | '婶' => "aunt",
                '哥' | '姐' | '弟' | '妹' => "sibling",
                _ if word.ends_with("舅妈") || word.ends_with("婶子") => "aunt",
                _ => return None,
            }
        }
        _ => return None,
    };
    keys.contains(&key).then(|| key.to_string())
}

/// Dates as people type them: 2016-05-20, 2016/5/20, 2016.5.20, 2016年5月20日, 20160520, and
/// an Excel day number left in a General cell (42893).
pub fn parse_date(cell: &str) -> Option<String> {
    let cell = cell.trim();
    if (4..=5).contains(&cell.len()) && cell.bytes().all(|b| b.is_ascii_digit()) {
        let serial: f64 = cell.parse().ok()?;
        // 1910 to 2064: a birth or consent date, not a year or a count.
        return (3_654.0..=60_000.0)
            .contains(&serial)
            .then(|| super::read::excel_date(serial))
            .flatten()
            .map(|d| d.to_string());
    }
    if cell.len() == 8 && cell.bytes().all(|b| b.is_ascii_digit()) {
        return chrono::NaiveDate::parse_from_str(cell, "%Y%m%d")
            .ok()
            .map(|d| d.to_string());
    }
    let unified = cell.replace(['/', '.', '年', '月'], "-").replace('日', "");
    chrono::NaiveDate::parse_from_str(&unified, "%Y-%m-%d")
        .ok()
        .map(|d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::child::Relation;

    #[test]
    fn headers_and_values() {
        let fields: Vec<_> = ["儿童姓名", "身份证号码", "出生日期"]
            .iter()
            .map(|h| recognise_child(None, h))
            .collect();
        assert_eq!(
            fields,
            vec![Some("name"), Some("id_number"), Some("birth_date")]
        );
        assert_eq!(
            closed_value("child.gender", &["male", "female"], "女").as_deref(),
            Some("female")
        );
        assert_eq!(
            closed_value("child.gender", &["male", "female"], "未知"),
            None
        );
        assert_eq!(
            closed_value("guardian.relation", &["father"], "奶奶"),
            None,
            "a word maps only to a key the list offers"
        );
        assert_eq!(parse_date("2016/5/20").as_deref(), Some("2016-05-20"));
        assert_eq!(parse_date("20160520").as_deref(), Some("2016-05-20"));
        assert_eq!(parse_date("2016年5月20日").as_deref(), Some("2016-05-20"));
        assert_eq!(parse_date("2016-02-30"), None);
        assert_eq!(parse_date("42893").as_deref(), Some("2017-06-07"));
        assert_eq!(parse_date("2015.3.2").as_deref(), Some("2015-03-02"));
        assert_eq!(parse_date("2016"), None, "a year alone is not a day");
    }

    #[test]
    fn office_words_and_columns() {
        let relations = Relation::keys();
        for (word, key) in [
            ("祖父", "paternal_grandfather"),
            ("奶奶", "paternal_grandmother"),
            ("姥爷", "maternal_grandfather"),
            ("外婆", "maternal_grandmother"),
            ("父亲", "father"),
            ("叔叔", "uncle"),
            ("姑姑", "aunt"),
            ("姐姐", "sibling"),
            ("其他亲属", "other_relative"),
            ("大姨", "aunt"),
            ("二叔", "uncle"),
            ("表哥", "sibling"),
        ] {
            assert_eq!(
                closed_value("guardian.relation", &relations, word).as_deref(),
                Some(key),
                "{word}"
            );
        }
        for (word, key) in [
            ("男性", "male"),
            ("F", "female"),
            ("1", "male"),
            ("2", "female"),
        ] {
            assert_eq!(
                closed_value("child.gender", &["male", "female"], word).as_deref(),
                Some(key),
                "{word}"
            );
        }
        assert_eq!(
            split_grade_class("三年级2班"),
            ("三年级".into(), "2班".into())
        );
        assert_eq!(split_grade_class("初一3班"), ("初一".into(), "3班".into()));
        assert_eq!(
            split_grade_class("五年级"),
            ("五年级".into(), String::new())
        );
        assert!(is_exponent_number("4.10105E+17"));
        assert!(!is_exponent_number("410105201909028385"));
        assert!(!is_exponent_number("E+17"));
        assert_eq!(
            recognise_child(Some(Group::Guardian), "姓名"),
            Some("guardian_name")
        );
        assert_eq!(recognise_child(Some(Group::Child), "姓名"), Some("name"));
        assert_eq!(recognise_child(None, "现住址"), Some("address"));
        assert_eq!(
            recognise_child(Some(Group::Parent), "母亲务工地"),
            Some("mother_work_place")
        );
        assert_eq!(
            recognise_child(Some(Group::Parent), "联系电话"),
            Some("parent_phone")
        );
        let columns = columns_of(&[Some("name"), Some("id_number"), Some("guardian_relation")]);
        assert_eq!(missing_columns(&columns), vec!["left_behind"]);
    }
}
