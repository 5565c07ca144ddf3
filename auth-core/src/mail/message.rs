//! The message a flow sends.

use std::fmt;

/// What a message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MailKind {
    /// "Verify your email address" (sign-up, sign-in of an unverified user, resend).
    VerifyEmail,
    /// "Confirm the change of your email address", to the current address.
    ChangeEmailConfirmation,
    /// "Verify your new email address", to the new address.
    ChangeEmailVerification,
    /// "Reset your password".
    ResetPassword,
    /// "Confirm the deletion of your account".
    DeleteAccount,
    /// "Your sign-in code": a two-factor code by email; the message's `link` is the code.
    TwoFactorOtp,
}

impl MailKind {
    /// A stable name, as the outbox stores it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify-email",
            Self::ChangeEmailConfirmation => "change-email-confirmation",
            Self::ChangeEmailVerification => "change-email-verification",
            Self::ResetPassword => "reset-password",
            Self::DeleteAccount => "delete-account",
            Self::TwoFactorOtp => "two-factor-otp",
        }
    }

    /// The kind stored as `name`.
    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::VerifyEmail,
            Self::ChangeEmailConfirmation,
            Self::ChangeEmailVerification,
            Self::ResetPassword,
            Self::DeleteAccount,
            Self::TwoFactorOtp,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == name)
    }
}

impl fmt::Display for MailKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One email: recipient, subject, plain-text and HTML bodies, and the link it carries.
///
/// The link (and so both bodies) holds a token that acts for the user: `Debug` prints the
/// recipient, subject and kind only.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Message {
    /// What the message is for.
    pub kind: MailKind,
    /// The recipient's address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body.
    pub html: String,
    /// The link the recipient is asked to open.
    pub link: String,
    /// A stable id for the `Message-ID` header: the outbox row's, so a message sent twice
    /// (after a crash mid-send) can be recognised as one. Set by the outbox worker.
    pub id: Option<String>,
}

impl Message {
    /// A message of `kind` to `to` carrying `link`.
    pub fn new(
        kind: MailKind,
        to: impl Into<String>,
        subject: impl Into<String>,
        text: impl Into<String>,
        html: impl Into<String>,
        link: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            to: to.into(),
            subject: subject.into(),
            text: text.into(),
            html: html.into(),
            link: link.into(),
            id: None,
        }
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("kind", &self.kind)
            .field("to", &self.to)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}
