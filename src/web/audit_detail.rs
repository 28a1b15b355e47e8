//! An audit event's detail as a person reads it: each field named, closed-list values, periods
//! and semesters shown by their labels (已上报, 2026年第三季度), never by their stored keys.

use serde_json::Value;

use crate::domain::semester::Quarter;
use crate::domain::semester::Semester;
use crate::i18n::{Lang, catalog};

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
