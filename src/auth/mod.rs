//! Accounts, sessions, CSRF, login throttling and the role extractors.

pub mod csrf;
pub mod extract;
pub mod handlers;
pub mod password;
pub mod session;
pub mod throttle;
pub mod totp;

pub use extract::{CurrentUser, SessionUser, Staff, StreetAdmin, VolunteerUser};
