//! Paging of the API's lists: `limit` (1–500, default 100) and `cursor` (the id the last page
//! ended on). A list is ordered by id, so a page never repeats or skips a row when rows are
//! added or removed between calls. The next page's address is in a `Link: <…>; rel="next"`
//! header (RFC 8288); the body stays a plain array.

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use uuid::Uuid;

use super::error::ApiError;

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 500;

/// A request's paging: how many rows, after which id, and the address it was asked at.
#[derive(Debug, Clone)]
pub struct Paging {
    pub limit: usize,
    pub cursor: Option<Uuid>,
    uri: Uri,
}

impl<S: Send + Sync> FromRequestParts<S> for Paging {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let mut paging = Paging {
            limit: DEFAULT_LIMIT,
            cursor: None,
            uri: parts.uri.clone(),
        };
        for (key, value) in form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes()) {
            match key.as_ref() {
                "limit" => {
                    paging.limit = value
                        .parse()
                        .ok()
                        .filter(|n| (1..=MAX_LIMIT).contains(n))
                        .ok_or_else(|| {
                            ApiError::new(
                                StatusCode::BAD_REQUEST,
                                "bad_limit",
                                format!("Give a limit from 1 to {MAX_LIMIT}."),
                            )
                        })?
                }
                "cursor" => {
                    paging.cursor = Some(value.parse().map_err(|_| {
                        ApiError::new(
                            StatusCode::BAD_REQUEST,
                            "bad_cursor",
                            "Give the cursor of the previous page's Link header.",
                        )
                    })?)
                }
                _ => {}
            }
        }
        Ok(paging)
    }
}

impl Paging {
    /// One page of a whole list: ordered by id, after the cursor, at most `limit` rows.
    pub fn page<T: Serialize>(&self, mut rows: Vec<T>, id: impl Fn(&T) -> Uuid) -> Page<T> {
        rows.sort_by_key(|r| id(r));
        if let Some(after) = self.cursor {
            rows.retain(|r| id(r) > after);
        }
        let next = (rows.len() > self.limit).then(|| {
            rows.truncate(self.limit);
            self.next_address(id(rows.last().expect("a full page has a last row")))
        });
        Page { rows, next }
    }

    /// This request's address with the cursor moved on.
    fn next_address(&self, last: Uuid) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in form_urlencoded::parse(self.uri.query().unwrap_or("").as_bytes()) {
            if key != "cursor" && key != "limit" {
                query.append_pair(&key, &value);
            }
        }
        query.append_pair("limit", &self.limit.to_string());
        query.append_pair("cursor", &last.to_string());
        format!("{}?{}", self.uri.path(), query.finish())
    }
}

/// A page of a list: a JSON array, and the next page's address when there is one.
pub struct Page<T> {
    pub rows: Vec<T>,
    pub next: Option<String>,
}

impl<T: Serialize> IntoResponse for Page<T> {
    fn into_response(self) -> Response {
        let mut response = Json(self.rows).into_response();
        if let Some(next) = self
            .next
            .and_then(|n| HeaderValue::from_str(&format!("<{n}>; rel=\"next\"")).ok())
        {
            response.headers_mut().insert(header::LINK, next);
        }
        response
    }
}
