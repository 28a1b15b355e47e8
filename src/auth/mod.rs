//! Who is asking: sessions, CSRF, bearer tokens, password hashing, login throttling,
//! authenticator codes and the role extractors.

pub mod bearer;
pub mod csrf;
pub mod extract;
pub mod password;
pub mod request;
pub mod session;
pub mod tenant;
pub mod throttle;
pub mod totp;

pub use extract::{CurrentUser, SessionUser, Staff, StreetAdmin, VolunteerUser};
pub use tenant::{Anonymous, RequestPool, Tenant};
