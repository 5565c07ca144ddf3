//! Identifiers and session tokens: one type each, so that a session's id can never be passed
//! where its token is expected (the token is a bearer secret; the id is what a JWT carries).

use std::fmt;

use rand::Rng;
use rand::distributions::Alphanumeric;
use serde::{Deserialize, Serialize};

/// Length of every generated id and session token.
const ID_LENGTH: usize = 32;

/// A fresh 32-character `[A-Za-z0-9]` string from the operating system's CSPRNG, as Better Auth's
/// `generateId()` makes them, so rows written by either implementation look alike.
pub(crate) fn random_id() -> String {
    // `Alphanumeric` samples uniformly (rejection sampling), so there is no modulo bias.
    rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(ID_LENGTH)
        .map(char::from)
        .collect()
}

/// Defines an id newtype: serialised as the bare string, printed as itself.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an id read from a store or a token.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// A new random id: 32 characters `[A-Za-z0-9]` from the OS CSPRNG.
            pub fn generate() -> Self {
                Self(random_id())
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id as an owned `String`.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }
    };
}

id_type! {
    /// A user's id (`"user"."id"`, the JWT `sub`).
    UserId
}

id_type! {
    /// A session's id (`"session"."id"`, the JWT `sid`): names a session without granting it.
    SessionId
}

id_type! {
    /// An account's id (`"account"."id"`).
    AccountId
}

/// A session token: the bearer secret behind the session cookie and `set-auth-token`.
///
/// Whoever holds it is signed in, so it has no `Display` and its `Debug` prints nothing of it;
/// [`expose`](Self::expose) is the one way to read it.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionToken(String);

impl SessionToken {
    /// Wraps a token read from a request or a store.
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// A new random token: 32 characters `[A-Za-z0-9]` from the OS CSPRNG.
    pub fn generate() -> Self {
        Self(random_id())
    }

    /// The token itself, to put in a cookie, a header or a query.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_32_alphanumerics_and_distinct() {
        let a = UserId::generate();
        let b = UserId::generate();
        assert_eq!(a.as_str().len(), ID_LENGTH);
        assert!(a.as_str().bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
        assert_eq!(format!("{a:?}"), format!("UserId({a})"));
    }

    #[test]
    fn tokens_never_print_and_serialise_as_the_bare_string() {
        let token = SessionToken::generate();
        assert!(!format!("{token:?}").contains(token.expose()));
        let json = serde_json::to_string(&token).expect("json");
        assert_eq!(json, format!("\"{}\"", token.expose()));
        let id = SessionId::new("abc");
        assert_eq!(serde_json::to_string(&id).expect("json"), "\"abc\"");
    }
}
