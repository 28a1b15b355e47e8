//! Paths of visits: the volunteer's phone pages, the staff form, comments and follow-ups.

use crate::domain::ids::{ChildId, FollowUpId, VisitId};

/// Where the phone form sends a visit.
pub const PHONE_VISITS: &str = "/v/visits";
pub const HOURS: &str = "/v/hours";
pub const FOLLOW_UPS: &str = "/follow-ups";

/// A paired child's card on the volunteer's phone.
pub fn card(child: impl Into<ChildId>) -> String {
    let child = child.into();
    format!("/v/children/{child}")
}

/// The card after a visit was saved.
pub fn card_saved(child: impl Into<ChildId>) -> String {
    let child = child.into();
    format!("/v/children/{child}?saved=1")
}

/// Where the volunteer credits an activity to one of the pairing's duties.
pub fn phone_credits(child: impl Into<ChildId>) -> String {
    let child = child.into();
    format!("/v/children/{child}/credits")
}

pub fn phone_visit_form(child: impl Into<ChildId>) -> String {
    let child = child.into();
    format!("/v/children/{child}/visit")
}

/// Where the staff form sends a visit of a child.
pub fn child_visits(child: impl Into<ChildId>) -> String {
    let child = child.into();
    format!("/children/{child}/visits")
}

pub fn new_child_visit(child: impl Into<ChildId>) -> String {
    let child = child.into();
    format!("/children/{child}/visits/new")
}

/// The visits, comments and follow-ups on a child's file.
pub fn timeline(child: impl Into<ChildId>) -> String {
    let child = child.into();
    format!("/children/{child}#timeline")
}

pub fn visit_comments(id: impl Into<VisitId>) -> String {
    let id = id.into();
    format!("/visits/{id}/comments")
}

pub fn close_follow_up(id: impl Into<FollowUpId>) -> String {
    let id = id.into();
    format!("/follow-ups/{id}/close")
}
