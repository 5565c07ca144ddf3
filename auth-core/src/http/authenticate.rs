//! `Auth::authenticate`: who is calling an API route.

use std::sync::Arc;

use http::HeaderMap;
use http::request::Parts;
use serde::de::DeserializeOwned;

use super::request;
use crate::Auth;
use crate::error::AuthError;
use crate::model::User;
use crate::token::Claims;

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

impl Auth {
    /// What a `CurrentUser` extractor yields: the caller, or `UNAUTHORIZED` without credentials.
    pub async fn current_user(&self, headers: &HeaderMap) -> Result<Authenticated, AuthError> {
        self.authenticate_headers(headers)
            .await?
            .ok_or(AuthError::Unauthorized)
    }

    /// What a `MaybeUser` extractor yields: the caller if the request authenticates, `None` for
    /// absent or bad credentials; only server faults (a store that is down) are errors.
    pub async fn maybe_user(
        &self,
        headers: &HeaderMap,
    ) -> Result<Option<Authenticated>, AuthError> {
        match self.authenticate_headers(headers).await {
            Err(error) if !error.status().is_server_error() => Ok(None),
            other => other,
        }
    }

    /// What a `Jwt<C>` extractor yields: the bearer JWT's claims as `C`, or `UNAUTHORIZED`
    /// without one.
    pub async fn jwt_claims<C: DeserializeOwned>(
        &self,
        headers: &HeaderMap,
    ) -> Result<C, AuthError> {
        self.bearer_claims(headers)
            .await?
            .ok_or(AuthError::Unauthorized)
    }

    /// The request's bearer JWT, verified (see [`Auth::verify_token_as`]) and deserialised into
    /// the application's own claims type `C`; `Ok(None)` without a bearer JWT.
    pub async fn bearer_claims<C: DeserializeOwned>(
        &self,
        headers: &HeaderMap,
    ) -> Result<Option<C>, AuthError> {
        match request::bearer_jwt(headers) {
            Some(token) => self.verify_token_as(token).await.map(Some),
            None => Ok(None),
        }
    }
}

/// Defines the extractor types every adapter offers, in the adapter crate (so that it can
/// implement its framework's traits for them): `CurrentUser`, `MaybeUser` and `Jwt<C>`.
/// Their behaviour is [`Auth::current_user`], [`Auth::maybe_user`] and [`Auth::jwt_claims`].
#[macro_export]
macro_rules! extractor_types {
    () => {
        /// The authenticated caller: a bearer JWT, a bearer session token or the session cookie.
        /// Without valid credentials the request is rejected with 401 and Better Auth's JSON
        /// (`UNAUTHORIZED`, or `TOKEN_EXPIRED` / `INVALID_TOKEN` for a bad JWT).
        #[derive(Debug, Clone)]
        pub struct CurrentUser(pub $crate::http::Authenticated);

        impl ::std::ops::Deref for CurrentUser {
            type Target = $crate::http::Authenticated;

            fn deref(&self) -> &$crate::http::Authenticated {
                &self.0
            }
        }

        /// The caller if the request authenticates, else `None`. Only server faults (a store
        /// that is down) reject the request.
        #[derive(Debug, Clone)]
        pub struct MaybeUser(pub ::std::option::Option<$crate::http::Authenticated>);

        /// The request's bearer JWT, verified, with its payload deserialised into `C`: for tokens
        /// that carry claims of your own (the default is Better Auth's user plus `sid`). 401 with
        /// Better Auth's JSON without a valid bearer JWT. `C` must implement
        /// `serde::de::DeserializeOwned`: a type that does not is a compile error.
        #[derive(Debug, Clone)]
        pub struct Jwt<C = $crate::token::Claims>(pub C);
    };
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
        if let Some(jwt) = request::bearer_jwt(headers) {
            let claims = self.verify_token_shared(jwt).await?;
            return Ok(Some(Authenticated::from_jwt(&claims)));
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

/// How far [`Auth::authenticate_headers`] gets without the store.
pub(crate) enum Cached {
    /// The answer: a bad JWT, or one whose session the revocation cache knows (or with the
    /// check off).
    Answered(Result<Authenticated, AuthError>),
    /// A verified JWT whose session only the store can vouch for.
    Verified(Arc<Claims>),
    /// No bearer JWT: a session token or cookie, or nothing.
    NoJwt,
}

impl Auth {
    /// [`Auth::authenticate_headers`] as far as it goes without the store. Lets the guard layer
    /// answer the common request without boxing a future, and the rest without verifying a JWT
    /// twice.
    pub(crate) fn authenticate_cached(&self, headers: &HeaderMap) -> Cached {
        let Some(jwt) = request::bearer_jwt(headers) else {
            return Cached::NoJwt;
        };
        let now = self.now();
        let claims = match self.inner.issuer.verify_shared(jwt, now) {
            Ok(claims) => claims,
            Err(error) => return Cached::Answered(Err(error.into())),
        };
        match self.check_session_cached(claims.sid.as_deref(), now) {
            Some(known) => Cached::Answered(known.map(|()| Authenticated::from_jwt(&claims))),
            None => Cached::Verified(claims),
        }
    }

    /// The caller of a [`Cached::Verified`] JWT, once the store has vouched for its session.
    pub(crate) async fn authenticate_verified(
        &self,
        claims: &Claims,
    ) -> Result<Authenticated, AuthError> {
        self.check_session(claims.sid.as_deref(), &claims.sub, self.now())
            .await?;
        Ok(Authenticated::from_jwt(claims))
    }
}

impl Authenticated {
    fn from_jwt(claims: &Claims) -> Self {
        Self {
            user: claims.user(),
            session_id: claims.sid.clone(),
            method: AuthMethod::Jwt,
        }
    }
}
