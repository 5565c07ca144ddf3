//! `CurrentUser` and `MaybeUser`.

use std::ops::Deref;

use auth_core::http::Authenticated;
use auth_core::{Auth, AuthError};
use poem::{FromRequest, Request, RequestBody};

use crate::convert::error;

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

async fn authenticate(request: &Request) -> Result<Option<Authenticated>, AuthError> {
    if let Some(caller) = request.extensions().get::<Authenticated>() {
        return Ok(Some(caller.clone()));
    }
    let Some(auth) = request.extensions().get::<Auth>() else {
        tracing::error!(
            "auth-poem: no `Auth` for this route; wrap the app with `.with(auth_poem::install(auth))`"
        );
        return Err(AuthError::internal("auth-poem: Auth is not installed"));
    };
    auth.authenticate_headers(request.headers()).await
}

impl<'a> FromRequest<'a> for CurrentUser {
    async fn from_request(request: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        match authenticate(request).await {
            Ok(Some(caller)) => Ok(CurrentUser(caller)),
            Ok(None) => Err(error(&AuthError::Unauthorized)),
            Err(failure) => Err(error(&failure)),
        }
    }
}

impl<'a> FromRequest<'a> for MaybeUser {
    async fn from_request(request: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        match authenticate(request).await {
            Ok(caller) => Ok(MaybeUser(caller)),
            Err(failure) if !failure.status().is_server_error() => Ok(MaybeUser(None)),
            Err(failure) => Err(error(&failure)),
        }
    }
}
