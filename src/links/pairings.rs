//! Paths of pairings, the duty grid and the street's settings.

use crate::domain::ids::{ChildId, PairingId};

pub const PAIRINGS: &str = "/pairings";
pub const NEW_PAIRING: &str = "/pairings/new";
pub const DUTIES: &str = "/pairings/duties";
pub const SETTINGS: &str = "/settings";

/// The new-pairing form with the child chosen.
pub fn new_pairing_for(child: ChildId) -> String {
    format!("{NEW_PAIRING}?child_id={child}")
}

pub fn pairing_end(id: PairingId) -> String {
    format!("/pairings/{id}/end")
}
