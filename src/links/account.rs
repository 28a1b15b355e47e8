//! The account's own paths beyond the shared sign-in ones in `links`: the code after the
//! password with its target, and the authenticator forms.

use super::TOTP_LOGIN;

/// New recovery codes, on a current authenticator code.
pub const TOTP_RECOVERY_CODES: &str = "/account/totp/recovery-codes";
/// Removing the authenticator.
pub const TOTP_DISABLE: &str = "/account/totp/disable";

/// The code page, keeping where to go afterwards (`next`, already checked to be local).
pub fn totp_login(next: &str) -> String {
    if next.is_empty() {
        TOTP_LOGIN.to_string()
    } else {
        format!(
            "{TOTP_LOGIN}?{}",
            serde_urlencoded::to_string([("next", next)]).unwrap_or_default()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_page_keeps_its_target() {
        assert_eq!(totp_login(""), "/login/totp");
        assert_eq!(
            totp_login("/users?a=b"),
            "/login/totp?next=%2Fusers%3Fa%3Db"
        );
    }
}
