//! Paths of volunteers and the code of conduct.

use crate::domain::ids::VolunteerId;

pub const VOLUNTEERS: &str = "/volunteers";
pub const NEW_VOLUNTEER: &str = "/volunteers/new";
pub const CONDUCT: &str = "/conduct";

pub fn volunteer(id: impl Into<VolunteerId>) -> String {
    let id = id.into();
    format!("/volunteers/{id}")
}

pub fn volunteer_account(id: impl Into<VolunteerId>) -> String {
    let id = id.into();
    format!("/volunteers/{id}/account")
}
