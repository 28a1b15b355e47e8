//! Paths of volunteers and the code of conduct.

use crate::domain::ids::VolunteerId;

pub const VOLUNTEERS: &str = "/volunteers";
pub const NEW_VOLUNTEER: &str = "/volunteers/new";
pub const CONDUCT: &str = "/conduct";

pub fn volunteer(id: VolunteerId) -> String {
    format!("/volunteers/{id}")
}

pub fn volunteer_account(id: VolunteerId) -> String {
    format!("/volunteers/{id}/account")
}
