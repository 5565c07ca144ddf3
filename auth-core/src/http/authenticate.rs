//! `Auth::authenticate`: who is calling an API route.

use http::HeaderMap;
use http::request::Parts;

use super::request;
use crate::Auth;
use crate::error::AuthError;
use crate::model::User;

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// `Authorization: Bearer <JWT>`, verified without a store lookup (unless revocation checks
    /// are on and the cache has no answer).
    Jwt,
    /// A session token: `Authorization: Bearer <token>` or the session cookie (one store lookup).
    Session,
}

/// The authenticated caller of an API route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticated {
    /// The user (for a JWT: as of when it was issued).
    pub user: User,
    /// The session, when known (JWTs issued by Better Auth itself carry none).
    pub session_id: Option<String>,
    /// How they proved it.
    pub method: AuthMethod,
}

/// A JWT has exactly three dot-separated parts; a signed session token has two.
fn looks_like_jwt(value: &str) -> bool {
    value.bytes().filter(|b| *b == b'.').count() == 2
}

impl Auth {
    /// Authenticates a request to an API route: `Authorization: Bearer <JWT>` (the fast path:
    /// verified in memory), a bearer session token (signed or bare), or the session cookie.
    ///
    /// `Ok(None)` when the request carries no usable credentials; an invalid or expired JWT is an
    /// error (`INVALID_TOKEN` / `TOKEN_EXPIRED`, 401), so clients learn why. Sessions found this
    /// way are not slid forward (an API response carries no cookie to renew).
    pub async fn authenticate(&self, parts: &Parts) -> Result<Option<Authenticated>, AuthError> {
        self.authenticate_headers(&parts.headers).await
    }

    /// [`Auth::authenticate`] from the request headers alone (all it reads), for adapters whose
    /// framework has its own request type.
    pub async fn authenticate_headers(
        &self,
        headers: &HeaderMap,
    ) -> Result<Option<Authenticated>, AuthError> {
        if let Some(bearer) = request::bearer(headers)
            && looks_like_jwt(&bearer)
        {
            let claims = self.verify_token(&bearer).await?;
            return Ok(Some(Authenticated {
                user: claims.user(),
                session_id: claims.sid,
                method: AuthMethod::Jwt,
            }));
        }
        let Some(token) = request::session_token(headers, self.config()) else {
            return Ok(None);
        };
        Ok(self
            .get_session(&token, false)
            .await?
            .map(|found| Authenticated {
                session_id: Some(found.current.session.id),
                user: found.current.user,
                method: AuthMethod::Session,
            }))
    }
}
