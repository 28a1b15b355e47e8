//! Guards on request bodies, before any handler sees them.
//!
//! Every body has a time limit (`body_deadline`): a client that stalls between two pieces of
//! its body, or takes too long in all, gets an error from the body, which the upload reader
//! turns into 408. Together with reading uploads before any transaction begins, a slow client
//! holds only its own socket.
//!
//! `reject_nul` refuses a form or JSON body holding a NUL character or bytes that are not UTF-8 (raw or
//! percent-encoded) before any handler sees it. Postgres cannot store a NUL in text (it would
//! surface as a server error), and form decoding would quietly turn broken bytes into U+FFFD and
//! save them. The answer is a 400 with a message (a page, or JSON for the API); nothing is
//! written. Both were found by drill F1.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody, to_bytes};
use axum::extract::Request;
use axum::extract::State;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// How long a request body may take: `idle` between two pieces, `total` in all.
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeouts {
    pub idle: Duration,
    pub total: Duration,
}

impl Default for BodyTimeouts {
    /// A 5 MB photo over a slow mobile link (about 30 KB/s) fits in three minutes; a link that
    /// passes nothing for 30 s is gone.
    fn default() -> BodyTimeouts {
        BodyTimeouts {
            idle: Duration::from_secs(30),
            total: Duration::from_secs(180),
        }
    }
}

/// The error a body gives once its time is up.
#[derive(Debug)]
pub struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body took too long")
    }
}

impl std::error::Error for BodyTimedOut {}

/// Whether an error came from the body's time limit (anywhere down its chain of sources).
pub fn timed_out(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if e.is::<BodyTimedOut>() {
            return true;
        }
        source = e.source();
    }
    false
}

/// A body that fails with `BodyTimedOut` when its time is up.
struct DeadlineBody {
    inner: Body,
    idle_for: Duration,
    idle: Pin<Box<tokio::time::Sleep>>,
    total: Pin<Box<tokio::time::Sleep>>,
}

impl HttpBody for DeadlineBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                let next = tokio::time::Instant::now() + this.idle_for;
                this.idle.as_mut().reset(next);
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Pending => {
                if this.total.as_mut().poll(cx).is_ready() || this.idle.as_mut().poll(cx).is_ready()
                {
                    Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut))))
                } else {
                    Poll::Pending
                }
            }
            other => other,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// Give every request body the time limits of `AppState::body_timeouts`.
pub async fn body_deadline(
    State(timeouts): State<BodyTimeouts>,
    req: Request,
    next: Next,
) -> Response {
    // Most requests (every GET) have no body: nothing to time.
    if req.body().is_end_stream() {
        return next.run(req).await;
    }
    let req = req.map(|inner| {
        Body::new(DeadlineBody {
            inner,
            idle_for: timeouts.idle,
            idle: Box::pin(tokio::time::sleep(timeouts.idle)),
            total: Box::pin(tokio::time::sleep(timeouts.total)),
        })
    });
    next.run(req).await
}

/// The largest form or JSON body read (axum's own default for `Form` and `Json`).
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Whether every value of a urlencoded body decodes to UTF-8.
fn form_is_utf8(bytes: &[u8]) -> bool {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    bytes.split(|b| *b == b'&' || *b == b'=').all(|part| {
        let mut out = Vec::with_capacity(part.len());
        let mut i = 0;
        while i < part.len() {
            match part[i] {
                b'%' if i + 2 < part.len() => {
                    match (hex(part[i + 1]), hex(part[i + 2])) {
                        (Some(h), Some(l)) => out.push(h * 16 + l),
                        _ => return false,
                    }
                    i += 3;
                }
                b'%' => return false,
                b'+' => {
                    out.push(b' ');
                    i += 1;
                }
                b => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        std::str::from_utf8(&out).is_ok()
    })
}

fn holds_nul(bytes: &Bytes, json: bool) -> bool {
    if bytes.contains(&0) {
        return true;
    }
    let lower = bytes.to_ascii_lowercase();
    let has = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    has(b"%00") || (json && has(b"\\u0000"))
}

pub async fn reject_nul(req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH) {
        return next.run(req).await;
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let json = content_type.starts_with("application/json");
    if !json && !content_type.starts_with("application/x-www-form-urlencoded") {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(err) if timed_out(&err) => {
            return refuse(
                StatusCode::REQUEST_TIMEOUT,
                json,
                "The request body took too long.",
            );
        }
        Err(_) => {
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                json,
                "The request is too large.",
            );
        }
    };
    if holds_nul(&bytes, json) {
        return refuse(
            StatusCode::BAD_REQUEST,
            json,
            "The request holds a NUL character.",
        );
    }
    if std::str::from_utf8(&bytes).is_err() || (!json && !form_is_utf8(&bytes)) {
        return refuse(
            StatusCode::BAD_REQUEST,
            json,
            "The request is not valid UTF-8.",
        );
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn refuse(status: StatusCode, json: bool, message: &'static str) -> Response {
    if json {
        let code = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "too_large",
            StatusCode::REQUEST_TIMEOUT => "timeout",
            _ => "invalid",
        };
        (
            status,
            axum::Json(serde_json::json!({ "error": { "code": code, "message": message } })),
        )
            .into_response()
    } else {
        // The context middleware draws the localised error page.
        let mut response = status.into_response();
        response
            .extensions_mut()
            .insert(crate::error::ErrorPage(status));
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_in_any_spelling_is_found() {
        assert!(holds_nul(&Bytes::from_static(b"name=a%00b"), false));
        assert!(holds_nul(&Bytes::from_static(b"name=a\0b"), false));
        assert!(holds_nul(
            &Bytes::from_static(br#"{"notes":"a\u0000b"}"#),
            true
        ));
        assert!(!holds_nul(&Bytes::from_static(b"name=%E5%BC%A0"), false));
        assert!(!holds_nul(
            &Bytes::from_static(br#"{"notes":"100%"}"#),
            true
        ));
    }

    #[test]
    fn broken_utf8_is_found_raw_or_encoded() {
        assert!(form_is_utf8(b"name=%E5%BC%A0+%E4%B8%89&csrf=abc"));
        assert!(!form_is_utf8(b"name=%FF%FE"));
        assert!(!form_is_utf8(b"name=%E5%BC"), "a cut character");
        assert!(!form_is_utf8(b"name=%G1"));
        assert!(!form_is_utf8(b"name=%"));
        assert!(form_is_utf8(b"a=1&b=&c"));
    }
}
