//! What the sign-in, password, language and authenticator forms send.

use serde::Deserialize;

use crate::links;

/// Where to go after signing in, carried through the sign-in pages.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    pub next: String,
}

#[derive(Deserialize)]
pub struct LoginForm {
    pub login: String,
    pub password: String,
    #[serde(default)]
    pub next: String,
}

#[derive(Deserialize)]
pub struct PasswordForm {
    pub current: String,
    pub new: String,
    pub confirm: String,
}

#[derive(Deserialize)]
pub struct LocaleForm {
    pub lang: String,
    #[serde(default)]
    pub back: String,
}

/// The code after the password (an authenticator code or a recovery code).
#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub next: String,
}

/// A code on the account's own page: enrol, new recovery codes, remove.
#[derive(Deserialize)]
pub struct CodeOnly {
    #[serde(default)]
    pub code: String,
}

/// A `next` target only if it stays on this site; otherwise none.
pub fn safe_next(next: &str) -> String {
    if links::is_local_path(next) {
        next.to_string()
    } else {
        String::new()
    }
}
