//! The paths of the child files: the list, a file and its sections, guardians and consents.

use crate::domain::ids::{ChildId, CommunityId, ConsentId, GuardianId};

pub const CHILDREN: &str = "/children";
pub const NEW_CHILD: &str = "/children/new";

/// The list with these filters (an encoded query string).
pub fn children_where(query: &str) -> String {
    format!("{CHILDREN}?{query}")
}

/// The list of one community's children.
pub fn children_of(community: impl Into<CommunityId>) -> String {
    let community = community.into();
    format!("{CHILDREN}?community={community}")
}

pub fn child(id: impl Into<ChildId>) -> String {
    let id = id.into();
    format!("/children/{id}")
}

pub fn edit_child(id: impl Into<ChildId>) -> String {
    let id = id.into();
    format!("/children/{id}/edit")
}

pub fn print_child(id: impl Into<ChildId>) -> String {
    let id = id.into();
    format!("/children/{id}/print")
}

pub fn reveal_id_number(id: impl Into<ChildId>) -> String {
    let id = id.into();
    format!("/children/{id}/reveal")
}

pub fn child_status(id: impl Into<ChildId>) -> String {
    let id = id.into();
    format!("/children/{id}/status")
}

pub fn verify_child(id: impl Into<ChildId>) -> String {
    let id = id.into();
    format!("/children/{id}/verify")
}

pub fn transfer_child(id: impl Into<ChildId>) -> String {
    let id = id.into();
    format!("/children/{id}/transfer")
}

/// The guardians' section of the child page.
pub fn guardians_section(id: impl Into<ChildId>) -> String {
    let id = id.into();
    format!("/children/{id}#guardians")
}

/// Where a new guardian is sent.
pub fn guardians(id: impl Into<ChildId>) -> String {
    let id = id.into();
    format!("/children/{id}/guardians")
}

pub fn new_guardian(id: impl Into<ChildId>) -> String {
    let id = id.into();
    format!("/children/{id}/guardians/new")
}

pub fn guardian(id: impl Into<ChildId>, guardian: impl Into<GuardianId>) -> String {
    let id = id.into();
    let guardian = guardian.into();
    format!("/children/{id}/guardians/{guardian}")
}

pub fn edit_guardian(id: impl Into<ChildId>, guardian: impl Into<GuardianId>) -> String {
    let id = id.into();
    let guardian = guardian.into();
    format!("/children/{id}/guardians/{guardian}/edit")
}

pub fn delete_guardian(id: impl Into<ChildId>, guardian: impl Into<GuardianId>) -> String {
    let id = id.into();
    let guardian = guardian.into();
    format!("/children/{id}/guardians/{guardian}/delete")
}

/// The consent section of the child page.
pub fn consent_section(id: impl Into<ChildId>) -> String {
    let id = id.into();
    format!("/children/{id}#consent")
}

/// Where a new consent is sent.
pub fn consents(id: impl Into<ChildId>) -> String {
    let id = id.into();
    format!("/children/{id}/consents")
}

pub fn withdraw_consent(id: impl Into<ChildId>, consent: impl Into<ConsentId>) -> String {
    let id = id.into();
    let consent = consent.into();
    format!("/children/{id}/consents/{consent}/withdraw")
}
