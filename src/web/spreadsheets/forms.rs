//! The spreadsheets' forms and query strings: an export's filters, the preview's page, the
//! fields chosen for a roster's columns and what happens to children already on file.

use serde::Deserialize;

use crate::error::AppError;
use crate::web::children::forms::ListQuery;

#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    #[serde(flatten)]
    pub list: ListQuery,
    /// A street admin asking for full ID numbers, with why.
    #[serde(default)]
    pub full_ids: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Deserialize)]
pub struct SemesterQuery {
    pub semester: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct PreviewQuery {
    #[serde(default)]
    pub page: Option<usize>,
    /// The mapping just submitted named one field for two columns.
    #[serde(default)]
    pub mapping_error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ConfirmForm {
    /// What happens to children already in the street: `skip` (the default) or `update`.
    #[serde(default)]
    existing: String,
}

impl ConfirmForm {
    pub fn update_existing(&self) -> bool {
        self.existing == "update"
    }
}

/// Files refused by their name before they are read.
pub fn refused_by_name(file_name: &str) -> Option<&'static str> {
    let lower = file_name.to_lowercase();
    (lower.ends_with(".et") || lower.ends_with(".ett")).then_some("import.error.et")
}

/// The fields chosen in the mapping step, as (header label, field) for each labelled column:
/// `col_N` is the field of column N ("": not imported). A column the file does not have, or a
/// field this kind of roster does not know, was not sent by our page (400).
pub fn chosen_fields(
    form: &[(String, String)],
    headers: &[String],
    known: &[(&'static str, &'static str)],
) -> Result<Vec<(String, &'static str)>, AppError> {
    let mut chosen: Vec<(String, &'static str)> = Vec::new();
    for (name, value) in form {
        let Some(index) = name
            .strip_prefix("col_")
            .and_then(|i| i.parse::<usize>().ok())
        else {
            continue;
        };
        let label = headers.get(index).ok_or(AppError::BadRequest)?;
        let field = if value.is_empty() {
            ""
        } else {
            known
                .iter()
                .find(|(k, _)| k == value)
                .map(|(k, _)| *k)
                .ok_or(AppError::BadRequest)?
        };
        if !label.is_empty() {
            chosen.push((label.clone(), field));
        }
    }
    Ok(chosen)
}

/// Whether the chosen fields name one field for two columns (one field, one column).
pub fn names_a_field_twice(chosen: &[(String, &'static str)]) -> bool {
    let mut fields: Vec<&str> = chosen
        .iter()
        .map(|(_, f)| *f)
        .filter(|f| !f.is_empty())
        .collect();
    fields.sort_unstable();
    fields.windows(2).any(|w| w[0] == w[1])
}
