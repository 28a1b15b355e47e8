//! Encryption at rest for ID numbers.
//!
//! One 32-byte master key (given as standard base64) yields two sub-keys by
//! HMAC-SHA256 over fixed labels: one for AES-256-GCM, one for a keyed hash
//! that finds duplicates without decrypting. A sealed value is
//! `version (1 byte, = 1) || nonce (12 bytes) || ciphertext || tag (16 bytes)`;
//! the version byte is also authenticated as associated data.

use aes_gcm::Aes256Gcm;
use aes_gcm::Nonce;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::fmt;

type HmacSha256 = Hmac<Sha256>;

/// Length of the master key in bytes.
pub const KEY_LEN: usize = 32;
/// The format version written as the first byte of every sealed value.
pub const FORMAT_VERSION: u8 = 1;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const AEAD_LABEL: &[u8] = b"shouhu/aead/v1";
const HASH_LABEL: &[u8] = b"shouhu/hash/v1";

/// Why a master key could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("data key is not valid base64")]
    Base64,
    #[error("data key must be {KEY_LEN} bytes, got {0}")]
    Length(usize),
}

/// Why a sealed value could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("encrypted value is too short")]
    TooShort,
    #[error("encrypted value has unsupported format version {0}")]
    UnsupportedVersion(u8),
    #[error("encrypted value could not be decrypted (wrong key or tampered)")]
    Decrypt,
    #[error("decrypted value is not valid UTF-8")]
    Utf8,
}

/// The data key: sub-keys for encryption and for keyed hashing.
///
/// `Debug` never shows key material.
#[derive(Clone)]
pub struct DataKey {
    aead_key: [u8; KEY_LEN],
    hash_key: [u8; KEY_LEN],
}

impl DataKey {
    /// Reads a master key from standard base64 (surrounding whitespace is
    /// ignored); it must decode to exactly 32 bytes.
    pub fn from_base64(encoded: &str) -> Result<DataKey, KeyError> {
        let bytes = STANDARD
            .decode(encoded.trim())
            .map_err(|_| KeyError::Base64)?;
        let master: [u8; KEY_LEN] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| KeyError::Length(bytes.len()))?;
        Ok(DataKey::from_master(&master))
    }

    /// A fresh random key and its base64 form (for `from_base64`).
    pub fn generate() -> (DataKey, String) {
        let mut master = [0u8; KEY_LEN];
        rand::rng().fill_bytes(&mut master);
        (DataKey::from_master(&master), STANDARD.encode(master))
    }

    fn from_master(master: &[u8; KEY_LEN]) -> DataKey {
        DataKey {
            aead_key: derive(master, AEAD_LABEL),
            hash_key: derive(master, HASH_LABEL),
        }
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new_from_slice(&self.aead_key).expect("32-byte key")
    }

    /// Encrypts with AES-256-GCM under a fresh random 96-bit nonce.
    pub fn encrypt(&self, plaintext: &str) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher()
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: &[FORMAT_VERSION],
                },
            )
            // Fails only for plaintexts longer than about 64 GiB.
            .expect("AES-GCM encryption");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(FORMAT_VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens a value made by [`DataKey::encrypt`] with the same key.
    pub fn decrypt(&self, blob: &[u8]) -> Result<String, CryptoError> {
        let (&version, rest) = blob.split_first().ok_or(CryptoError::TooShort)?;
        if version != FORMAT_VERSION {
            return Err(CryptoError::UnsupportedVersion(version));
        }
        if rest.len() < NONCE_LEN + TAG_LEN {
            return Err(CryptoError::TooShort);
        }
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().expect("split at NONCE_LEN");
        let plain = self
            .cipher()
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: sealed,
                    aad: &[version],
                },
            )
            .map_err(|_| CryptoError::Decrypt)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Utf8)
    }

    /// HMAC-SHA256 of `value` under the hash sub-key (32 bytes): equal
    /// values give equal hashes under one key, for finding duplicates.
    pub fn keyed_hash(&self, value: &str) -> Vec<u8> {
        hmac_sha256(&self.hash_key, value.as_bytes()).to_vec()
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(..)")
    }
}

/// A sub-key: HMAC-SHA256 of `label` under the master key.
fn derive(master: &[u8; KEY_LEN], label: &[u8]) -> [u8; KEY_LEN] {
    hmac_sha256(master, label)
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {

    #[test]
    fn secrets_match_only_when_equal_and_not_empty() {
        assert!(secrets_match(b"abc123", b"abc123"));
        assert!(!secrets_match(b"abc123", b"abc124"));
        assert!(!secrets_match(b"abc123", b"abc12"));
        assert!(!secrets_match(b"", b""));
    }
    use super::*;

    fn key_of(byte: u8) -> DataKey {
        DataKey::from_base64(&STANDARD.encode([byte; KEY_LEN])).unwrap()
    }

    #[test]
    fn round_trip() {
        let key = key_of(7);
        for text in [
            "11010519491231002X",
            "",
            "张小明 — ünïcödé",
            &"x".repeat(10_000),
        ] {
            let blob = key.encrypt(text);
            assert_eq!(blob.len(), 1 + NONCE_LEN + text.len() + TAG_LEN);
            assert_eq!(blob[0], FORMAT_VERSION);
            assert_eq!(key.decrypt(&blob).unwrap(), text);
        }
    }

    #[test]
    fn ciphertext_does_not_contain_plaintext() {
        let key = key_of(7);
        let blob = key.encrypt("11010519491231002X");
        assert!(!blob.windows(6).any(|w| w == b"110105"));
    }

    #[test]
    fn each_encryption_uses_a_new_nonce() {
        let key = key_of(7);
        let a = key.encrypt("11010519491231002X");
        let b = key.encrypt("11010519491231002X");
        assert_ne!(a, b);
        assert_ne!(a[1..1 + NONCE_LEN], b[1..1 + NONCE_LEN]);
        assert_eq!(key.decrypt(&a).unwrap(), key.decrypt(&b).unwrap());
    }

    #[test]
    fn any_flipped_bit_is_rejected() {
        let key = key_of(7);
        let blob = key.encrypt("440524198001010013");
        // Every byte after the version: nonce, ciphertext and tag.
        for i in 1..blob.len() {
            let mut bad = blob.clone();
            bad[i] ^= 0x01;
            assert_eq!(key.decrypt(&bad), Err(CryptoError::Decrypt), "byte {i}");
        }
    }

    #[test]
    fn truncated_or_extended_is_rejected() {
        let key = key_of(7);
        let blob = key.encrypt("440524198001010013");
        assert_eq!(
            key.decrypt(&blob[..blob.len() - 1]),
            Err(CryptoError::Decrypt)
        );
        let mut longer = blob.clone();
        longer.push(0);
        assert_eq!(key.decrypt(&longer), Err(CryptoError::Decrypt));
    }

    #[test]
    fn short_input_is_rejected() {
        let key = key_of(7);
        assert_eq!(key.decrypt(&[]), Err(CryptoError::TooShort));
        assert_eq!(key.decrypt(&[FORMAT_VERSION]), Err(CryptoError::TooShort));
        assert_eq!(
            key.decrypt(&[FORMAT_VERSION; NONCE_LEN + TAG_LEN]),
            Err(CryptoError::TooShort)
        );
        // Exactly nonce + tag is long enough to try (empty plaintext).
        let empty = key.encrypt("");
        assert_eq!(empty.len(), 1 + NONCE_LEN + TAG_LEN);
        assert_eq!(key.decrypt(&empty).unwrap(), "");
    }

    #[test]
    fn wrong_version_is_rejected() {
        let key = key_of(7);
        let mut blob = key.encrypt("secret");
        blob[0] = 2;
        assert_eq!(key.decrypt(&blob), Err(CryptoError::UnsupportedVersion(2)));
        blob[0] = 0;
        assert_eq!(key.decrypt(&blob), Err(CryptoError::UnsupportedVersion(0)));
    }

    #[test]
    fn other_key_is_rejected() {
        let blob = key_of(7).encrypt("secret");
        assert_eq!(key_of(8).decrypt(&blob), Err(CryptoError::Decrypt));
        let (other, _) = DataKey::generate();
        assert_eq!(other.decrypt(&blob), Err(CryptoError::Decrypt));
    }

    #[test]
    fn keyed_hash_is_stable_per_key_and_differs_across_keys() {
        let a = key_of(7);
        let h = a.keyed_hash("11010519491231002X");
        assert_eq!(h.len(), 32);
        assert_eq!(h, a.keyed_hash("11010519491231002X"));
        assert_eq!(h, key_of(7).keyed_hash("11010519491231002X"));
        assert_ne!(h, a.keyed_hash("11010519491231002x"));
        assert_ne!(h, a.keyed_hash(""));
        assert_ne!(h, key_of(8).keyed_hash("11010519491231002X"));
    }

    #[test]
    fn keyed_hash_matches_hmac_with_derived_sub_key() {
        let master = [7u8; KEY_LEN];
        let hash_key = hmac_sha256(&master, b"shouhu/hash/v1");
        assert_eq!(key_of(7).keyed_hash("abc"), hmac_sha256(&hash_key, b"abc"));
        // Not an HMAC under the master key itself.
        assert_ne!(key_of(7).keyed_hash("abc"), hmac_sha256(&master, b"abc"));
    }

    #[test]
    fn sub_keys_differ_from_each_other_and_from_master() {
        let master = [7u8; KEY_LEN];
        let key = key_of(7);
        assert_ne!(key.aead_key, key.hash_key);
        assert_ne!(key.aead_key, master);
        assert_ne!(key.hash_key, master);
    }

    #[test]
    fn hmac_sha256_matches_rfc_4231_case_2() {
        // HMAC-SHA256, RFC 4231 test case 2: key "Jefe".
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn from_base64_accepts_32_bytes_with_whitespace() {
        let encoded = STANDARD.encode([9u8; KEY_LEN]);
        let a = DataKey::from_base64(&encoded).unwrap();
        let b = DataKey::from_base64(&format!("  {encoded}\n")).unwrap();
        assert_eq!(b.decrypt(&a.encrypt("x")).unwrap(), "x");
    }

    #[test]
    fn from_base64_rejects_wrong_length() {
        for len in [0, 1, 16, 31, 33, 64] {
            let encoded = STANDARD.encode(vec![1u8; len]);
            assert_eq!(
                DataKey::from_base64(&encoded).unwrap_err(),
                KeyError::Length(len),
                "{len}"
            );
        }
    }

    #[test]
    fn from_base64_rejects_bad_base64() {
        let good = STANDARD.encode([1u8; KEY_LEN]);
        for bad in [
            "not base64!!".to_string(),
            good.replace('=', ""),  // missing padding
            good.replace('A', "-"), // URL-safe alphabet
            format!("{}*", &good[..good.len() - 1]),
            format!("{} {}", &good[..20], &good[20..]), // inner space
        ] {
            assert_eq!(
                DataKey::from_base64(&bad).unwrap_err(),
                KeyError::Base64,
                "{bad}"
            );
        }
    }

    #[test]
    fn generate_gives_distinct_usable_keys() {
        let (a, a64) = DataKey::generate();
        let (b, b64) = DataKey::generate();
        assert_ne!(a64, b64);
        assert_eq!(STANDARD.decode(&a64).unwrap().len(), KEY_LEN);
        let reread = DataKey::from_base64(&a64).unwrap();
        assert_eq!(reread.decrypt(&a.encrypt("secret")).unwrap(), "secret");
        assert_eq!(reread.keyed_hash("v"), a.keyed_hash("v"));
        assert_eq!(b.decrypt(&a.encrypt("secret")), Err(CryptoError::Decrypt));
    }

    #[test]
    fn debug_hides_key_material() {
        let key = key_of(0xAB);
        let debug = format!("{key:?}");
        assert_eq!(debug, "DataKey(..)");
        let pretty = format!("{key:#?}");
        assert!(!pretty.contains("171") && !pretty.to_lowercase().contains("ab"));
    }

    #[test]
    fn errors_display() {
        assert_eq!(
            KeyError::Length(16).to_string(),
            "data key must be 32 bytes, got 16"
        );
        assert!(!KeyError::Base64.to_string().is_empty());
        assert_eq!(
            CryptoError::UnsupportedVersion(9).to_string(),
            "encrypted value has unsupported format version 9"
        );
        let _: &dyn std::error::Error = &CryptoError::Decrypt;
        let _: &dyn std::error::Error = &KeyError::Base64;
    }
}

/// Whether two secrets (tokens, codes) are the same, in time that does not depend on where they
/// differ, so none can be guessed byte by byte from timings. Empty never matches.
pub fn secrets_match(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    !a.is_empty() && bool::from(a.ct_eq(b))
}
