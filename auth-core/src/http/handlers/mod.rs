//! One handler per route group. Each validates its input, then runs the CSRF check (Better Auth
//! validates first), then the flow, and turns the result into a reply.

mod account;
mod session;
mod sign_in;
mod sign_out;
mod sign_up;
mod token;

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
    };
    outcome.unwrap_or_else(|reply| reply)
}
