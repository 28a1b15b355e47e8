//! The audit page, the export's workbook, and an event's detail as a person reads it: each
//! field named, closed-list values, periods and semesters shown by their labels (已上报,
//! 2026年第三季度), never by their stored keys.

use askama::Template;
use askama_web::WebTemplate;
use rust_xlsxwriter::Workbook;
use serde_json::Value;

use super::db::AuditRow;
use super::forms::{ACTIONS, AuditQuery};
use crate::audit::BrokenLink;
use crate::domain::ids::{ChildId, UserId};
use crate::domain::semester::{Quarter, Semester, china_offset};
use crate::i18n::{Lang, catalog};
use crate::web::context::PageCtx;
use crate::web::forms::FieldErrors;
use crate::web::xlsx::bold;

#[derive(Template, WebTemplate)]
#[template(path = "audit/list.html")]
pub struct AuditPage {
    pub ctx: PageCtx,
    pub query: AuditQuery,
    pub errors: FieldErrors,
    pub rows: Vec<AuditRow>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub users: Vec<(UserId, String, String)>,
    pub actions: &'static [&'static str],
    pub broken: Option<BrokenLink>,
    pub events: i64,
}

impl AuditPage {
    fn err(&self, field: &str) -> Option<&'static str> {
        self.errors.get(field)
    }
}

impl AuditRow {
    pub fn when(&self) -> String {
        self.at
            .with_timezone(&china_offset())
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    }

    /// The detail as a person reads it.
    pub fn detail_text(&self, lang: impl std::borrow::Borrow<Lang>) -> String {
        humanize(&self.detail, *lang.borrow())
    }

    /// The child the event is about, if it is about one.
    pub fn child_id(&self) -> Option<ChildId> {
        self.child_name.as_ref().and(self.entity_id).map(ChildId)
    }

    pub fn action_key(&self) -> String {
        if ACTIONS.contains(&self.action.as_str()) {
            format!("audit.action.{}", self.action)
        } else {
            String::new()
        }
    }
}

/// The export: every event that matches, one a row.
pub fn workbook(
    rows: &[AuditRow],
    lang: Lang,
    t: impl Fn(&str) -> String,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name(t("audit.title"))?;
    let headers = [
        "audit.seq",
        "audit.at",
        "audit.user",
        "audit.login",
        "audit.action",
        "audit.entity",
        "audit.child",
        "audit.ip",
        "audit.detail",
    ];
    for (i, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, t(h), &bold())?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        let key = row.action_key();
        let action = if key.is_empty() {
            row.action.clone()
        } else {
            t(&key)
        };
        sheet.write_number(r, 0, row.seq as f64)?;
        sheet.write_string(r, 1, row.when())?;
        sheet.write_string(r, 2, &row.user_name)?;
        sheet.write_string(r, 3, &row.user_login)?;
        sheet.write_string(r, 4, action)?;
        sheet.write_string(
            r,
            5,
            format!(
                "{} {}",
                t(&format!("audit.entity_kind.{}", row.entity)),
                row.entity_id.map(|i| i.to_string()).unwrap_or_default()
            ),
        )?;
        sheet.write_string(r, 6, row.child_name.clone().unwrap_or_default())?;
        sheet.write_string(r, 7, &row.ip)?;
        sheet.write_string(r, 8, humanize(&row.detail, lang))?;
    }
    sheet.set_column_width(1, 20)?;
    sheet.set_column_width(8, 60)?;
    book.save_to_buffer()
}

/// The closed lists a detail value may come from, by catalog prefix.
const VALUE_LISTS: [&str; 9] = [
    "report.status.",
    "visit.kind.",
    "child.status.",
    "guardian.relation.",
    "role.",
    "duty.",
    "consent.scope.",
    "volunteer.status.",
    "activity.kind.",
];

fn value_text(value: &Value, lang: Lang) -> String {
    let t = catalog(lang);
    match value {
        Value::String(s) => {
            if let Some(q) = Quarter::parse(s) {
                return q.label(lang);
            }
            if let Some(semester) = Semester::parse(s) {
                return semester.label(lang);
            }
            VALUE_LISTS
                .iter()
                .map(|prefix| format!("{prefix}{s}"))
                .find(|key| t.has(key))
                .map(|key| t.t(&key).to_string())
                .unwrap_or_else(|| s.clone())
        }
        Value::Bool(b) => t
            .t(if *b {
                "audit.detail.yes"
            } else {
                "audit.detail.no"
            })
            .to_string(),
        Value::Array(items) => items
            .iter()
            .map(|v| value_text(v, lang))
            .collect::<Vec<_>>()
            .join(if lang == Lang::En { ", " } else { "、" }),
        Value::Null => "—".to_string(),
        other => other.to_string(),
    }
}

/// The detail (stored as JSON) as "field: value" pairs; anything not an object as it is.
pub fn humanize(detail: &str, lang: Lang) -> String {
    let t = catalog(lang);
    let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(detail) else {
        return detail.to_string();
    };
    let (colon, separator) = if lang == Lang::En {
        (": ", "; ")
    } else {
        ("：", "；")
    };
    fields
        .iter()
        .map(|(name, value)| {
            let key = format!("audit.field.{name}");
            let name = if t.has(&key) {
                t.t(&key)
            } else {
                name.as_str()
            };
            format!("{name}{colon}{}", value_text(value, lang))
        })
        .collect::<Vec<_>>()
        .join(separator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_read_as_words() {
        assert_eq!(
            humanize(
                r#"{"period":"2026-Q3","from":"submitted","to":"approved"}"#,
                Lang::Zh
            ),
            "起：已上报；季度：2026年第三季度；止：已审核通过"
        );
        assert_eq!(
            humanize(
                r#"{"relation":"paternal_grandmother","semester":"2026-autumn"}"#,
                Lang::En
            ),
            "Relation: Paternal grandmother; Semester: Autumn 2026"
        );
        assert_eq!(humanize("{}", Lang::Zh), "");
    }
}
