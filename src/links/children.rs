//! The paths of the child files: the list, a file and its sections, guardians and consents.

use crate::domain::ids::{ChildId, CommunityId, ConsentId, GuardianId};

pub const CHILDREN: &str = "/children";
pub const NEW_CHILD: &str = "/children/new";

/// The list with these filters (an encoded query string).
pub fn children_where(query: &str) -> String {
    format!("{CHILDREN}?{query}")
}

/// The list of one community's children.
pub fn children_of(community: CommunityId) -> String {
    format!("{CHILDREN}?community={community}")
}

pub fn child(id: ChildId) -> String {
    format!("/children/{id}")
}

pub fn edit_child(id: ChildId) -> String {
    format!("/children/{id}/edit")
}

pub fn print_child(id: ChildId) -> String {
    format!("/children/{id}/print")
}

pub fn reveal_id_number(id: ChildId) -> String {
    format!("/children/{id}/reveal")
}

pub fn child_status(id: ChildId) -> String {
    format!("/children/{id}/status")
}

pub fn verify_child(id: ChildId) -> String {
    format!("/children/{id}/verify")
}

pub fn transfer_child(id: ChildId) -> String {
    format!("/children/{id}/transfer")
}

/// The guardians' section of the child page.
pub fn guardians_section(id: ChildId) -> String {
    format!("/children/{id}#guardians")
}

/// Where a new guardian is sent.
pub fn guardians(id: ChildId) -> String {
    format!("/children/{id}/guardians")
}

pub fn new_guardian(id: ChildId) -> String {
    format!("/children/{id}/guardians/new")
}

pub fn guardian(id: ChildId, guardian: GuardianId) -> String {
    format!("/children/{id}/guardians/{guardian}")
}

pub fn edit_guardian(id: ChildId, guardian: GuardianId) -> String {
    format!("/children/{id}/guardians/{guardian}/edit")
}

pub fn delete_guardian(id: ChildId, guardian: GuardianId) -> String {
    format!("/children/{id}/guardians/{guardian}/delete")
}

/// The consent section of the child page.
pub fn consent_section(id: ChildId) -> String {
    format!("/children/{id}#consent")
}

/// Where a new consent is sent.
pub fn consents(id: ChildId) -> String {
    format!("/children/{id}/consents")
}

pub fn withdraw_consent(id: ChildId, consent: ConsentId) -> String {
    format!("/children/{id}/consents/{consent}/withdraw")
}
