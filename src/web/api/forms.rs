//! The form that creates an access token.

use serde::Deserialize;

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub access: String,
    /// Days until the token expires (30, 90 or 365); empty: never.
    #[serde(default)]
    pub expires_in_days: String,
}

/// The expiries a token may be given, in days.
pub const EXPIRIES: [i32; 3] = [30, 90, 365];

impl TokenForm {
    /// What the token may do: `read_write` only when asked for, else `read`.
    pub fn access(&self) -> &'static str {
        if self.access == "read_write" {
            "read_write"
        } else {
            "read"
        }
    }

    /// Days until the token expires: one of `EXPIRIES`, or never (`Ok(None)`); anything else is
    /// not a choice the form offers.
    pub fn expires_in_days(&self) -> Result<Option<i32>, &'static str> {
        match self.expires_in_days.trim() {
            "" => Ok(None),
            days => days
                .parse()
                .ok()
                .filter(|d| EXPIRIES.contains(d))
                .map(Some)
                .ok_or("api.error.expiry"),
        }
    }
}
