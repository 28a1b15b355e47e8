//! Password hashing: argon2id (m = 19456 KiB, t = 2, p = 1), always off the async runtime.

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use rand::Rng;

use crate::error::AppError;

/// The parameters OWASP recommends for argon2id.
pub const MEMORY_KIB: u32 = 19_456;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

/// Shortest password a user may choose.
pub const MIN_LENGTH: usize = 10;

fn hasher() -> Argon2<'static> {
    let params =
        Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).expect("valid argon2 params");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hash a password (PHC string) on the blocking pool.
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        hasher()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(AppError::internal)
    })
    .await
    .map_err(AppError::internal)?
}

/// Check a password against a stored PHC string on the blocking pool. Any malformed hash
/// counts as a mismatch.
pub async fn verify(password: String, phc: String) -> bool {
    tokio::task::spawn_blocking(move || {
        hasher()
            .verify_password(password.as_bytes(), phc.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

/// A hash that matches no password, verified when a login names no account so that a
/// missing account takes as long to refuse as a wrong password.
pub static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    hasher()
        .hash_password(b"no account has this password")
        .expect("hash")
        .to_string()
});

/// A one-time password for a new or reset account: 12 characters without look-alikes.
pub fn generate_one_time() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..12)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Why a new password is refused, as a catalog key.
pub fn check_new(password: &str, login: &str) -> Option<&'static str> {
    if password.chars().count() < MIN_LENGTH {
        Some("password.error.too_short")
    } else if password.trim().to_lowercase() == login.to_lowercase() {
        Some("password.error.same_as_login")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_with_argon2id_and_the_required_cost() {
        let phc = hash("correct horse battery".into()).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery".into(), phc.clone()).await);
        assert!(!verify("wrong".into(), phc).await);
        assert!(!verify("x".into(), "not a hash".into()).await);
    }

    #[test]
    fn one_time_passwords_are_long_and_differ() {
        let a = generate_one_time();
        assert_eq!(a.len(), 12);
        assert_ne!(a, generate_one_time());
        assert!(check_new(&a, "someone@example.cn").is_none());
    }

    #[test]
    fn new_password_rules() {
        assert_eq!(
            check_new("short", "a@b.cn"),
            Some("password.error.too_short")
        );
        assert_eq!(
            check_new("13800138000", "13800138000"),
            Some("password.error.same_as_login")
        );
    }
}
