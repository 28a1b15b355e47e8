//! The form that creates an access token.

use serde::Deserialize;

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub access: String,
}

impl TokenForm {
    /// What the token may do: `read_write` only when asked for, else `read`.
    pub fn access(&self) -> &'static str {
        if self.access == "read_write" {
            "read_write"
        } else {
            "read"
        }
    }
}
