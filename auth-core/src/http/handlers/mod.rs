//! One handler per route group. Each validates its input, then runs the CSRF check (Better Auth
//! validates first), then the flow, and turns the result into a reply.

mod account;
mod accounts;
mod change_email;
mod delete_user;
mod password_reset;
mod session;
mod sign_in;
mod sign_out;
mod sign_up;
mod social;
mod token;
mod two_factor;
mod verify_email;

use http::request::Parts;
use serde::Serialize;
use serde_json::Value;

use super::error::ProtocolError;
use super::reply::Reply;
use super::router::Route;
use super::{csrf, request};
use crate::Auth;
use crate::error::AuthError;
use crate::model::{AuthSession, SessionToken, User};

/// `{"token", "user"}` (sign-up, change-password). Response bodies are structs, never
/// `serde_json::Value`, whose maps would reorder the keys.
#[derive(Serialize)]
pub(crate) struct TokenAndUser<'a> {
    pub(crate) token: Option<&'a str>,
    pub(crate) user: &'a User,
}

/// `{"status":true}`, `{"status":true,"message":…}`.
#[derive(Serialize)]
pub(crate) struct Status {
    pub(crate) status: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<&'static str>,
}

impl Status {
    pub(crate) fn ok() -> Self {
        Self {
            status: true,
            message: None,
        }
    }
}

/// `{"success":true,"message":…}` (delete-user).
#[derive(Serialize)]
pub(crate) struct Success {
    pub(crate) success: bool,
    pub(crate) message: &'static str,
}

/// A request on its way through a handler.
pub(crate) struct Ctx<'a> {
    pub(crate) auth: &'a Auth,
    pub(crate) parts: &'a Parts,
    pub(crate) body: Option<Value>,
}

pub(crate) type Outcome = Result<Reply, Reply>;

impl Ctx<'_> {
    /// The Origin / Fetch-Metadata rules.
    pub(crate) fn csrf(&self, login: bool) -> Result<(), ProtocolError> {
        csrf::check(self.parts, self.auth.config(), login)
    }

    /// The session token the request presents, if its signature (when signed) verifies.
    pub(crate) fn session_token(&self) -> Option<SessionToken> {
        request::session_token(&self.parts.headers, self.auth.config())
    }

    /// A query parameter (the first with that name), decoded.
    pub(crate) fn query(&self, name: &str) -> Option<String> {
        let query = self.parts.uri.query()?;
        form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    }

    /// The current session, if the request presents a live one (the email flows work with and
    /// without).
    pub(crate) async fn optional_session(&self) -> Result<Option<AuthSession>, Reply> {
        let Some(token) = self.session_token() else {
            return Ok(None);
        };
        match self.auth.get_session(&token, false).await {
            Ok(found) => Ok(found.map(|f| f.current)),
            Err(error) => Err(error.into()),
        }
    }

    /// The current session, or 401 `UNAUTHORIZED` (with the clearing cookies when a token was
    /// presented but leads nowhere, as Better Auth answers).
    pub(crate) async fn require_session(&self) -> Result<AuthSession, Reply> {
        let Some(token) = self.session_token() else {
            return Err(AuthError::Unauthorized.into());
        };
        match self.auth.get_session(&token, false).await {
            Ok(Some(found)) => Ok(found.current),
            Ok(None) => {
                let mut reply = Reply::from(AuthError::Unauthorized);
                reply.clear_session(self.auth.config());
                Err(reply)
            }
            Err(error) => Err(error.into()),
        }
    }
}

pub(crate) async fn dispatch(route: Route, ctx: &mut Ctx<'_>) -> Reply {
    let outcome = match route {
        Route::SignUpEmail => sign_up::sign_up(ctx).await,
        Route::SignInEmail => sign_in::sign_in(ctx).await,
        Route::SignOut => sign_out::sign_out(ctx).await,
        Route::GetSession => session::get_session(ctx).await,
        Route::ListSessions => session::list_sessions(ctx).await,
        Route::RevokeSession => session::revoke_session(ctx).await,
        Route::RevokeSessions => session::revoke_sessions(ctx).await,
        Route::RevokeOtherSessions => session::revoke_other_sessions(ctx).await,
        Route::Token => token::token(ctx).await,
        Route::Jwks => Ok(Reply::json(ctx.auth.issuer().jwks())),
        Route::ChangePassword => account::change_password(ctx).await,
        Route::UpdateUser => account::update_user(ctx).await,
        Route::Ok => Ok(Reply::json(&serde_json::json!({ "ok": true }))),
        Route::SendVerificationEmail => verify_email::send_verification_email(ctx).await,
        Route::VerifyEmail => verify_email::verify_email(ctx).await,
        Route::RequestPasswordReset => password_reset::request_password_reset(ctx).await,
        Route::ResetPasswordLink => password_reset::reset_password_link(ctx).await,
        Route::ResetPassword => password_reset::reset_password(ctx).await,
        Route::Error => Ok(password_reset::error_page(ctx)),
        Route::ChangeEmail => change_email::change_email(ctx).await,
        Route::DeleteUser => delete_user::delete_user(ctx).await,
        Route::DeleteUserCallback => delete_user::delete_user_callback(ctx).await,
        Route::SignInSocial => social::sign_in_social(ctx).await,
        Route::LinkSocial => social::link_social(ctx).await,
        Route::Callback => social::callback(ctx).await,
        Route::CallbackPost => social::callback_post(ctx).await,
        Route::ListAccounts => accounts::list_accounts(ctx).await,
        Route::UnlinkAccount => accounts::unlink_account(ctx).await,
        Route::GetAccessToken => accounts::get_access_token(ctx).await,
        Route::RefreshToken => accounts::refresh_token(ctx).await,
        Route::AccountInfo => accounts::account_info(ctx).await,
        Route::TwoFactorEnable => two_factor::enable(ctx).await,
        Route::TwoFactorGetTotpUri => two_factor::get_totp_uri(ctx).await,
        Route::TwoFactorVerifyTotp => two_factor::verify(ctx, two_factor::Factor::Totp).await,
        Route::TwoFactorVerifyBackupCode => {
            two_factor::verify(ctx, two_factor::Factor::BackupCode).await
        }
        Route::TwoFactorGenerateBackupCodes => two_factor::generate_backup_codes(ctx).await,
        Route::TwoFactorSendOtp => two_factor::send_otp(ctx).await,
        Route::TwoFactorVerifyOtp => two_factor::verify(ctx, two_factor::Factor::Otp).await,
        Route::TwoFactorDisable => two_factor::disable(ctx).await,
    };
    outcome.unwrap_or_else(|reply| reply)
}
