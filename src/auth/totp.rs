//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, computed and
//! checked by the `totp-rs` crate) and recovery codes. A code is accepted once: the caller keeps
//! the newest step used and passes it back.

use rand::RngCore;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Builder, Secret, Totp};

pub const STEP_SECONDS: i64 = 30;
pub const DIGITS: u32 = 6;
/// How many recovery codes an enrolment hands out.
pub const RECOVERY_CODES: usize = 10;
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A new 160-bit secret (the size RFC 4226 recommends for SHA-1).
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; 20];
    rand::rng().fill_bytes(&mut secret);
    secret
}

/// RFC 4648 base32 without padding: what authenticator apps take.
pub fn base32(bytes: &[u8]) -> String {
    Secret::from(bytes).to_base32()
}

/// The generator of one secret, for one step at a time: the window around now and the replay
/// check are ours (see `verify`). Unchecked, because secrets stored before are taken as they are.
fn totp(secret: &[u8]) -> Totp {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS as u8)
        .with_step_duration(STEP_SECONDS as u64)
        .with_skew(0)
        .with_secret(secret)
        .build_noncompliant()
}

/// The code of one time step (RFC 4226 HOTP with dynamic truncation).
pub fn code_at(secret: &[u8], step: i64) -> u32 {
    let time = u64::try_from(step).unwrap_or(0) * STEP_SECONDS as u64;
    totp(secret)
        .generate(time)
        .to_string()
        .parse()
        .expect("a code is digits")
}

pub fn step_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// Checks a typed code against the steps around `now` (one either side, for clock drift). Returns
/// the matching step, only if it is newer than `last_used`: a code is never accepted twice.
pub fn verify(secret: &[u8], typed: &str, unix_seconds: i64, last_used: i64) -> Option<i64> {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    let totp = totp(secret);
    let now = step_of(unix_seconds);
    // totp-rs compares in constant time; the earliest unused step that matches is returned.
    (now - 1..=now + 1)
        .filter(|&step| step > last_used && step >= 0)
        .find(|&step| {
            totp.check(&typed, step as u64 * STEP_SECONDS as u64)
                .is_some()
        })
}

/// The `otpauth://` URI an authenticator app reads from the QR code.
pub fn otpauth_uri(secret: &[u8], issuer: &str, account: &str) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        enc(issuer),
        enc(account),
        base32(secret),
        enc(issuer)
    )
}

/// The QR code of `text` as inline SVG, drawn on the server (no image request, no script).
pub fn qr_svg(text: &str) -> String {
    let code = qrcode::QrCode::new(text.as_bytes()).expect("an otpauth URI fits a QR code");
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    // Inline in HTML: drop the XML declaration.
    match svg.find("<svg") {
        Some(i) => svg[i..].to_string(),
        None => svg,
    }
}

/// New recovery codes, like `k7m2p-x9q4r` (50 random bits each).
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 10];
            rng.fill_bytes(&mut bytes);
            let s: String = bytes
                .iter()
                .map(|b| BASE32[(*b & 31) as usize].to_ascii_lowercase() as char)
                .collect();
            format!("{}-{}", &s[..5], &s[5..])
        })
        .collect()
}

/// What is stored of a recovery code: the SHA-256 of its normalised form (they are long random
/// strings, so a slow hash adds nothing).
pub fn recovery_hash(code: &str) -> Vec<u8> {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    Sha256::digest(normal.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1, truncated to six digits.
    #[test]
    fn matches_the_rfc_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, code) in [
            (59, 287082),
            (1111111109, 81804),
            (1111111111, 50471),
            (1234567890, 5924),
            (2000000000, 279037),
        ] {
            assert_eq!(code_at(secret, step_of(time)), code, "at {time}");
        }
    }

    #[test]
    fn a_code_is_accepted_once_and_only_near_its_time() {
        let secret = b"12345678901234567890";
        let step = verify(secret, "287 082", 59, 0).expect("right code");
        assert_eq!(step, 1);
        assert_eq!(verify(secret, "287082", 59, step), None, "reused");
        assert_eq!(verify(secret, "287082", 59 + 120, 0), None, "too late");
        assert_eq!(verify(secret, "287083", 59, 0), None, "wrong");
        assert_eq!(verify(secret, "28708", 59, 0), None, "short");
    }

    #[test]
    fn base32_is_rfc_4648() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32(b"f"), "MY");
    }

    #[test]
    fn recovery_codes_are_distinct_and_hash_alike_however_typed() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let c = &codes[0];
        assert_eq!(
            recovery_hash(c),
            recovery_hash(&c.to_uppercase().replace('-', " "))
        );
    }

    #[test]
    fn the_qr_code_is_inline_svg() {
        let svg = qr_svg(&otpauth_uri(b"12345678901234567890", "守护", "a@b.cn"));
        assert!(svg.starts_with("<svg") && svg.contains("</svg>"));
    }
}
