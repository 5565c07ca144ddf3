//! [`Invalidation`]: what changed, and how it travels between instances (one short line of
//! text, as a PostgreSQL `NOTIFY` payload carries it).

use crate::model::{SessionId, UserId};

/// Something that changed, which caches of it must forget.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Invalidation {
    /// A session ended (sign-out, revocation, password change or reset, the user's deletion):
    /// its tokens and cached copies are dead.
    Session(SessionId),
    /// A user changed (profile, email, verification, two-factor, deletion): cached copies of the
    /// user, in every one of their sessions, are stale.
    User(UserId),
}

impl Invalidation {
    /// The event as a word: `s:<session id>` or `u:<user id>`.
    pub fn encode(&self) -> String {
        match self {
            Self::Session(id) => format!("s:{}", id.as_str()),
            Self::User(id) => format!("u:{}", id.as_str()),
        }
    }

    /// The events of a payload of words separated by spaces; words that are not an event
    /// (from another version, or not ours) are skipped.
    pub fn decode_all(payload: &str) -> Vec<Self> {
        payload
            .split_ascii_whitespace()
            .filter_map(Self::decode)
            .collect()
    }

    fn decode(word: &str) -> Option<Self> {
        let (kind, id) = word.split_once(':')?;
        // Ids are ours or Better Auth's: letters, digits, `-` and `_`, at most 255 characters.
        let plausible = !id.is_empty()
            && id.len() <= 255
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !plausible {
            return None;
        }
        match kind {
            "s" => Some(Self::Session(SessionId::new(id))),
            "u" => Some(Self::User(UserId::new(id))),
            _ => None,
        }
    }

    /// Payloads of at most `limit` bytes carrying every event (a large revocation is split).
    pub fn encode_all(events: &[Self], limit: usize) -> Vec<String> {
        let mut payloads = Vec::new();
        let mut current = String::new();
        for word in events.iter().map(Self::encode) {
            if !current.is_empty() && current.len() + 1 + word.len() > limit {
                payloads.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(&word);
        }
        if !current.is_empty() {
            payloads.push(current);
        }
        payloads
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_split() {
        let events = vec![
            Invalidation::Session(SessionId::new("aUWLGE1qTXBlVGtZKF3TXbCwaUk7a0tM")),
            Invalidation::User(UserId::new("bob00000000000000000000000000000")),
            Invalidation::Session(SessionId::new("x-y_z")),
        ];
        let one = Invalidation::encode_all(&events, 8000);
        assert_eq!(
            one,
            ["s:aUWLGE1qTXBlVGtZKF3TXbCwaUk7a0tM u:bob00000000000000000000000000000 s:x-y_z"]
        );
        assert_eq!(Invalidation::decode_all(&one[0]), events);
        let split = Invalidation::encode_all(&events, 40);
        assert_eq!(split.len(), 3);
        assert!(split.iter().all(|p| p.len() <= 40));
        let back: Vec<Invalidation> = split
            .iter()
            .flat_map(|p| Invalidation::decode_all(p))
            .collect();
        assert_eq!(back, events);
        assert!(Invalidation::encode_all(&[], 100).is_empty());
    }

    #[test]
    fn foreign_words_are_skipped() {
        assert_eq!(
            Invalidation::decode_all("ping:123 s: u:a;b q:abc s:ok   u:fine"),
            [
                Invalidation::Session(SessionId::new("ok")),
                Invalidation::User(UserId::new("fine")),
            ]
        );
    }
}
