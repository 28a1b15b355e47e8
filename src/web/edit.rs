//! The versioned edit, one flow for every record a form edits (a child's file, a guardian, a
//! volunteer, an activity). The form carries the version it was loaded at. A form older than
//! the stored record, or a write that finds the record moved on meanwhile, shows the conflict
//! instead of saving over someone else's change (409); invalid input shows the form again with
//! every error beside its field (422). Nothing is written unless the edit is saved, and what the
//! user typed stays on the page.

use std::future::Future;
use std::pin::Pin;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::db::Tx;
use crate::error::{AppError, Result};
use crate::web::forms::FieldErrors;

/// A form page that can show an edit's refusal.
pub trait EditPage: IntoResponse {
    /// The record as stored, for the conflict.
    type Stored;
    /// Show these errors beside their fields.
    fn show_errors(&mut self, errors: FieldErrors);
    /// Show that the record was saved by someone else meanwhile; the form keeps what this user
    /// typed and takes the stored version, so sending it again saves over the change knowingly.
    fn show_conflict(&mut self, stored: Self::Stored);
}

/// `EditPage` for a form page that keeps its errors in `errors`, the sent form (with its
/// `version`) in `form` and shows the conflict when `conflict` is set.
macro_rules! form_edit_page {
    ($page:ty) => {
        impl $crate::web::edit::EditPage for $page {
            type Stored = i32;
            fn show_errors(&mut self, errors: $crate::web::forms::FieldErrors) {
                self.errors = errors;
            }
            fn show_conflict(&mut self, stored_version: i32) {
                self.form.version = stored_version.to_string();
                self.conflict = true;
            }
        }
    };
}
pub(crate) use form_edit_page;

/// What came of an edit.
pub enum Edited<T> {
    /// Written: the transaction goes on (audit, commit) with the validated input.
    Saved(Tx, T),
    /// Not written: the form again, ready to send (the transaction is committed).
    Refused(Response),
}

/// The write of an edit: true when the row was still at the sent version.
pub type Write<'a> = Pin<Box<dyn Future<Output = Result<bool>> + Send + 'a>>;

/// The version a form was loaded at; a form without one was not sent by our page (400).
pub fn sent_version(raw: &str) -> Result<i32> {
    raw.trim().parse().map_err(|_| AppError::BadRequest)
}

/// Saves an edit of a record stored at `stored_version`, sent at `sent` with `valid` input:
/// `write` gets the sent version and the input and says whether the row was still at that
/// version (an `UPDATE … WHERE version = $n`).
pub async fn save<P: EditPage, T>(
    mut tx: Tx,
    mut page: P,
    sent: i32,
    stored: P::Stored,
    stored_version: i32,
    valid: Result<T, FieldErrors>,
    write: impl for<'a> FnOnce(&'a mut Tx, i32, &'a T) -> Write<'a>,
) -> Result<Edited<T>> {
    let status = match valid {
        _ if sent != stored_version => {
            page.show_conflict(stored);
            StatusCode::CONFLICT
        }
        Err(errors) => {
            page.show_errors(errors);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Ok(input) => {
            if write(&mut tx, sent, &input).await? {
                return Ok(Edited::Saved(tx, input));
            }
            page.show_conflict(stored);
            StatusCode::CONFLICT
        }
    };
    tx.commit().await?;
    Ok(Edited::Refused((status, page).into_response()))
}

/// Who changed a field that reads differently in the stored record and in the sent form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangedBy {
    /// Changed by the other save only: the stored value is taken into the form.
    Them,
    /// Changed in this form only: what was typed is kept.
    You,
    /// Changed on both sides (or the form's opening values are unknown): what was typed is kept,
    /// beside the other save's value.
    Both,
}

impl ChangedBy {
    pub fn key(self) -> &'static str {
        match self {
            ChangedBy::Them => "edit.changed.them",
            ChangedBy::You => "edit.changed.you",
            ChangedBy::Both => "edit.changed.both",
        }
    }

    /// The page's class for the row (`changed-them`, …).
    pub fn class(self) -> &'static str {
        match self {
            ChangedBy::Them => "them",
            ChangedBy::You => "you",
            ChangedBy::Both => "both",
        }
    }
}

/// A field that differs between the stored record and the sent form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub field: &'static str,
    pub theirs: String,
    pub yours: String,
    pub by: ChangedBy,
}

/// A form's fields as name → value (a checkbox left unticked reads as empty).
fn values<F: Serialize>(form: &F) -> serde_json::Map<String, Value> {
    match serde_json::to_value(form) {
        Ok(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    }
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// What a form showed when it was opened: its `fields`, carried in the page so that a stale
/// save can be merged against them.
pub fn opened_with<F: Serialize>(form: &F, fields: &[&'static str]) -> String {
    let all = values(form);
    let kept: serde_json::Map<String, Value> = fields
        .iter()
        .map(|f| (f.to_string(), Value::String(text(all.get(*f)))))
        .collect();
    Value::Object(kept).to_string()
}

/// Three-way merge of a stale form: `mine` as sent, `opened` the values the form was opened with
/// (from [`opened_with`]; `None` when the page did not carry them), `theirs` the stored record
/// as a form. A field this form did not touch takes the stored value, so saving the merged form
/// keeps the other person's change; a field changed here keeps what was typed. Every field in
/// `fields` that reads differently in the record and in what was sent is listed, with who
/// changed it.
pub fn merge<F: Serialize + DeserializeOwned + Clone>(
    mine: &F,
    opened: Option<&str>,
    theirs: &F,
    fields: &[&'static str],
) -> (F, Vec<Difference>) {
    let opened: Option<serde_json::Map<String, Value>> =
        opened.and_then(|raw| match serde_json::from_str(raw) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        });
    let (mut merged, stored) = (values(mine), values(theirs));
    let mut differences = Vec::new();
    for &field in fields {
        let (yours, theirs_text) = (text(merged.get(field)), text(stored.get(field)));
        if yours == theirs_text {
            continue;
        }
        let base = opened.as_ref().map(|o| text(o.get(field)));
        let by = match base {
            Some(b) if b == yours => ChangedBy::Them,
            Some(b) if b == theirs_text => ChangedBy::You,
            _ => ChangedBy::Both,
        };
        if by == ChangedBy::Them {
            let value = stored.get(field).cloned().unwrap_or(Value::Null);
            merged.insert(field.to_string(), value);
        }
        differences.push(Difference {
            field,
            theirs: theirs_text,
            yours,
            by,
        });
    }
    let merged = serde_json::from_value(Value::Object(merged)).unwrap_or_else(|_| mine.clone());
    (merged, differences)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct F {
        a: String,
        b: String,
        c: String,
        tick: Option<String>,
        version: String,
    }

    fn f(a: &str, b: &str, c: &str, tick: bool) -> F {
        F {
            a: a.into(),
            b: b.into(),
            c: c.into(),
            tick: tick.then(|| "on".into()),
            version: "1".into(),
        }
    }

    const FIELDS: &[&str] = &["a", "b", "c", "tick"];

    #[test]
    fn a_field_this_form_did_not_touch_takes_the_stored_value() {
        let opened = opened_with(&f("1", "1", "1", false), FIELDS);
        // They changed a and the tick; I changed b.
        let theirs = f("2", "1", "1", true);
        let mine = f("1", "3", "1", false);
        let (merged, diffs) = merge(&mine, Some(&opened), &theirs, FIELDS);
        assert_eq!(merged, f("2", "3", "1", true));
        let by: Vec<(&str, ChangedBy)> = diffs.iter().map(|d| (d.field, d.by)).collect();
        assert_eq!(
            by,
            [
                ("a", ChangedBy::Them),
                ("b", ChangedBy::You),
                ("tick", ChangedBy::Them)
            ]
        );
    }

    #[test]
    fn a_field_changed_on_both_sides_keeps_what_was_typed() {
        let opened = opened_with(&f("1", "1", "1", false), FIELDS);
        let (merged, diffs) = merge(
            &f("mine", "1", "1", false),
            Some(&opened),
            &f("theirs", "1", "1", false),
            FIELDS,
        );
        assert_eq!(merged.a, "mine");
        assert_eq!(diffs.len(), 1);
        assert_eq!(
            (
                diffs[0].by,
                diffs[0].theirs.as_str(),
                diffs[0].yours.as_str()
            ),
            (ChangedBy::Both, "theirs", "mine")
        );
    }

    #[test]
    fn without_the_opening_values_every_difference_keeps_what_was_typed() {
        for opened in [None, Some("not json"), Some("[1]")] {
            let mine = f("1", "3", "1", false);
            let (merged, diffs) = merge(&mine, opened, &f("2", "1", "1", false), FIELDS);
            assert_eq!(merged, mine);
            assert!(diffs.iter().all(|d| d.by == ChangedBy::Both));
            assert_eq!(diffs.len(), 2);
        }
    }

    #[test]
    fn same_values_on_both_sides_are_not_a_difference() {
        let opened = opened_with(&f("1", "1", "1", false), FIELDS);
        let (_, diffs) = merge(
            &f(" 2 ", "1", "1", true),
            Some(&opened),
            &f("2", "1", "1", true),
            FIELDS,
        );
        assert!(diffs.is_empty());
    }
}
