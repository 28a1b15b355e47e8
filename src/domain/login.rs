//! A login name: an email address or a mainland China mobile number.

use std::fmt;

/// A validated, normalised login (lower-case email, or an 11-digit mobile number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginError {
    Empty,
    Invalid,
}

impl Login {
    pub fn parse(raw: &str) -> Result<Login, LoginError> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err(LoginError::Empty);
        }
        let digits: String = s.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let digits = digits.strip_prefix("+86").unwrap_or(&digits).to_string();
        if is_mainland_mobile(&digits) {
            return Ok(Login(digits));
        }
        if is_email(&s) {
            return Ok(Login(s));
        }
        Err(LoginError::Invalid)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_phone(&self) -> bool {
        is_mainland_mobile(&self.0)
    }
}

impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Mainland mobile numbers: 11 digits starting 1[3-9].
pub fn is_mainland_mobile(s: &str) -> bool {
    s.len() == 11
        && s.bytes().all(|b| b.is_ascii_digit())
        && s.as_bytes()[0] == b'1'
        && (b'3'..=b'9').contains(&s.as_bytes()[1])
}

fn is_email(s: &str) -> bool {
    if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain.split('.').all(|label| !label.is_empty())
}

/// Mask a mobile number for display: 138****5678.
pub fn mask_phone(s: &str) -> String {
    if is_mainland_mobile(s) {
        format!("{}****{}", &s[..3], &s[7..])
    } else if s.is_empty() {
        String::new()
    } else {
        "****".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_mobiles_and_emails() {
        assert_eq!(
            Login::parse(" 138 0013 8000 ").unwrap().as_str(),
            "13800138000"
        );
        assert_eq!(
            Login::parse("+8613800138000").unwrap().as_str(),
            "13800138000"
        );
        assert_eq!(
            Login::parse("Admin@Example.CN").unwrap().as_str(),
            "admin@example.cn"
        );
        assert!(Login::parse("13800138000").unwrap().is_phone());
    }

    #[test]
    fn rejects_the_rest() {
        assert_eq!(Login::parse("  "), Err(LoginError::Empty));
        for bad in [
            "12800138000",
            "1380013800",
            "admin",
            "a@b",
            "@example.cn",
            "a b@c.cn",
            "a@.cn",
        ] {
            assert_eq!(Login::parse(bad), Err(LoginError::Invalid), "{bad}");
        }
    }

    #[test]
    fn masks_phones() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone(""), "");
        assert_eq!(mask_phone("010-1234"), "****");
    }
}
