//! The web interface: one module per resource, each exposing `router()`.

pub mod account;
pub mod activities;
pub mod aid;
pub mod api;
pub mod assets;
pub mod audit_log;
pub mod charts;
pub mod children;
pub mod communities;
pub mod compliance;
pub mod context;
pub mod edit;
pub mod forms;
pub mod guard;
pub mod home;
pub mod ops;
pub mod pairings;
pub mod reports;
pub mod scope;
pub mod spreadsheets;
pub mod upload;
pub mod users;
pub mod visits;
pub mod volunteers;
pub mod xlsx;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

use crate::error::AppError;

/// An id from the path. A malformed id answers 404 like a missing one: nothing to learn.
#[derive(Debug, Clone, Copy)]
pub struct PathId<T>(pub T);

impl<S: Send + Sync, T: std::str::FromStr + Send> FromRequestParts<S> for PathId<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        raw.parse().map(PathId).map_err(|_| AppError::NotFound)
    }
}

/// A trimmed form value that must be present and at most `max` characters: the catalog key of
/// what is wrong, if anything.
pub fn required_text(value: &str, max: usize) -> Result<String, &'static str> {
    let value = value.trim();
    if value.is_empty() {
        Err("form.error.required")
    } else if value.chars().count() > max {
        Err("form.error.too_long")
    } else {
        Ok(value.to_string())
    }
}

/// Two ids from the path (`/children/{id}/guardians/{guardian_id}`); malformed answers 404.
#[derive(Debug, Clone, Copy)]
pub struct PathIds<A, B>(pub A, pub B);

impl<S: Send + Sync, A: std::str::FromStr + Send, B: std::str::FromStr + Send> FromRequestParts<S>
    for PathIds<A, B>
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path((a, b)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        Ok(PathIds(
            a.parse().map_err(|_| AppError::NotFound)?,
            b.parse().map_err(|_| AppError::NotFound)?,
        ))
    }
}
