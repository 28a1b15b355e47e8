//! Every path the pages link to, in one place: the shared ones here, each resource's in a file
//! of its own. Templates call them by path (`crate::links::reports::report(…)`).

pub mod account;
pub mod activities;
pub mod aid;
pub mod api;
pub mod audit;
pub mod children;
pub mod communities;
pub mod compliance;
pub mod pairings;
pub mod reports;
pub mod spreadsheets;
pub mod users;
pub mod visits;
pub mod volunteers;

pub const HOME: &str = "/";
pub const LOGIN: &str = "/login";
pub const LOGOUT: &str = "/logout";
pub const PASSWORD: &str = "/password";
/// Setting up an authenticator app (and the account's sign-in security).
pub const TOTP_SETUP: &str = "/account/totp";
/// The authenticator code after the password.
pub const TOTP_LOGIN: &str = "/login/totp";
pub const LOCALE: &str = "/locale";

pub fn login_with_next(next: &str) -> String {
    if next == "/" || !is_local_path(next) {
        LOGIN.to_string()
    } else {
        format!("{LOGIN}?next={}", urlencode(next))
    }
}

/// Only paths on this site may be redirect targets (no `//evil.example`, no schemes).
pub fn is_local_path(path: &str) -> bool {
    // Browsers drop tabs and newlines and treat `\` as `/`: none of them may appear at all.
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains("://")
        && !path.bytes().any(|b| b < 0x20 || b == 0x7f || b == b'\\')
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e[1..].to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_redirects() {
        assert!(is_local_path("/users?x=1"));
        assert!(!is_local_path("//evil.example"));
        assert!(!is_local_path("https://evil.example"));
        assert!(!is_local_path("/\\evil.example"));
        assert!(
            !is_local_path("/\t/evil.example"),
            "a tab is dropped by browsers: //evil.example"
        );
        assert!(!is_local_path("/users\n"));
        assert_eq!(
            login_with_next("/users?a=b"),
            "/login?next=%2Fusers%3Fa%3Db"
        );
        assert_eq!(login_with_next("//evil"), "/login");
    }
}
