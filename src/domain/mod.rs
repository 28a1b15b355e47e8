//! Domain values: typed ids, roles, logins. Pure code with unit tests; no database access.

pub mod ids;
pub mod login;
pub mod role;
