//! Cross-site request forgery defence for every state-changing request: the request must come
//! from our own origin (Sec-Fetch-Site / Origin) and carry the CSRF token of its session (for a
//! logged-in user) or of its anonymous cookie (the login form), as a form field `csrf`, a
//! header `x-csrf-token`, or, for multipart uploads, a `csrf` query parameter.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, header};

pub const FIELD: &str = "csrf";
pub const HEADER: &str = "x-csrf-token";
/// Forms are small; a larger urlencoded body is refused before it is buffered.
const MAX_FORM_BYTES: usize = 1 << 20;

pub fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// True when the browser says the request came from another site.
pub fn cross_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin
            .split_once("://")
            .map(|(_, rest)| rest)
            .unwrap_or("null");
        return origin_host != host;
    }
    false
}

/// Find the token a request carries. Urlencoded bodies are buffered and put back.
pub async fn extract_token(req: Request<Body>) -> Result<(Option<String>, Request<Body>), ()> {
    let headers = req.headers();
    if let Some(token) = headers.get(HEADER).and_then(|v| v.to_str().ok()) {
        let token = token.to_string();
        return Ok((Some(token), req));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let (parts, body) = req.into_parts();
        let bytes: Bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| ())?;
        let token = field(&bytes);
        return Ok((token, Request::from_parts(parts, Body::from(bytes))));
    }
    if content_type.starts_with("multipart/form-data") {
        let token = req.uri().query().and_then(|q| field(q.as_bytes()));
        return Ok((token, req));
    }
    Ok((None, req))
}

fn field(encoded: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(encoded)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v)
}

/// Constant-time comparison, so the token cannot be guessed byte by byte from timings.
pub fn tokens_match(expected: &str, given: &str) -> bool {
    crate::domain::crypto::secrets_match(expected.as_bytes(), given.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn origin_checks() {
        let mut h = HeaderMap::new();
        assert!(!cross_origin(&h), "no header: decided by the token alone");
        h.insert(header::HOST, HeaderValue::from_static("shouhu.example.cn"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://shouhu.example.cn"),
        );
        assert!(!cross_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example.com"),
        );
        assert!(cross_origin(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(cross_origin(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(!cross_origin(&h));
    }

    #[test]
    fn token_comparison() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
        assert!(!tokens_match("abc", "ab"));
        assert!(!tokens_match("", ""));
        assert_eq!(field(b"a=1&csrf=xyz"), Some("xyz".to_string()));
        assert_eq!(field(b"a=1"), None);
    }
}
