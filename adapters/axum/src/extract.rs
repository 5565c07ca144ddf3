//! `CurrentUser` and `MaybeUser`.

use std::ops::Deref;

use auth_core::http::Authenticated;
use auth_core::{Auth, AuthError};
use axum::extract::FromRequestParts;
use http::request::Parts;

use crate::AuthRejection;

/// The authenticated caller: a bearer JWT, a bearer session token or the session cookie.
/// Without valid credentials the request is rejected with 401 and Better Auth's JSON
/// (`UNAUTHORIZED`, or `TOKEN_EXPIRED` / `INVALID_TOKEN` for a bad JWT).
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Authenticated);

impl Deref for CurrentUser {
    type Target = Authenticated;

    fn deref(&self) -> &Authenticated {
        &self.0
    }
}

/// The caller if the request authenticates, else `None`. Only server faults (a store that is
/// down) reject the request.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<Authenticated>);

async fn authenticate(parts: &Parts) -> Result<Option<Authenticated>, AuthRejection> {
    // A guard in front of this route already did the work.
    if let Some(caller) = parts.extensions.get::<Authenticated>() {
        return Ok(Some(caller.clone()));
    }
    let auth = parts
        .extensions
        .get::<Auth>()
        .ok_or(AuthRejection::NotInstalled)?;
    auth.authenticate(parts).await.map_err(AuthRejection::Auth)
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        authenticate(parts)
            .await?
            .map(CurrentUser)
            .ok_or(AuthRejection::Auth(AuthError::Unauthorized))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match authenticate(parts).await {
            Ok(caller) => Ok(MaybeUser(caller)),
            Err(AuthRejection::Auth(error)) if !error.status().is_server_error() => {
                Ok(MaybeUser(None))
            }
            Err(rejection) => Err(rejection),
        }
    }
}
