//! Paths of aid: recording it and the year's totals.

use crate::domain::ids::{ActivityId, ChildId};

pub const AID: &str = "/aid";

pub fn child_aid(id: ChildId) -> String {
    format!("/children/{id}/aid")
}

pub fn activity_aid(id: ActivityId) -> String {
    format!("/activities/{id}/aid")
}
