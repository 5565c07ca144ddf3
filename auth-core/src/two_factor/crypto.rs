//! Better Auth's `symmetricEncrypt` / `symmetricDecrypt`, the encryption of the `"twoFactor"`
//! row's `secret` and `backupCodes` columns.
//!
//! XChaCha20-Poly1305 under the key SHA-256(UTF-8 bytes of the auth secret) (no KDF, no salt), a
//! fresh random 24-byte nonce per value and no associated data; the column holds the lower-case
//! hex of nonce ‖ ciphertext ‖ 16-byte tag. With Better Auth's versioned secrets (`secrets:
//! [{version, value}]`, `BETTER_AUTH_SECRETS`) a value is written as `$ba$<version>$<hex>` under
//! SHA-256 of that version's secret, and a bare-hex value is read with the plain secret.

use std::fmt;

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Bytes of the random nonce in front of every value.
const NONCE_LEN: usize = 24;
/// Bytes of the Poly1305 tag at the end of every value.
const TAG_LEN: usize = 16;
/// The prefix of a value written under a versioned secret: `$ba$<version>$<hex>`.
const VERSIONED_PREFIX: &str = "$ba$";

/// Why a stored value could not be decrypted. None of them says anything about the plaintext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// Not hex (or `$ba$<version>$<hex>`), or too short to hold a nonce and a tag.
    #[error("the stored value is not in Better Auth's encrypted format")]
    Format,
    /// Written under a versioned secret that is not configured here.
    #[error("the stored value was encrypted under secret version {0}, which is not configured")]
    UnknownVersion(u32),
    /// Authentication failed: another secret encrypted it, or it was altered.
    #[error("the stored value does not decrypt with the configured secret")]
    Decrypt,
    /// It decrypted, but the plaintext is not UTF-8 text.
    #[error("the decrypted value is not UTF-8 text")]
    NotText,
}

/// A 256-bit key, SHA-256 of a secret; wiped from memory when dropped.
#[derive(Clone)]
struct CipherKey(Zeroizing<[u8; 32]>);

impl CipherKey {
    fn derive(secret: &str) -> Self {
        let mut key = Zeroizing::new([0u8; 32]);
        let mut hasher = Sha256::new();
        hasher.update(secret.as_bytes());
        // Written straight into the zeroized buffer: no copy of the key is left behind.
        hasher.finalize_into(Key::from_mut_slice(&mut key[..]));
        Self(key)
    }

    /// The cipher for this key (chacha20poly1305 wipes its copy of the key when dropped).
    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(Key::from_slice(&self.0[..]))
    }
}

/// The secrets values are encrypted and decrypted with, as Better Auth configures them: the auth
/// secret, and optionally versioned secrets (`$ba$<version>$…` values), one of which may be the
/// one new values are written under.
///
/// Only SHA-256 digests of the secrets are kept, wiped from memory on drop; `Debug` shows the
/// versions and nothing of the keys.
///
/// ```
/// use auth_core::two_factor::SecretKeys;
///
/// let keys = SecretKeys::new("the auth secret");
/// let column = keys.encrypt("7smY8n2E3iKmk2eMqi32skoK7dBOICpK");
/// assert_eq!(column.len(), 144);
/// assert_eq!(keys.decrypt(&column)?.as_str(), "7smY8n2E3iKmk2eMqi32skoK7dBOICpK");
/// # Ok::<(), auth_core::two_factor::CryptoError>(())
/// ```
#[derive(Clone)]
pub struct SecretKeys {
    /// The plain secret (`secret` / `BETTER_AUTH_SECRET`): reads bare-hex values.
    legacy: CipherKey,
    /// Versioned secrets, by version.
    versions: Vec<(u32, CipherKey)>,
    /// The version new values are written under; `None`: bare hex under the plain secret.
    current: Option<u32>,
}

impl SecretKeys {
    /// Keys from the auth secret alone: values are written and read as bare hex under it.
    pub fn new(secret: &str) -> Self {
        Self {
            legacy: CipherKey::derive(secret),
            versions: Vec::new(),
            current: None,
        }
    }

    /// Also reads values written as `$ba$<version>$…` under `secret` (replacing an earlier
    /// secret of the same version).
    #[must_use]
    pub fn with_version(mut self, version: u32, secret: &str) -> Self {
        self.versions.retain(|(v, _)| *v != version);
        self.versions.push((version, CipherKey::derive(secret)));
        self
    }

    /// Reads `$ba$<version>$…` values under `secret`, and writes every new value that way, as
    /// Better Auth does with its current (first) versioned secret.
    #[must_use]
    pub fn with_current_version(self, version: u32, secret: &str) -> Self {
        let mut keys = self.with_version(version, secret);
        keys.current = Some(version);
        keys
    }

    fn version(&self, version: u32) -> Option<&CipherKey> {
        self.versions
            .iter()
            .find(|(v, _)| *v == version)
            .map(|(_, key)| key)
    }

    /// Encrypts `plaintext` into a column value: lower-case hex of a fresh 24-byte nonce, the
    /// ciphertext and the tag, prefixed with `$ba$<version>$` when a current version is set.
    pub fn encrypt(&self, plaintext: &str) -> String {
        let versioned = self
            .current
            .and_then(|version| self.version(version).map(|key| (version, key)));
        let (prefix, key) = match versioned {
            Some((version, key)) => (format!("{VERSIONED_PREFIX}{version}$"), key),
            None => (String::new(), &self.legacy),
        };
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        // Encrypting with a 32-byte key and a 24-byte nonce fails only for messages beyond the
        // cipher's limit (~256 GiB), which no column holds.
        let sealed = key
            .cipher()
            .encrypt(&nonce, plaintext.as_bytes())
            .unwrap_or_default();
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        prefix + &hex::encode(bytes)
    }

    /// Decrypts a column value written by [`encrypt`](Self::encrypt) or by Better Auth: bare hex
    /// with the plain secret, `$ba$<version>$<hex>` with that version's secret.
    pub fn decrypt(&self, column: &str) -> Result<Zeroizing<String>, CryptoError> {
        let (key, hex_text) = match column.strip_prefix(VERSIONED_PREFIX) {
            Some(rest) => {
                let (version, hex_text) = rest.split_once('$').ok_or(CryptoError::Format)?;
                if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(CryptoError::Format);
                }
                let version: u32 = version.parse().map_err(|_| CryptoError::Format)?;
                let key = self
                    .version(version)
                    .ok_or(CryptoError::UnknownVersion(version))?;
                (key, hex_text)
            }
            None => (&self.legacy, column),
        };
        let bytes = hex::decode(hex_text).map_err(|_| CryptoError::Format)?;
        if bytes.len() < NONCE_LEN + TAG_LEN {
            return Err(CryptoError::Format);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let plain = Zeroizing::new(
            key.cipher()
                .decrypt(XNonce::from_slice(nonce), sealed)
                .map_err(|_| CryptoError::Decrypt)?,
        );
        let text = std::str::from_utf8(&plain).map_err(|_| CryptoError::NotText)?;
        Ok(Zeroizing::new(text.to_owned()))
    }
}

impl fmt::Debug for SecretKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let versions: Vec<u32> = self.versions.iter().map(|(v, _)| *v).collect();
        f.debug_struct("SecretKeys")
            .field("keys", &"<redacted>")
            .field("versions", &versions)
            .field("current", &self.current)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_length() {
        let keys = SecretKeys::new("s3cret");
        let column = keys.encrypt("0123456789abcdef0123456789abcdef");
        assert_eq!(column.len(), 2 * (24 + 32 + 16));
        assert!(
            column
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
        assert_eq!(
            keys.decrypt(&column).expect("decrypts").as_str(),
            "0123456789abcdef0123456789abcdef"
        );
        // A fresh nonce each time.
        assert_ne!(keys.encrypt("x"), keys.encrypt("x"));
        // The empty plaintext is fine too.
        assert_eq!(keys.decrypt(&keys.encrypt("")).expect("empty").as_str(), "");
    }

    #[test]
    fn refusals() {
        let keys = SecretKeys::new("s3cret");
        let column = keys.encrypt("plaintext");
        assert_eq!(
            SecretKeys::new("other").decrypt(&column),
            Err(CryptoError::Decrypt)
        );
        for bad in [
            "",
            "zz",
            "00",
            &column[..column.len() - 1],
            "$ba$",
            "$ba$x$00",
        ] {
            assert_eq!(keys.decrypt(bad), Err(CryptoError::Format), "{bad:?}");
        }
        let versioned = format!("$ba$7${column}");
        assert_eq!(
            keys.decrypt(&versioned),
            Err(CryptoError::UnknownVersion(7))
        );
    }

    #[test]
    fn debug_shows_no_key() {
        let keys = SecretKeys::new("s3cret").with_current_version(2, "v2 secret");
        let shown = format!("{keys:?}");
        assert!(shown.contains("versions: [2]"), "{shown}");
        let digest = hex::encode(Sha256::digest(b"s3cret"));
        assert!(!shown.contains(&digest[..8]) && !shown.contains("s3cret"));
    }
}
