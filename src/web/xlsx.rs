//! What every .xlsx download shares: the response with its type and file name, and the header
//! row's format.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::Format;

pub fn xlsx(bytes: Vec<u8>, ascii_name: &str) -> Response {
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{ascii_name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

pub fn bold() -> Format {
    Format::new().set_bold().set_background_color("#FDE7D4")
}
