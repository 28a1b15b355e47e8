//! Paths of aid: recording it and the year's totals.

use crate::domain::ids::{ActivityId, ChildId};

pub const AID: &str = "/aid";

pub fn child_aid(id: impl Into<ChildId>) -> String {
    let id = id.into();
    format!("/children/{id}/aid")
}

pub fn activity_aid(id: impl Into<ActivityId>) -> String {
    let id = id.into();
    format!("/activities/{id}/aid")
}
