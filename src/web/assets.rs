//! Static assets, compiled into the binary so a deployment is one file. Cached for an hour;
//! everything else is `no-store`.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::AppError;
use crate::state::AppState;

const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/app.css"),
    ),
    (
        "desk.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/desk.css"),
    ),
    (
        "print.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/print.css"),
    ),
    (
        "offline.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/offline.js"),
    ),
    (
        "import.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/import.js"),
    ),
    (
        "menu.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/menu.js"),
    ),
    (
        "print.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/print.js"),
    ),
    (
        "user-form.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/user-form.js"),
    ),
    (
        "icon.svg",
        "image/svg+xml",
        include_bytes!("../../static/icon.svg"),
    ),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/{name}", get(asset))
        .route("/sw.js", get(service_worker))
        // Pages name /static/icon.svg; a client that asks for the old name gets it too, not a 404.
        .route("/favicon.ico", get(|| asset(Path("icon.svg".to_string()))))
}

/// The volunteers' service worker, served from the root so its scope covers every page. Browsers
/// check it for updates on each visit (`no-cache`).
async fn service_worker() -> Response {
    let mut response = include_bytes!("../../static/sw.js").into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

async fn asset(Path(name): Path<String>) -> Result<Response, AppError> {
    let (_, content_type, bytes) = ASSETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .ok_or(AppError::NotFound)?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    Ok(response)
}
