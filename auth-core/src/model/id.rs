//! Random identifiers and session tokens, shaped as Better Auth makes them.

use rand::Rng;
use rand::distributions::Alphanumeric;

/// Length of every generated id and session token.
pub const ID_LENGTH: usize = 32;

/// A fresh 32-character `[A-Za-z0-9]` string from the operating system's CSPRNG.
///
/// Used for user, account and session ids and for session tokens, as Better Auth's
/// `generateId()` does, so rows written by either implementation look alike.
pub fn random_id() -> String {
    // `Alphanumeric` samples uniformly (rejection sampling), so there is no modulo bias.
    rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(ID_LENGTH)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_32_alphanumerics_and_distinct() {
        let a = random_id();
        let b = random_id();
        assert_eq!(a.len(), ID_LENGTH);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }
}
