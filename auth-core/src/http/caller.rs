//! Who is calling an API route: [`Auth::authenticate`] and the [`Caller`] it finds.

use std::sync::Arc;

use http::HeaderMap;

use super::request;
use crate::Auth;
use crate::error::AuthError;
use crate::model::{SessionId, User};
use crate::token::{Claims, TokenError};

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthMethod {
    /// `Authorization: Bearer <JWT>`, verified without a store lookup (unless revocation checks
    /// are on and the cache has no answer).
    Jwt,
    /// A session token: `Authorization: Bearer <token>` or the session cookie (one store lookup).
    Session,
}

/// The authenticated caller of an API route: what the adapters' `CurrentUser` holds.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Caller {
    /// The user (for a JWT: as of when it was issued).
    pub user: User,
    /// The session, when known (JWTs issued by Better Auth itself carry none).
    pub session_id: Option<SessionId>,
    /// How they proved it.
    pub method: AuthMethod,
}

impl Auth {
    /// Who is calling an API route: `Authorization: Bearer <JWT>` (the fast path: verified in
    /// memory), a bearer session token (signed or bare), or the session cookie. It only reads
    /// the headers.
    ///
    /// `Ok(None)` when the request carries no usable credentials; an invalid or expired JWT is
    /// an error (`INVALID_TOKEN` / `TOKEN_EXPIRED`, 401), so clients learn why, and so is a
    /// store that cannot be reached. Sessions found this way are not slid forward (an API
    /// response carries no cookie to renew).
    ///
    /// The adapters' extractors and guards are built on this; see [`extract`](super::extract)
    /// for the rules they share.
    pub async fn authenticate(&self, headers: &HeaderMap) -> Result<Option<Caller>, AuthError> {
        if let Some(jwt) = request::bearer_jwt(headers) {
            let claims = self.verify_token_shared(jwt).await?;
            return Ok(Some(Caller::from_jwt(&claims)));
        }
        let Some(token) = request::session_token(headers, self.config()) else {
            return Ok(None);
        };
        Ok(self.get_session(&token, false).await?.map(|found| Caller {
            session_id: Some(found.current.session.id),
            user: found.current.user,
            method: AuthMethod::Session,
        }))
    }
}

/// How far [`Auth::authenticate`] gets without the store.
pub(crate) enum Cached {
    /// The answer: a bad JWT, or one whose session the revocation cache knows (or with the
    /// check off).
    Answered(Result<Caller, AuthError>),
    /// A verified JWT whose session only the store can vouch for.
    Verified(Arc<Claims>),
    /// No bearer JWT (a session token or cookie, or nothing), or one whose keys the issuer
    /// must fetch first.
    NoJwt,
}

impl Auth {
    /// [`Auth::authenticate`] as far as it goes without the store. Lets the guard layers answer
    /// the common request without boxing a future, and the rest without verifying a JWT twice.
    pub(crate) fn authenticate_cached(&self, headers: &HeaderMap) -> Cached {
        let Some(jwt) = request::bearer_jwt(headers) else {
            return Cached::NoJwt;
        };
        let now = self.now();
        let claims = match self.issuer().verify_shared(jwt, now) {
            Ok(claims) => claims,
            // Keys the issuer may still fetch (a remote JWKS): only the async path can wait.
            Err(TokenError::UnknownKey | TokenError::KeysUnavailable)
                if self.issuer().refresh_keys(jwt).is_some() =>
            {
                return Cached::NoJwt;
            }
            Err(error) => return Cached::Answered(Err(error.into())),
        };
        match self.check_session_cached(claims.sid.as_ref(), now) {
            Some(known) => Cached::Answered(known.map(|()| Caller::from_jwt(&claims))),
            None => Cached::Verified(claims),
        }
    }

    /// The rest of [`Auth::authenticate`] after [`Auth::authenticate_cached`]: the store vouches
    /// for a verified JWT's session, or looks up a session token.
    pub(crate) async fn authenticate_rest(
        &self,
        headers: &HeaderMap,
        verified: Option<Arc<Claims>>,
    ) -> Result<Option<Caller>, AuthError> {
        match verified {
            Some(claims) => {
                self.check_session(claims.sid.as_ref(), &claims.sub, self.now())
                    .await?;
                Ok(Some(Caller::from_jwt(&claims)))
            }
            None => self.authenticate(headers).await,
        }
    }
}

impl Caller {
    fn from_jwt(claims: &Claims) -> Self {
        Self {
            user: claims.user(),
            session_id: claims.sid.clone(),
            method: AuthMethod::Jwt,
        }
    }
}
