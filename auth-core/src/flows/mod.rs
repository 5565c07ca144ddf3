//! The flows, one file each: what happens on sign-up, sign-in, sign-out, session reads and
//! revocations, token issue and verification, password change and profile update, email
//! verification, password reset, change of email and account deletion, social sign-in
//! (start, callback, ID token, linking) and the user's accounts. The flows
//! are methods on [`Auth`]; this module holds their inputs and outputs.

mod accounts;
mod change_email;
mod delete_user;
mod email_token;
mod link_social;
mod password;
mod password_reset;
mod session;
mod sign_in;
mod sign_out;
mod sign_up;
mod social_callback;
mod social_sign_in;
mod token;
mod two_factor_challenge;
mod two_factor_lockout;
mod two_factor_setup;
mod two_factor_verify;
mod user;
mod verify_email;

pub use delete_user::{DeleteUser, UserDeletion};
pub use password::{ChangePassword, PasswordChanged};
pub use session::SessionLookup;
pub use sign_in::SignIn;
pub use sign_up::{SignUp, SignedUp};
pub use social_callback::{CallbackError, CallbackOutcome, SocialCallback};
pub use social_sign_in::{IdTokenSignIn, SocialRedirect, SocialSignedIn, SocialStart};
pub use two_factor_challenge::TrustedDevice;
pub use two_factor_setup::{TwoFactorEnable, TwoFactorEnabled};
pub use two_factor_verify::{SecondFactor, TwoFactorCaller, TwoFactorVerified, TwoFactorVerify};
pub use verify_email::EmailVerified;

use crate::Auth;
use crate::model::{ClientInfo, Session, SessionId, SessionToken, User, UserId};

/// The result of a successful sign-up or sign-in: the user and their new session.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignedIn {
    /// The user.
    pub user: User,
    /// The new session (its `token` goes into the cookie).
    pub session: Session,
    /// Whether the session is long-lived ("remember me"); a short one gets a browser-session
    /// cookie and Better Auth's `dont_remember` cookie.
    pub remember_me: bool,
    /// A trusted device's next trust cookie, when one skipped the second factor.
    pub trusted_device: Option<TrustedDevice>,
}

impl Auth {
    /// A new session row for `user_id`, long-lived or (remember me off) one day long.
    pub(crate) fn new_session(
        &self,
        user_id: &UserId,
        remember_me: bool,
        client: &ClientInfo,
    ) -> Session {
        let now = self.now();
        let config = self.config();
        let ttl = if remember_me {
            config.session_ttl()
        } else {
            config.short_session_ttl()
        };
        let mut session = Session::new(
            SessionId::generate(),
            SessionToken::generate(),
            user_id.clone(),
            now,
            now + ttl,
        );
        session.ip_address.clone_from(&client.ip_address);
        session.user_agent.clone_from(&client.user_agent);
        session
    }

    /// Shows or hides `twoFactorEnabled`: present (as Better Auth's plugin adds it) when
    /// two-factor is configured, absent otherwise.
    pub(crate) fn present(&self, user: &mut User) {
        user.two_factor_enabled = match self.config().two_factor() {
            Some(_) => Some(user.two_factor_enabled.unwrap_or(false)),
            None => None,
        };
    }
}
