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
