//! What the outbox holds: a message on its way in ([`OutboundMail`]), on its way out
//! ([`QueuedMail`], claimed by one worker), and how its delivery went ([`Delivery`]).

use super::Message;
use crate::model::{Timestamp, random_id};

/// A message to commit to the outbox, due at once.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OutboundMail {
    /// 32-character id; also the message's `Message-ID` local part, so a receiver can tell a
    /// resend from a new message.
    pub id: String,
    /// The message.
    pub message: Message,
    /// When it was queued.
    pub created_at: Timestamp,
}

impl OutboundMail {
    /// `message`, queued at `now`.
    pub fn new(message: Message, now: Timestamp) -> Self {
        Self {
            id: random_id(),
            message,
            created_at: now,
        }
    }
}

/// Proof that one worker holds a queued message: the store completes a delivery only for the
/// claim that is current, so a worker whose lease ran out cannot complete another's.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MailClaim {
    /// The outbox row.
    pub mail_id: String,
    /// A random value written with the claim.
    pub token: String,
}

impl MailClaim {
    /// A fresh claim on the row `mail_id`.
    pub fn new(mail_id: impl Into<String>) -> Self {
        Self {
            mail_id: mail_id.into(),
            token: random_id(),
        }
    }

    /// The claim with this token, as a store reads it back.
    pub fn with_token(mail_id: impl Into<String>, token: impl Into<String>) -> Self {
        Self {
            mail_id: mail_id.into(),
            token: token.into(),
        }
    }
}

/// A message a worker has claimed and must now try to send.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct QueuedMail {
    /// The claim to complete the delivery with.
    pub claim: MailClaim,
    /// The message.
    pub message: Message,
    /// Delivery attempts so far, this one included.
    pub attempts: u32,
    /// When it was queued.
    pub created_at: Timestamp,
}

impl QueuedMail {
    /// A claimed message.
    pub fn new(claim: MailClaim, message: Message, attempts: u32, created_at: Timestamp) -> Self {
        Self {
            claim,
            message,
            attempts,
            created_at,
        }
    }
}

/// How a delivery attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Delivery {
    /// Handed over: the row leaves the outbox.
    Sent,
    /// Failed for now: try again at `at`.
    Retry {
        /// When the message is due again.
        at: Timestamp,
        /// Why it failed (for the row and the logs; never a secret).
        error: String,
    },
    /// Refused for good: the row stays, marked failed, with the reason.
    Failed {
        /// When it was refused.
        at: Timestamp,
        /// Why it was refused.
        error: String,
    },
}
