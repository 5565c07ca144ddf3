//! `CurrentUser`, `MaybeUser` and `Jwt<C>` on poem's `FromRequest`.

use auth_core::http::Authenticated;
use auth_core::{Auth, AuthError};
use poem::{FromRequest, Request, RequestBody};

use crate::convert::error;

auth_core::extractor_types!();

/// The `Auth` that `install(auth)` put in the request.
fn installed(request: &Request) -> poem::Result<&Auth> {
    request.extensions().get::<Auth>().ok_or_else(|| {
        tracing::error!("auth-poem: no `Auth` for this route; wrap the app with `.with(auth_poem::install(auth))`");
        error(&AuthError::internal("auth-poem: Auth is not installed"))
    })
}

impl<'a> FromRequest<'a> for CurrentUser {
    async fn from_request(request: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        if let Some(caller) = request.extensions().get::<Authenticated>() {
            return Ok(CurrentUser(caller.clone()));
        }
        installed(request)?
            .current_user(request.headers())
            .await
            .map(CurrentUser)
            .map_err(|e| error(&e))
    }
}

impl<'a> FromRequest<'a> for MaybeUser {
    async fn from_request(request: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        if let Some(caller) = request.extensions().get::<Authenticated>() {
            return Ok(MaybeUser(Some(caller.clone())));
        }
        installed(request)?
            .maybe_user(request.headers())
            .await
            .map(MaybeUser)
            .map_err(|e| error(&e))
    }
}

impl<'a, C> FromRequest<'a> for Jwt<C>
where
    C: serde::de::DeserializeOwned + Send,
{
    async fn from_request(request: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        installed(request)?
            .jwt_claims(request.headers())
            .await
            .map(Jwt)
            .map_err(|e| error(&e))
    }
}
