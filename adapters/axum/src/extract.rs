//! `CurrentUser`, `MaybeUser` and `Jwt<C>` on axum's `FromRequestParts`.

use auth_core::Auth;
use auth_core::http::Authenticated;
use axum::extract::FromRequestParts;
use http::request::Parts;

use crate::AuthRejection;

auth_core::extractor_types!();

/// The `Auth` that `.with_auth(auth)` installed.
fn installed(parts: &Parts) -> Result<&Auth, AuthRejection> {
    parts
        .extensions
        .get::<Auth>()
        .ok_or(AuthRejection::NotInstalled)
}

/// The caller a guard in front of this route already authenticated.
fn guarded(parts: &Parts) -> Option<Authenticated> {
    parts.extensions.get::<Authenticated>().cloned()
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if let Some(caller) = guarded(parts) {
            return Ok(CurrentUser(caller));
        }
        installed(parts)?
            .current_user(&parts.headers)
            .await
            .map(CurrentUser)
            .map_err(AuthRejection::Auth)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if let Some(caller) = guarded(parts) {
            return Ok(MaybeUser(Some(caller)));
        }
        installed(parts)?
            .maybe_user(&parts.headers)
            .await
            .map(MaybeUser)
            .map_err(AuthRejection::Auth)
    }
}

impl<S, C> FromRequestParts<S> for Jwt<C>
where
    S: Send + Sync,
    C: serde::de::DeserializeOwned + Send,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        installed(parts)?
            .jwt_claims(&parts.headers)
            .await
            .map(Jwt)
            .map_err(AuthRejection::Auth)
    }
}
