//! Backup codes: ten single-use codes `XXXXX-XXXXX` that stand in for a TOTP code, stored as
//! the encryption of their compact JSON array (Better Auth's default, `storeBackupCodes:
//! "encrypted"`).

use std::fmt;

use rand::Rng;
use rand::distributions::Alphanumeric;
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, Zeroizing};

use super::{SecretKeys, TwoFactorError};

/// Codes in a fresh set.
pub const BACKUP_CODE_COUNT: usize = 10;
/// Random characters in a code (a hyphen follows the fifth).
const CODE_CHARACTERS: usize = 10;

/// One user's backup codes, in issue order: the plaintext of `"twoFactor"."backupCodes"`.
///
/// Wiped from memory when dropped; `Debug` shows only how many there are.
///
/// ```
/// use auth_core::two_factor::{BackupCodes, SecretKeys};
///
/// let keys = SecretKeys::new("the auth secret");
/// let codes = BackupCodes::generate();
/// let column = codes.encrypt(&keys);
/// let stored = BackupCodes::decrypt(&column, &keys)?;
/// let first = stored.codes()[0].clone();
/// let remaining = stored.verify(&first).expect("a valid code");
/// assert_eq!(remaining.len(), 9);
/// assert!(remaining.verify(&first).is_none(), "spent");
/// # Ok::<(), auth_core::two_factor::TwoFactorError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct BackupCodes(Vec<String>);

impl BackupCodes {
    /// Ten new codes as Better Auth makes them: ten characters of `[a-zA-Z0-9]` from the
    /// operating system's CSPRNG with a hyphen after the fifth (`L0ugJ-wEHKd`).
    pub fn generate() -> Self {
        let codes = (0..BACKUP_CODE_COUNT)
            .map(|_| {
                let mut code: String = rand::rngs::OsRng
                    .sample_iter(&Alphanumeric)
                    .take(CODE_CHARACTERS)
                    .map(char::from)
                    .collect();
                code.insert(CODE_CHARACTERS / 2, '-');
                code
            })
            .collect();
        Self(codes)
    }

    /// Wraps codes read from a store.
    pub fn from_codes(codes: Vec<String>) -> Self {
        Self(codes)
    }

    /// The codes, in issue order (to show them to their owner once).
    pub fn codes(&self) -> &[String] {
        &self.0
    }

    /// How many codes are left.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when every code has been used.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The column value: the encryption of the compact JSON array (`["L0ugJ-wEHKd",…]`).
    pub fn encrypt(&self, keys: &SecretKeys) -> String {
        let json = Zeroizing::new(serde_json::to_string(&self.0).unwrap_or_default());
        keys.encrypt(&json)
    }

    /// Reads a column value written by [`encrypt`](Self::encrypt) or by Better Auth.
    pub fn decrypt(column: &str, keys: &SecretKeys) -> Result<Self, TwoFactorError> {
        let json = keys.decrypt(column)?;
        serde_json::from_str(&json)
            .map(Self)
            .map_err(|_| TwoFactorError::BackupCodesFormat)
    }

    /// Checks `code` against every code (exact, case-sensitive, each compared in constant time)
    /// and, when one matches, answers the codes that remain without it: the list to encrypt
    /// and store in its place, which spends the code.
    pub fn verify(&self, code: &str) -> Option<BackupCodes> {
        let matches: Vec<Choice> = self
            .0
            .iter()
            .map(|stored| stored.as_bytes().ct_eq(code.as_bytes()))
            .collect();
        let found = matches.iter().fold(Choice::from(0), |any, hit| any | *hit);
        if !bool::from(found) {
            return None;
        }
        let remaining = self
            .0
            .iter()
            .zip(&matches)
            .filter(|(_, hit)| !bool::from(**hit))
            .map(|(stored, _)| stored.clone())
            .collect();
        Some(Self(remaining))
    }
}

impl Drop for BackupCodes {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for BackupCodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BackupCodes({} codes, <redacted>)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_have_better_auths_shape() {
        let codes = BackupCodes::generate();
        assert_eq!(codes.len(), 10);
        for code in codes.codes() {
            assert_eq!(code.len(), 11, "{code}");
            assert_eq!(code.as_bytes()[5], b'-', "{code}");
            assert!(
                code.bytes()
                    .enumerate()
                    .all(|(i, b)| i == 5 || b.is_ascii_alphanumeric()),
                "{code}"
            );
        }
        assert_ne!(codes, BackupCodes::generate());
    }

    #[test]
    fn stored_as_encrypted_compact_json() {
        let keys = SecretKeys::new("s3cret");
        let codes = BackupCodes::from_codes(vec!["L0ugJ-wEHKd".into(), "SeEJC-h5L0J".into()]);
        let column = codes.encrypt(&keys);
        assert_eq!(
            keys.decrypt(&column).expect("decrypts").as_str(),
            r#"["L0ugJ-wEHKd","SeEJC-h5L0J"]"#
        );
        assert_eq!(BackupCodes::decrypt(&column, &keys).expect("codes"), codes);
        // Ten codes: 24 + 141 + 16 bytes, as Better Auth's.
        assert_eq!(BackupCodes::generate().encrypt(&keys).len(), 362);
        assert_eq!(
            BackupCodes::decrypt(&keys.encrypt(r#"{"not":"a list"}"#), &keys),
            Err(TwoFactorError::BackupCodesFormat)
        );
    }

    #[test]
    fn verify_is_exact_and_spends_the_code() {
        let codes = BackupCodes::from_codes(vec![
            "L0ugJ-wEHKd".into(),
            "SeEJC-h5L0J".into(),
            "kLT4V-hWRqu".into(),
        ]);
        let remaining = codes.verify("SeEJC-h5L0J").expect("valid");
        assert_eq!(remaining.codes(), ["L0ugJ-wEHKd", "kLT4V-hWRqu"]);
        assert!(remaining.verify("SeEJC-h5L0J").is_none(), "used");
        for wrong in [
            "seejc-h5l0j",
            "SeEJCh5L0J",
            "SeEJC-h5L0",
            " SeEJC-h5L0J",
            "",
        ] {
            assert!(codes.verify(wrong).is_none(), "{wrong:?}");
        }
        let last = BackupCodes::from_codes(vec!["AAAAA-BBBBB".into()]);
        let none_left = last.verify("AAAAA-BBBBB").expect("valid");
        assert!(none_left.is_empty());
        assert!(none_left.verify("AAAAA-BBBBB").is_none());
    }

    #[test]
    fn debug_shows_no_code() {
        let codes = BackupCodes::from_codes(vec!["L0ugJ-wEHKd".into()]);
        let shown = format!("{codes:?}");
        assert!(!shown.contains("L0ugJ"), "{shown}");
        assert!(shown.contains("1 codes"), "{shown}");
    }
}
