//! Reading an upload (`multipart/form-data`) whole, within its size limit and the body's time
//! limits, before a handler opens a transaction: a slow client holds only its own socket, never
//! one of the pool's database connections.

use axum::extract::{FromRequest, Multipart, Request};

use crate::error::AppError;
use crate::state::AppState;
use crate::web::guard::timed_out;

/// The fields of an upload form.
#[derive(Debug, Default)]
pub struct UploadForm {
    /// The file part's name as the browser gave it.
    pub file_name: String,
    /// The file part's bytes, if the form had one.
    pub file: Option<Vec<u8>>,
    /// The file part was over the route's size limit.
    pub too_big: bool,
    /// Every other (text) field, in order.
    pub fields: Vec<(String, String)>,
}

impl UploadForm {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Read every part of the form. `Ok(None)`: the request is not an upload at all. A body that
/// stalls or takes too long (see `guard::body_deadline`) is a 408 and nothing is kept.
pub async fn read_form(
    request: Request,
    state: &AppState,
    file_field: &str,
) -> Result<Option<UploadForm>, AppError> {
    let Ok(mut multipart) = Multipart::from_request(request, state).await else {
        return Ok(None);
    };
    let mut form = UploadForm::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) if timed_out(&err) => return Err(AppError::RequestTimeout),
            // A body cut short or malformed: what was read so far is all there is.
            Err(_) => break,
        };
        let name = field.name().unwrap_or("").to_string();
        if name == file_field {
            form.file_name = field.file_name().unwrap_or("").to_string();
            match field.bytes().await {
                Ok(b) => form.file = Some(b.to_vec()),
                Err(err) if timed_out(&err) => return Err(AppError::RequestTimeout),
                Err(_) => form.too_big = true,
            }
        } else {
            match field.text().await {
                Ok(text) => form.fields.push((name, text)),
                Err(err) if timed_out(&err) => return Err(AppError::RequestTimeout),
                Err(_) => {}
            }
        }
    }
    Ok(Some(form))
}
