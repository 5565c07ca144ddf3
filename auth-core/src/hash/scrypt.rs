//! Better Auth's scrypt password hashes (`<32 hex salt>:<128 hex key>`), for migration.
//!
//! Better Auth hashes `NFKC(password)` with scrypt N = 16384, r = 16, p = 1 into 64 bytes, and
//! passes the salt's 32-character hex *string* (its ASCII bytes) to scrypt, not the 16 bytes it
//! encodes. These hashes verify here and are replaced by argon2id at the next sign-in.

use scrypt::Params;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::HashError;
use crate::model::Password;

const SALT_HEX_LEN: usize = 32;
const KEY_LEN: usize = 64;

fn params() -> Result<Params, HashError> {
    // log2(16384) = 14.
    Params::new(14, 16, 1, KEY_LEN).map_err(HashError::algorithm)
}

/// True when `stored` has the shape of a Better Auth scrypt hash.
pub fn is_better_auth_hash(stored: &str) -> bool {
    split(stored).is_some()
}

fn split(stored: &str) -> Option<(&str, [u8; KEY_LEN])> {
    let (salt, key_hex) = stored.split_once(':')?;
    if salt.len() != SALT_HEX_LEN || !salt.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut key = [0u8; KEY_LEN];
    hex::decode_to_slice(key_hex, &mut key).ok()?;
    Some((salt, key))
}

fn derive(password: &Password, salt: &str) -> Result<Zeroizing<[u8; KEY_LEN]>, HashError> {
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    let normalized = password.normalized();
    scrypt::scrypt(
        normalized.as_bytes(),
        salt.as_bytes(),
        &params()?,
        out.as_mut_slice(),
    )
    .map_err(HashError::algorithm)?;
    Ok(out)
}

/// Checks `password` against a Better Auth hash, in constant time. `None` when `stored` is not
/// such a hash. CPU-heavy (~32 MiB, tens of milliseconds): call it from a [`super::HashPool`].
pub fn verify(password: &Password, stored: &str) -> Result<Option<bool>, HashError> {
    let Some((salt, expected)) = split(stored) else {
        return Ok(None);
    };
    let actual = derive(password, salt)?;
    Ok(Some(bool::from(actual.ct_eq(&expected))))
}

/// Hashes `password` exactly as Better Auth does: useful for fixtures and for handing users
/// back to a Better Auth server. CPU-heavy: call it from a [`super::HashPool`].
pub fn hash(password: &Password) -> Result<String, HashError> {
    let salt = hex::encode(rand::random::<[u8; SALT_HEX_LEN / 2]>());
    let key = derive(password, &salt)?;
    Ok(format!("{salt}:{}", hex::encode(key.as_slice())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The account row recorded from a real Better Auth 1.7.25 server
    /// (tests/conformance/fixtures/better-auth-1.7.25-transcripts.md, "Stored rows").
    const RECORDED: &str = "7f7ab9ab7a57f9b073ed2264aed8dc25:b18719cee76219a3111280669b0f175f5cbbabc79747f99585fa01c26bfa98cff0f1346eff35bd044656e07f5c6aadbde91bd07c5c9aa09f4c8ae86a010b9fb8";

    #[test]
    fn verifies_the_recorded_better_auth_hash() {
        let check = |password: &str| verify(&Password::new(password), RECORDED).expect("scrypt");
        assert_eq!(check("correct horse battery"), Some(true));
        assert_eq!(check("correct horse battery!"), Some(false));
    }

    #[test]
    fn own_hashes_have_better_auths_shape_and_verify() {
        let password = Password::new("pässwörd-ﬁ");
        let stored = hash(&password).expect("hash");
        assert!(is_better_auth_hash(&stored));
        assert_eq!(stored.len(), 32 + 1 + 128);
        // NFKC: the ligature ﬁ and "fi" are the same password.
        assert_eq!(
            verify(&Password::new("pässwörd-fi"), &stored).expect("scrypt"),
            Some(true)
        );
    }

    #[test]
    fn other_strings_are_not_better_auth_hashes() {
        for other in [
            "",
            "abc:def",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
            &RECORDED[1..],
        ] {
            assert!(!is_better_auth_hash(other));
            assert_eq!(verify(&Password::new("x"), other).expect("scrypt"), None);
        }
    }
}
