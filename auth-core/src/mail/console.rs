//! A mailer for development: prints each message's link instead of sending it.

use std::io::Write;

use async_trait::async_trait;

use super::{MailError, Mailer, Message};

/// Prints each message (recipient, subject, link) to standard output, so the email flows work
/// on a laptop with no mail server.
///
/// For development only: the link is a token that acts for the user. It goes to standard
/// output, never through `tracing`, so log collectors never see it.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct ConsoleMailer;

impl ConsoleMailer {
    /// A console mailer.
    pub fn new() -> Self {
        Self
    }
}

#[async_trait]
impl Mailer for ConsoleMailer {
    async fn send(&self, message: &Message) -> Result<(), MailError> {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "\n--- mail ({}) to {}: {}\n    {}\n",
            message.kind, message.to, message.subject, message.link
        )
        .and_then(|()| out.flush())
        .map_err(|error| MailError::Transient(Box::new(error)))
    }
}
