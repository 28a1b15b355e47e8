//! The aid form: kind, day, amount in yuan (kept in fen), donor and note.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::money::{AID_KINDS, parse_yuan};
use crate::web::forms::{FieldErrors, optional_text, required_past_date};

/// The aid form as submitted, from the child page or the activity page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AidForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    given_on: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    donor: String,
    #[serde(default)]
    note: String,
}

/// A validated aid record.
pub struct AidInput {
    pub kind: String,
    pub given_on: NaiveDate,
    pub fen: i64,
    pub donor: String,
    pub note: String,
}

pub fn validate(form: &AidForm) -> Result<AidInput, FieldErrors> {
    let mut e = FieldErrors::default();
    if !AID_KINDS.contains(&form.kind.as_str()) {
        e.add("aid_kind", "form.error.required");
    }
    let given_on = required_past_date(&mut e, "aid_given_on", &form.given_on);
    let fen = if form.amount.trim().is_empty() {
        Some(0)
    } else {
        parse_yuan(&form.amount)
    };
    if fen.is_none() {
        e.add("aid_amount", "aid.error.amount");
    }
    let donor = optional_text(&mut e, "aid_donor", &form.donor, 100);
    let note = optional_text(&mut e, "aid_note", &form.note, 500);
    match (given_on, fen) {
        (Some(given_on), Some(fen)) if e.is_empty() => Ok(AidInput {
            kind: form.kind.clone(),
            given_on,
            fen,
            donor,
            note,
        }),
        _ => Err(e),
    }
}

/// The year of the totals page.
#[derive(Deserialize)]
pub struct YearQuery {
    pub year: Option<i32>,
}
