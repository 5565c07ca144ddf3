//! Mail: the [`Message`] a flow sends, the [`Mailer`] that delivers it, the [`MailTemplates`]
//! that write it, and the queue entries ([`OutboundMail`], [`QueuedMail`]) that carry it through
//! the store's durable outbox to the worker in [`crate::outbox`].
//!
//! Flows never talk to a mail server: they commit the message to the outbox with their own
//! write, so a mail server that is down loses nothing and slows no request.

mod console;
mod message;
mod queue;
#[cfg(feature = "smtp")]
pub mod smtp;
mod templates;

use async_trait::async_trait;

pub use console::ConsoleMailer;
pub use message::{MailKind, Message};
pub use queue::{Delivery, MailClaim, OutboundMail, QueuedMail};
pub use templates::{DefaultTemplates, MailContext, MailTemplates};

use crate::BoxError;

/// Why a message was not delivered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MailError {
    /// Worth retrying: the server is down, timed out or answered with a 4xx.
    #[error("mail delivery failed for now")]
    Transient(#[source] BoxError),
    /// Retrying will not help: the server refused the message or its recipient for good (5xx),
    /// or the message cannot be built.
    #[error("mail delivery refused")]
    Permanent(#[source] BoxError),
}

/// Delivers messages: SMTP ([`smtp::SmtpMailer`], feature `smtp`), the console
/// ([`ConsoleMailer`]), or anything else that can send an email.
///
/// The outbox worker calls it; a flow never does. `Ok` means the message was handed over for
/// good (an SMTP server's `250`); after an error the worker retries a transient failure with
/// backoff and keeps a permanent one, with its reason, out of the queue.
#[async_trait]
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a `Mailer`",
    note = "use `ConsoleMailer`, auth-core's `SmtpMailer` (feature `smtp`), or implement `Mailer`"
)]
pub trait Mailer: Send + Sync + 'static {
    /// Sends one message.
    async fn send(&self, message: &Message) -> Result<(), MailError>;
}

#[async_trait]
impl<M: Mailer + ?Sized> Mailer for std::sync::Arc<M> {
    async fn send(&self, message: &Message) -> Result<(), MailError> {
        (**self).send(message).await
    }
}
