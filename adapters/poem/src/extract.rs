//! `CurrentUser`, `MaybeUser` and `Jwt<C>` on poem's `FromRequest`.

use std::ops::Deref;

use auth_core::http::{Caller, extract};
use auth_core::token::Claims;
use poem::{FromRequest, Request, RequestBody};

use crate::convert::error;

/// The authenticated caller: a bearer JWT, a bearer session token or the session cookie.
/// Without valid credentials the request is rejected with 401 and Better Auth's JSON
/// (`UNAUTHORIZED`, or `TOKEN_EXPIRED` / `INVALID_TOKEN` for a bad JWT).
///
/// ```
/// use auth_poem::CurrentUser;
/// use poem::handler;
///
/// #[handler]
/// fn me(user: CurrentUser) -> String {
///     user.user.email.clone()
/// }
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
/// use auth_poem::MaybeUser;
/// use poem::handler;
///
/// #[handler]
/// fn home(MaybeUser(caller): MaybeUser) -> String {
///     caller.map_or_else(|| "hello, stranger".into(), |c| format!("hello, {}", c.user.name))
/// }
/// ```
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<Caller>);

/// The request's bearer JWT, verified, with its payload deserialised into `C`: for tokens
/// that carry claims of your own (the default is Better Auth's user plus `sid`). 401 with
/// Better Auth's JSON without a valid bearer JWT.
///
/// ```
/// use auth_poem::Jwt;
/// use poem::handler;
///
/// #[derive(serde::Deserialize)]
/// struct Mine { sub: String }
///
/// #[handler]
/// fn whoami(Jwt(claims): Jwt<Mine>) -> String {
///     claims.sub
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Jwt<C = Claims>(pub C);

impl<'a> FromRequest<'a> for CurrentUser {
    async fn from_request(request: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        extract::current_user(request.headers(), request.extensions())
            .await
            .map(CurrentUser)
            .map_err(error)
    }
}

impl<'a> FromRequest<'a> for MaybeUser {
    async fn from_request(request: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        extract::maybe_user(request.headers(), request.extensions())
            .await
            .map(MaybeUser)
            .map_err(error)
    }
}

impl<'a, C> FromRequest<'a> for Jwt<C>
where
    C: serde::de::DeserializeOwned + Send,
{
    async fn from_request(request: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        extract::jwt_claims(request.headers(), request.extensions())
            .await
            .map(Jwt)
            .map_err(error)
    }
}
