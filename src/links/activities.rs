//! Paths of activities, their attendance and their photos.

use crate::domain::ids::{ActivityId, PhotoId};

pub const ACTIVITIES: &str = "/activities";
pub const NEW_ACTIVITY: &str = "/activities/new";

/// The month view with its filters, as a query string (`month=2026-05&kind=forum`).
pub fn activities_with(query: &str) -> String {
    format!("{ACTIVITIES}?{query}")
}

pub fn activity(id: impl Into<ActivityId>) -> String {
    let id = id.into();
    format!("/activities/{id}")
}

/// A section of the activity page (`credits`, `photos`, `aid`).
pub fn activity_section(id: impl Into<ActivityId>, section: &str) -> String {
    let id = id.into();
    format!("/activities/{id}#{section}")
}

pub fn activity_edit(id: impl Into<ActivityId>) -> String {
    let id = id.into();
    format!("/activities/{id}/edit")
}

pub fn activity_cancel(id: impl Into<ActivityId>) -> String {
    let id = id.into();
    format!("/activities/{id}/cancel")
}

pub fn activity_summary(id: impl Into<ActivityId>) -> String {
    let id = id.into();
    format!("/activities/{id}/summary")
}

pub fn attendance(id: impl Into<ActivityId>) -> String {
    let id = id.into();
    format!("/activities/{id}/attendance")
}

/// The attendance page with a query string (`q=…&saved=1`).
pub fn attendance_with(id: impl Into<ActivityId>, query: &str) -> String {
    let id = id.into();
    format!("/activities/{id}/attendance?{query}")
}

pub fn walk_in(id: impl Into<ActivityId>) -> String {
    let id = id.into();
    format!("/activities/{id}/walk-in")
}

pub fn credits(id: impl Into<ActivityId>) -> String {
    let id = id.into();
    format!("/activities/{id}/credits")
}

pub fn photos(id: impl Into<ActivityId>) -> String {
    let id = id.into();
    format!("/activities/{id}/photos")
}

pub fn photo(id: impl Into<PhotoId>) -> String {
    let id = id.into();
    format!("/photos/{id}")
}

pub fn thumbnail(id: impl Into<PhotoId>) -> String {
    let id = id.into();
    format!("/photos/{id}/thumb")
}
