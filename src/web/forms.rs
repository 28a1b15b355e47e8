//! Shared form helpers: field errors keyed by field name, checkbox and date parsing.

use std::collections::BTreeMap;

use chrono::NaiveDate;

/// What is wrong with each field of a submitted form, as catalog keys.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors(BTreeMap<&'static str, &'static str>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, key: &'static str) {
        self.0.entry(field).or_insert(key);
    }

    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0.get(field).copied()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn fields(&self) -> Vec<&'static str> {
        self.0.keys().copied().collect()
    }
}

/// A checkbox: present with any value means ticked.
pub fn ticked(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.is_empty())
}

/// An optional trimmed text of at most `max` characters.
pub fn optional_text(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    max: usize,
) -> String {
    // Counted as sent, spaces and all, as the API's document counts it.
    if value.chars().count() > max {
        errors.add(field, "form.error.too_long");
    }
    value.trim().to_string()
}

/// A required date (`YYYY-MM-DD`, as `<input type=date>` sends it).
pub fn required_date(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        errors.add(field, "form.error.required");
        return None;
    }
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(date) => Some(date),
        Err(_) => {
            errors.add(field, "form.error.date");
            None
        }
    }
}

/// A required date that has already happened (today in China at the latest).
pub fn required_past_date(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
) -> Option<NaiveDate> {
    let date = required_date(errors, field, value)?;
    if date > crate::domain::semester::today_in_china() {
        errors.add(field, "child.error.date_future");
        return None;
    }
    Some(date)
}

/// An optional date that has already happened; empty is `None`.
pub fn optional_past_date(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
) -> Option<NaiveDate> {
    unless_empty(value, || required_past_date(errors, field, value))
}

/// An optional date; empty is `None`.
pub fn optional_date(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
) -> Option<NaiveDate> {
    unless_empty(value, || required_date(errors, field, value))
}

fn unless_empty<T>(value: &str, parse: impl FnOnce() -> Option<T>) -> Option<T> {
    if value.trim().is_empty() {
        None
    } else {
        parse()
    }
}

/// A mainland phone number: an 11-digit mobile, or a landline with its area code
/// (`010-12345678`, `0755 1234567`). Empty is allowed; returns the normalised number.
pub fn optional_phone(errors: &mut FieldErrors, field: &'static str, value: &str) -> String {
    let value = value.trim();
    if value.is_empty() {
        return String::new();
    }
    match normalise_phone(value) {
        Some(phone) => phone,
        None => {
            errors.add(field, "form.error.phone");
            value.to_string()
        }
    }
}

pub fn normalise_phone(value: &str) -> Option<String> {
    let compact: String = value.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let compact = compact.strip_prefix("+86").unwrap_or(&compact).to_string();
    if crate::domain::login::is_mainland_mobile(&compact) {
        return Some(compact);
    }
    // Landline: 0 + 2–3 digit area code, then 7–8 digits.
    let digits_only = compact.bytes().all(|b| b.is_ascii_digit());
    if digits_only && compact.starts_with('0') && (10..=12).contains(&compact.len()) {
        let area = if compact.starts_with("01") || compact.starts_with("02") {
            3
        } else {
            4
        };
        return Some(format!("{}-{}", &compact[..area], &compact[area..]));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(
            normalise_phone("138 1234 5678").as_deref(),
            Some("13812345678")
        );
        assert_eq!(
            normalise_phone("010-12345678").as_deref(),
            Some("010-12345678")
        );
        assert_eq!(
            normalise_phone("0755 1234567").as_deref(),
            Some("0755-1234567")
        );
        assert_eq!(normalise_phone("12345"), None);
        assert_eq!(normalise_phone("23812345678"), None);
        let mut errors = FieldErrors::default();
        assert_eq!(optional_phone(&mut errors, "phone", ""), "");
        assert!(errors.is_empty());
        optional_phone(&mut errors, "phone", "abc");
        assert_eq!(errors.get("phone"), Some("form.error.phone"));
    }

    #[test]
    fn dates() {
        let mut errors = FieldErrors::default();
        assert_eq!(required_date(&mut errors, "d", "2026-02-29"), None);
        assert_eq!(errors.get("d"), Some("form.error.date"));
        assert!(optional_date(&mut errors, "e", " ").is_none());
        assert_eq!(errors.get("e"), None);
    }
}
