//! Who writes the messages: [`MailTemplates`], and the plain [`DefaultTemplates`].

use std::fmt::Write;

use super::{MailKind, Message};
use crate::model::User;

/// What a template gets to write one message.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct MailContext<'a> {
    /// What the message is for.
    pub kind: MailKind,
    /// The user it concerns (for a change of email, with the address as it is now).
    pub user: &'a User,
    /// Where it goes.
    pub to: &'a str,
    /// The link to put in it (for [`MailKind::TwoFactorOtp`], the code).
    pub link: &'a str,
    /// The address being changed to (the change-email messages).
    pub new_email: Option<&'a str>,
}

/// Writes the messages of the email flows. Replace [`DefaultTemplates`] to send your own
/// wording, branding or language.
///
/// ```
/// use auth_core::mail::{MailContext, MailTemplates, Message};
///
/// struct Plain;
///
/// impl MailTemplates for Plain {
///     fn render(&self, mail: &MailContext<'_>) -> Message {
///         let text = format!("Hello {}, open {}", mail.user.name, mail.link);
///         Message::new(mail.kind, mail.to, "Action needed", text.clone(), text, mail.link)
///     }
/// }
/// ```
pub trait MailTemplates: Send + Sync + 'static {
    /// The message for `mail`; it must carry `mail.link`.
    fn render(&self, mail: &MailContext<'_>) -> Message;
}

/// Short English messages, text and HTML, signed with the application's name.
#[derive(Debug, Clone)]
pub struct DefaultTemplates {
    app_name: String,
}

impl DefaultTemplates {
    /// Templates that name the application `app_name` in subjects and signatures.
    pub fn new(app_name: impl Into<String>) -> Self {
        Self {
            app_name: app_name.into(),
        }
    }
}

impl Default for DefaultTemplates {
    fn default() -> Self {
        Self::new("Your app")
    }
}

impl MailTemplates for DefaultTemplates {
    fn render(&self, mail: &MailContext<'_>) -> Message {
        let app = &self.app_name;
        if mail.kind == MailKind::TwoFactorOtp {
            return self.otp(mail);
        }
        let new_email = mail.new_email.unwrap_or_default();
        let (subject, intro, action) = match mail.kind {
            MailKind::ChangeEmailConfirmation => (
                format!("Confirm your new email address for {app}"),
                format!("You asked to change your email address to {new_email}."),
                "Approve the change",
            ),
            MailKind::ChangeEmailVerification => (
                format!("Verify your new email address for {app}"),
                "Open the link to make this your account's email address.".to_owned(),
                "Verify this address",
            ),
            MailKind::ResetPassword => (
                format!("Reset your {app} password"),
                "Someone, probably you, asked to reset your password.".to_owned(),
                "Choose a new password",
            ),
            MailKind::DeleteAccount => (
                format!("Confirm the deletion of your {app} account"),
                "Someone, probably you, asked to delete your account. This cannot be undone."
                    .to_owned(),
                "Delete my account",
            ),
            // `VerifyEmail`, and any kind added later.
            _ => (
                format!("Verify your email address for {app}"),
                "Open the link to confirm this is your email address.".to_owned(),
                "Verify my email",
            ),
        };
        let greeting = if mail.user.name.is_empty() {
            "Hello,".to_owned()
        } else {
            format!("Hello {},", mail.user.name)
        };
        let ignore = "If you did not ask for this, ignore this message.";
        let text = format!(
            "{greeting}\n\n{intro}\n\n{action}: {}\n\n{ignore}\n\n{app}\n",
            mail.link
        );
        let mut html = String::new();
        let _ = write!(
            html,
            "<p>{}</p><p>{}</p><p><a href=\"{}\">{}</a></p><p>{}</p><p>{}</p>",
            escape(&greeting),
            escape(&intro),
            escape(mail.link),
            escape(action),
            escape(ignore),
            escape(app),
        );
        Message::new(mail.kind, mail.to, subject, text, html, mail.link)
    }
}

impl DefaultTemplates {
    /// The sign-in code: no link to click, the code itself.
    fn otp(&self, mail: &MailContext<'_>) -> Message {
        let app = &self.app_name;
        let code = mail.link;
        let subject = format!("Your {app} sign-in code: {code}");
        let intro = "Enter this code to finish signing in. It works once, for a few minutes.";
        let ignore = "If you did not try to sign in, change your password.";
        let text = format!("{code}\n\n{intro}\n\n{ignore}\n\n{app}\n");
        let html = format!(
            "<p><strong>{}</strong></p><p>{}</p><p>{}</p><p>{}</p>",
            escape(code),
            escape(intro),
            escape(ignore),
            escape(app),
        );
        Message::new(mail.kind, mail.to, subject, text, html, code)
    }
}

/// Escapes text for HTML content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Timestamp, UserId};

    #[test]
    fn names_are_escaped_in_html_and_the_link_is_in_both_bodies() {
        let user = User::new(
            UserId::generate(),
            "<script>alert(1)</script>",
            "ada@example.com",
            Timestamp::from_unix_millis(0).expect("epoch"),
        );
        let link = "http://localhost:3000/api/auth/verify-email?token=abc&callbackURL=%2F";
        let message = DefaultTemplates::new("Acme").render(&MailContext {
            kind: MailKind::VerifyEmail,
            user: &user,
            to: &user.email,
            link,
            new_email: None,
        });
        assert!(!message.html.contains("<script>"));
        assert!(message.html.contains("token=abc&amp;callbackURL"));
        assert!(message.text.contains(link));
        assert_eq!(message.subject, "Verify your email address for Acme");
        assert!(!format!("{message:?}").contains("token=abc"));
    }
}
