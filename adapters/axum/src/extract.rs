//! `CurrentUser`, `MaybeUser` and `Jwt<C>` on axum's `FromRequestParts`.

use std::ops::Deref;

use auth_core::http::{Caller, extract};
use auth_core::token::Claims;
use axum::extract::FromRequestParts;
use http::request::Parts;

use crate::AuthRejection;

/// The authenticated caller: a bearer JWT, a bearer session token or the session cookie.
/// Without valid credentials the request is rejected with 401 and Better Auth's JSON
/// (`UNAUTHORIZED`, or `TOKEN_EXPIRED` / `INVALID_TOKEN` for a bad JWT).
///
/// ```
/// use auth_axum::CurrentUser;
///
/// async fn me(user: CurrentUser) -> String {
///     format!("{} ({:?})", user.user.email, user.method)
/// }
/// # let _: axum::routing::MethodRouter = axum::routing::get(me);
/// ```
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Caller);

impl Deref for CurrentUser {
    type Target = Caller;

    fn deref(&self) -> &Caller {
        &self.0
    }
}

/// The caller if the request authenticates, else `None`. Only server faults (a store that is
/// down) reject the request.
///
/// ```
/// use auth_axum::MaybeUser;
///
/// async fn home(MaybeUser(caller): MaybeUser) -> String {
///     caller.map_or_else(|| "hello, stranger".into(), |c| format!("hello, {}", c.user.name))
/// }
/// # let _: axum::routing::MethodRouter = axum::routing::get(home);
/// ```
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<Caller>);

/// The request's bearer JWT, verified, with its payload deserialised into `C`: for tokens
/// that carry claims of your own (the default is Better Auth's user plus `sid`). 401 with
/// Better Auth's JSON without a valid bearer JWT. `C` must implement
/// `serde::de::DeserializeOwned`: a type that does not is a compile error.
///
/// ```
/// use auth_axum::Jwt;
///
/// #[derive(serde::Deserialize)]
/// struct Mine { sub: String, email: String }
///
/// async fn whoami(Jwt(claims): Jwt<Mine>) -> String {
///     format!("{} <{}>", claims.sub, claims.email)
/// }
/// # let _: axum::routing::MethodRouter = axum::routing::get(whoami);
/// ```
#[derive(Debug, Clone)]
pub struct Jwt<C = Claims>(pub C);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        extract::current_user(&parts.headers, &parts.extensions)
            .await
            .map(CurrentUser)
            .map_err(AuthRejection)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        extract::maybe_user(&parts.headers, &parts.extensions)
            .await
            .map(MaybeUser)
            .map_err(AuthRejection)
    }
}

impl<S, C> FromRequestParts<S> for Jwt<C>
where
    S: Send + Sync,
    C: serde::de::DeserializeOwned + Send,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        extract::jwt_claims(&parts.headers, &parts.extensions)
            .await
            .map(Jwt)
            .map_err(AuthRejection)
    }
}
