//! One error type for every handler. Client errors carry what the user needs; database and
//! internal errors are logged and shown as a plain 500 page with no internals.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub type Result<T, E = AppError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Missing, or out of the caller's scope: both answer 404 so nothing leaks.
    #[error("not found")]
    NotFound,
    /// A failed CSRF or origin check.
    #[error("forbidden")]
    Forbidden,
    #[error("too many requests")]
    TooManyRequests,
    /// The client took too long to send its request body.
    #[error("request timeout")]
    RequestTimeout,
    /// A request no form of ours sends (malformed ids, bad enum values).
    #[error("bad request")]
    BadRequest,
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn internal(err: impl std::fmt::Display) -> AppError {
        AppError::Internal(err.to_string())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            AppError::BadRequest => StatusCode::BAD_REQUEST,
            AppError::Db(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Marks a response whose body the error-page middleware renders in the request's language.
#[derive(Debug, Clone, Copy)]
pub struct ErrorPage(pub StatusCode);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            // The detail goes to the log only; the page says nothing about internals.
            tracing::error!(error = %self, "request failed");
        }
        let mut response = status.into_response();
        response.extensions_mut().insert(ErrorPage(status));
        response
    }
}

/// The result of a command-line step (and of what the CLI and the demo loaders share): any
/// error, shown to the operator as its message.
pub type CliResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;
