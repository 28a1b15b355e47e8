//! The roster's columns: the Chinese headers of our template, the variants people use, and
//! how closed-list cells map to our keys.

use crate::i18n::{Lang, catalog};

/// (field, template header, other accepted headers)
pub const CHILD_COLUMNS: &[(&str, &str, &[&str])] = &[
    ("name", "姓名", &["儿童姓名", "学生姓名"]),
    ("gender", "性别", &[]),
    ("birth_date", "出生日期", &["出生年月日", "生日"]),
    ("id_number", "身份证号", &["身份证号码", "身份证"]),
    ("grid", "网格", &[]),
    ("address", "家庭住址", &["住址", "地址"]),
    ("school", "学校", &["就读学校"]),
    ("grade", "年级", &[]),
    ("class_name", "班级", &[]),
    ("class_teacher", "班主任", &[]),
    ("class_teacher_phone", "班主任电话", &[]),
    ("left_behind", "留守类型", &[]),
    (
        "parents_work_place",
        "父母外出务工地",
        &["外出务工地", "务工地"],
    ),
    ("parents_return_frequency", "回家频率", &[]),
    ("care_situation", "监护情况", &["监护类型"]),
    ("risk_level", "关注等级", &[]),
    ("status", "状态", &[]),
    ("guardian_name", "监护人姓名", &["监护人"]),
    ("guardian_relation", "监护人关系", &["与儿童关系"]),
    ("guardian_phone", "监护人电话", &["监护人联系电话"]),
    ("parent_name", "外出父母姓名", &["外出父母"]),
    ("parent_relation", "外出父母关系", &[]),
    ("parent_phone", "亲情电话", &["父母电话"]),
    ("consent_on", "建档同意日期", &["同意日期"]),
];

/// For each field, the column of the table that holds it.
pub fn map_headers(headers: &[String]) -> Vec<(&'static str, usize)> {
    CHILD_COLUMNS
        .iter()
        .filter_map(|(field, main, others)| {
            headers
                .iter()
                .position(|h| h == main || others.contains(&h.as_str()))
                .map(|i| (*field, i))
        })
        .collect()
}

/// A closed-list cell: our key, or its Chinese (or English) label.
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
    match (prefix, cell) {
        ("child.care", "隔代" | "祖辈监护") => Some("grandparents".into()),
        ("guardian.relation", "爷爷") => Some("paternal_grandfather".into()),
        ("guardian.relation", "奶奶") => Some("paternal_grandmother".into()),
        ("guardian.relation", "外公" | "姥爷") => Some("maternal_grandfather".into()),
        ("guardian.relation", "外婆" | "姥姥") => Some("maternal_grandmother".into()),
        _ => None,
    }
}

/// Dates as people type them: 2016-05-20, 2016/5/20, 2016.5.20, 20160520.
pub fn parse_date(cell: &str) -> Option<String> {
    let cell = cell.trim();
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

    #[test]
    fn headers_and_values() {
        let headers: Vec<String> = ["儿童姓名", "身份证号码", "出生日期"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let map = map_headers(&headers);
        assert!(
            map.contains(&("name", 0))
                && map.contains(&("id_number", 1))
                && map.contains(&("birth_date", 2))
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
            closed_value("guardian.relation", &["father"], "奶奶").as_deref(),
            Some("paternal_grandmother")
        );
        assert_eq!(parse_date("2016/5/20").as_deref(), Some("2016-05-20"));
        assert_eq!(parse_date("20160520").as_deref(), Some("2016-05-20"));
        assert_eq!(parse_date("2016年5月20日").as_deref(), Some("2016-05-20"));
        assert_eq!(parse_date("2016-02-30"), None);
    }
}
