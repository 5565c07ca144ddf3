//! The rules every adapter's extractors and guards follow, written once: adapters only call
//! these and translate the result into their framework's types.
//!
//! | adapter item | rule here |
//! | --- | --- |
//! | `install` | [`install`]: the `Auth` goes into the request's extensions |
//! | `require_auth` (guard) | [`require`], then [`Identified::record`]; its error is the answer |
//! | `optional_auth` (guard) | [`identify`], then [`Identified::record`] |
//! | `CurrentUser` | [`current_user`] |
//! | `MaybeUser` | [`maybe_user`] |
//! | `Jwt<C>` | [`jwt_claims`] |
//!
//! A caller found by a guard is recorded in the request's extensions, so an extractor behind
//! the guard does not authenticate the request a second time.

use http::{Extensions, HeaderMap};
use serde::de::DeserializeOwned;

use super::Caller;
use super::request;
use crate::Auth;
use crate::error::AuthError;

/// What a guard found, to record in the request's extensions (see [`require`], [`identify`]).
#[derive(Debug, Clone)]
#[must_use = "record it in the request's extensions"]
pub struct Identified {
    caller: Option<Caller>,
}

impl Identified {
    /// The caller, when the request authenticated.
    pub fn caller(&self) -> Option<&Caller> {
        self.caller.as_ref()
    }

    /// A guard's decision on what authenticating found: a required guard lets only a caller
    /// through; an optional one lets anyone through but for a server fault.
    pub(crate) fn decide(
        required: bool,
        found: Result<Option<Caller>, AuthError>,
    ) -> Result<Self, AuthError> {
        match found {
            Ok(Some(caller)) => Ok(Self {
                caller: Some(caller),
            }),
            Ok(None) if required => Err(AuthError::Unauthorized),
            Ok(None) => Ok(Self { caller: None }),
            Err(error) if !required && !error.is_server_fault() => Ok(Self { caller: None }),
            Err(error) => Err(error),
        }
    }

    /// Records the outcome (and `auth`) in the request's extensions, for the extractors.
    pub fn record(self, auth: &Auth, extensions: &mut Extensions) {
        install(auth, extensions);
        extensions.insert(self);
    }
}

/// Makes `auth` reachable from the extractors of this request: what an adapter's `install`
/// does for every request.
pub fn install(auth: &Auth, extensions: &mut Extensions) {
    if extensions.get::<Auth>().is_none() {
        extensions.insert(auth.clone());
    }
}

/// The `require_auth` guard: the caller, or the error to refuse the request with
/// (`UNAUTHORIZED` without credentials, the token's error for a bad JWT, 503 when the store is
/// down).
pub async fn require(auth: &Auth, headers: &HeaderMap) -> Result<Identified, AuthError> {
    Identified::decide(true, auth.authenticate(headers).await)
}

/// The `optional_auth` guard: the caller when the request authenticates, none for absent or
/// bad credentials; only a server fault (a store that is down) refuses the request.
pub async fn identify(auth: &Auth, headers: &HeaderMap) -> Result<Identified, AuthError> {
    Identified::decide(false, auth.authenticate(headers).await)
}

/// What `CurrentUser` yields: the caller a guard found, else the request authenticated now;
/// `UNAUTHORIZED` (or the token's error) without valid credentials.
pub async fn current_user(
    headers: &HeaderMap,
    extensions: &Extensions,
) -> Result<Caller, AuthError> {
    if let Some(Identified {
        caller: Some(caller),
    }) = extensions.get::<Identified>()
    {
        return Ok(caller.clone());
    }
    // Behind no guard, or an optional one that found nobody: authenticate, for the precise error.
    installed(extensions)?
        .authenticate(headers)
        .await?
        .ok_or(AuthError::Unauthorized)
}

/// What `MaybeUser` yields: the caller if the request authenticates, `None` for absent or bad
/// credentials; only server faults are errors.
pub async fn maybe_user(
    headers: &HeaderMap,
    extensions: &Extensions,
) -> Result<Option<Caller>, AuthError> {
    if let Some(identified) = extensions.get::<Identified>() {
        return Ok(identified.caller.clone());
    }
    Ok(identify(installed(extensions)?, headers).await?.caller)
}

/// What `Jwt<C>` yields: the request's bearer JWT, verified (revocation check included) and
/// its whole payload deserialised into `C`; `UNAUTHORIZED` without one.
pub async fn jwt_claims<C: DeserializeOwned>(
    headers: &HeaderMap,
    extensions: &Extensions,
) -> Result<C, AuthError> {
    let auth = installed(extensions)?;
    let jwt = request::bearer_jwt(headers).ok_or(AuthError::Unauthorized)?;
    auth.verify_token_as(jwt).await
}

/// The application forgot to install the `Auth`: a programming error, answered with a 500 whose
/// log line says how to fix it.
#[derive(Debug, thiserror::Error)]
#[error(
    "no `Auth` in this request: wrap the app with the adapter's `install(&auth)` (or `.with_auth(&auth)`)"
)]
struct NotInstalled;

fn installed(extensions: &Extensions) -> Result<&Auth, AuthError> {
    extensions
        .get::<Auth>()
        .ok_or_else(|| AuthError::internal(NotInstalled))
}
