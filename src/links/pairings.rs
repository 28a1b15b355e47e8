//! Paths of pairings, the duty grid and the street's settings.

use crate::domain::ids::{ChildId, PairingId};

pub const PAIRINGS: &str = "/pairings";
pub const NEW_PAIRING: &str = "/pairings/new";
pub const DUTIES: &str = "/pairings/duties";
pub const SETTINGS: &str = "/settings";

/// The new-pairing form with the child chosen.
pub fn new_pairing_for(child: impl Into<ChildId>) -> String {
    let child = child.into();
    format!("{NEW_PAIRING}?child_id={child}")
}

pub fn pairing_end(id: impl Into<PairingId>) -> String {
    let id = id.into();
    format!("/pairings/{id}/end")
}
