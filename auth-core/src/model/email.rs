//! A validated, normalised email address.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why an email address was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("invalid email address")]
pub struct InvalidEmail;

/// An email address: trimmed, lower-cased and syntax-checked.
///
/// The syntax is the one Better Auth's schema (zod's `email()`) accepts, so an address that
/// one server takes the other takes too: a local part of letters, digits and `_ ' + - .`
/// (not starting with a dot, not ending with a dot or quote, no `..`), `@`, then dot-separated
/// labels of letters, digits and hyphens ending in an alphabetic top-level domain of at least
/// two letters. Addresses are also capped at 254 characters, with a local part of at most 64.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Trims, lower-cases and checks `input`.
    pub fn parse(input: &str) -> Result<Self, InvalidEmail> {
        let email = input.trim().to_lowercase();
        if is_valid(&email) {
            Ok(Self(email))
        } else {
            Err(InvalidEmail)
        }
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The normalised address, by value.
    pub fn into_string(self) -> String {
        self.0
    }
}

fn is_valid(email: &str) -> bool {
    if email.len() > 254 || email.starts_with('.') || email.contains("..") {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    valid_local(local) && valid_domain(domain)
}

fn valid_local(local: &str) -> bool {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '\'' | '+' | '-' | '.');
    let Some(last) = local.chars().last() else {
        return false;
    };
    local.len() <= 64
        && local.chars().all(allowed)
        && (last.is_ascii_alphanumeric() || matches!(last, '_' | '+' | '-'))
}

fn valid_domain(domain: &str) -> bool {
    let Some((labels, tld)) = domain.rsplit_once('.') else {
        return false;
    };
    let label_ok = |label: &str| {
        label
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic())
        && labels.split('.').all(label_ok)
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.0)
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for Email {
    type Err = InvalidEmail;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Email::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_whitespace() {
        let email = Email::parse("  Alice.Example+tag@Example.COM ").expect("valid");
        assert_eq!(email.as_str(), "alice.example+tag@example.com");
    }

    #[test]
    fn accepts_common_addresses() {
        for ok in [
            "a@b.co",
            "o'brien@example.org",
            "x_y-z@sub.domain.example",
            "1@2a.io",
        ] {
            assert!(Email::parse(ok).is_ok(), "{ok} should be valid");
        }
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in [
            "",
            "plainaddress",
            "@example.com",
            "alice@",
            "alice@example",
            "alice@example.c",
            "alice@example.c0m",
            ".alice@example.com",
            "alice.@example.com",
            "al..ice@example.com",
            "alice@exa..mple.com",
            "alice@-example.com",
            "alice@@example.com",
            "al ice@example.com",
            "alice@exam_ple.com",
            "alicé@example.com",
        ] {
            assert_eq!(
                Email::parse(bad),
                Err(InvalidEmail),
                "{bad:?} should be refused"
            );
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(Email::parse(&long_local).is_err());
        let long = format!("a@{}.com", "b".repeat(250));
        assert!(Email::parse(&long).is_err());
    }
}
