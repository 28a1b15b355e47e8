//! What every .xlsx download shares: the response with its type and file name, and the header
//! row's format.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::Format;

/// An .xlsx download named `ascii_name`.
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

/// An .xlsx download with a name in any script (`filename*`), and `report.xlsx` for clients that
/// read only the plain name.
pub fn xlsx_named(bytes: Vec<u8>, file_name: &str) -> Response {
    let mut response = xlsx(bytes, "report.xlsx");
    let encoded: String = serde_urlencoded::to_string([("", file_name)])
        .unwrap_or_default()
        .trim_start_matches('=')
        .to_string();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"report.xlsx\"; filename*=UTF-8''{encoded}"
    )) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, v);
    }
    response
}
