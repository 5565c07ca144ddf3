//! `AccessToken`: a signed JWT, kept out of logs.

use std::fmt;

/// A signed JWT, as `issue_token` and `TokenIssuer::sign` hand it out.
///
/// A bearer credential: it has no `Display` and its `Debug` prints nothing of it;
/// [`expose`](Self::expose) is the one way to read it.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// Wraps a compact JWT (`header.payload.signature`).
    pub fn new(jwt: impl Into<String>) -> Self {
        Self(jwt.into())
    }

    /// The JWT, to send in a header or a body.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The JWT as an owned `String`.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}
