//! `CurrentUser`, `MaybeUser` and `Jwt<C>` on salvo's `Extractible`, for handler arguments.

// Written as `fn … -> impl Future` rather than `async fn`: an `async fn` would put the refusal's
// private type into the public signature.
#![allow(clippy::manual_async_fn)]

use std::fmt::Debug;
use std::future::Future;
use std::ops::Deref;

use auth_core::AuthError;
use auth_core::http::{Caller, extract};
use auth_core::token::Claims;
use salvo::extract::{Extractible, Metadata};
use salvo::{Depot, Request, Writer};

use crate::convert::Refusal;

/// The authenticated caller: a bearer JWT, a bearer session token or the session cookie.
/// Without valid credentials the request is refused with 401 and Better Auth's JSON
/// (`UNAUTHORIZED`, or `TOKEN_EXPIRED` / `INVALID_TOKEN` for a bad JWT).
///
/// ```
/// use auth_salvo::{AuthRouterExt, CurrentUser};
/// use salvo::prelude::*;
///
/// #[handler]
/// async fn me(user: CurrentUser) -> String {
///     user.user.email.clone()
/// }
///
/// # async fn status(router: salvo::Router, path: &str, bearer: Option<&str>) -> u16 {
/// #     use salvo::conn::ConnCtrl;
/// #     use salvo::http::uri::Scheme;
/// #     let addr: std::net::SocketAddr = "127.0.0.1:1".parse().unwrap();
/// #     let handler = salvo::Service::new(router)
/// #         .hyper_handler(addr.into(), addr.into(), Scheme::HTTP, None, ConnCtrl::new(), None);
/// #     let mut request = http::Request::get(format!("http://localhost{path}"));
/// #     if let Some(bearer) = bearer {
/// #         request = request.header("authorization", format!("Bearer {bearer}"));
/// #     }
/// #     let request = request.body(salvo::http::ReqBody::None).unwrap();
/// #     let response = handler.handle(salvo::Request::from_hyper(request, Scheme::HTTP)).await;
/// #     response.status_code.map_or(404, |code| code.as_u16())
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let config = auth_core::config::AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// # let issuer = auth_core::token::JwtIssuer::for_config(&config, auth_core::token::JwtKey::generate_ed25519())?;
/// # let auth = auth_core::Auth::builder().config(config).store(auth_core::store::MemoryStore::new()).issuer(issuer).default_hasher().build();
/// let router = Router::new().with_auth(&auth).push(Router::with_path("api/me").get(me));
/// assert_eq!(status(router, "/api/me", Some("not-a-session")).await, 401);
/// # Ok(())
/// # }
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
/// down) refuse the request.
///
/// ```
/// use auth_salvo::{AuthRouterExt, MaybeUser};
/// use salvo::prelude::*;
///
/// #[handler]
/// async fn home(user: MaybeUser) -> String {
///     user.0.map_or_else(|| "hello, stranger".into(), |c| format!("hello, {}", c.user.name))
/// }
///
/// # async fn status(router: salvo::Router, path: &str, bearer: Option<&str>) -> u16 {
/// #     use salvo::conn::ConnCtrl;
/// #     use salvo::http::uri::Scheme;
/// #     let addr: std::net::SocketAddr = "127.0.0.1:1".parse().unwrap();
/// #     let handler = salvo::Service::new(router)
/// #         .hyper_handler(addr.into(), addr.into(), Scheme::HTTP, None, ConnCtrl::new(), None);
/// #     let mut request = http::Request::get(format!("http://localhost{path}"));
/// #     if let Some(bearer) = bearer {
/// #         request = request.header("authorization", format!("Bearer {bearer}"));
/// #     }
/// #     let request = request.body(salvo::http::ReqBody::None).unwrap();
/// #     let response = handler.handle(salvo::Request::from_hyper(request, Scheme::HTTP)).await;
/// #     response.status_code.map_or(404, |code| code.as_u16())
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let config = auth_core::config::AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// # let issuer = auth_core::token::JwtIssuer::for_config(&config, auth_core::token::JwtKey::generate_ed25519())?;
/// # let auth = auth_core::Auth::builder().config(config).store(auth_core::store::MemoryStore::new()).issuer(issuer).default_hasher().build();
/// let router = Router::new().with_auth(&auth).push(Router::new().get(home));
/// assert_eq!(status(router, "/", None).await, 200);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<Caller>);

/// The request's bearer JWT, verified, with its payload deserialised into `C`: for tokens
/// that carry claims of your own (the default is Better Auth's user plus `sid`). 401 with
/// Better Auth's JSON without a valid bearer JWT.
///
/// ```
/// use auth_salvo::{AuthRouterExt, Jwt};
/// use salvo::prelude::*;
///
/// #[derive(serde::Deserialize)]
/// struct Mine { sub: String }
///
/// #[handler]
/// async fn whoami(claims: Jwt<Mine>) -> String {
///     claims.0.sub
/// }
///
/// # async fn status(router: salvo::Router, path: &str, bearer: Option<&str>) -> u16 {
/// #     use salvo::conn::ConnCtrl;
/// #     use salvo::http::uri::Scheme;
/// #     let addr: std::net::SocketAddr = "127.0.0.1:1".parse().unwrap();
/// #     let handler = salvo::Service::new(router)
/// #         .hyper_handler(addr.into(), addr.into(), Scheme::HTTP, None, ConnCtrl::new(), None);
/// #     let mut request = http::Request::get(format!("http://localhost{path}"));
/// #     if let Some(bearer) = bearer {
/// #         request = request.header("authorization", format!("Bearer {bearer}"));
/// #     }
/// #     let request = request.body(salvo::http::ReqBody::None).unwrap();
/// #     let response = handler.handle(salvo::Request::from_hyper(request, Scheme::HTTP)).await;
/// #     response.status_code.map_or(404, |code| code.as_u16())
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let config = auth_core::config::AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// # let issuer = auth_core::token::JwtIssuer::for_config(&config, auth_core::token::JwtKey::generate_ed25519())?;
/// # let auth = auth_core::Auth::builder().config(config).store(auth_core::store::MemoryStore::new()).issuer(issuer).default_hasher().build();
/// let router = Router::new().with_auth(&auth).push(Router::with_path("api/whoami").get(whoami));
/// assert_eq!(status(router, "/api/whoami", None).await, 401);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Jwt<C = Claims>(pub C);

fn metadata() -> &'static Metadata {
    static METADATA: Metadata = Metadata::new("");
    &METADATA
}

/// What the extractors return: their value, or the refusal salvo writes.
type Extracted<T> = Result<T, Refusal>;

fn refused(error: AuthError) -> Refusal {
    Refusal(error)
}

impl<'ex> Extractible<'ex> for CurrentUser {
    fn metadata() -> &'static Metadata {
        metadata()
    }

    fn extract(
        request: &'ex mut Request,
        _depot: &'ex mut Depot,
    ) -> impl Future<Output = Result<Self, impl Writer + Send + Debug + 'static>> + Send {
        async move {
            let found: Extracted<Self> =
                extract::current_user(request.headers(), request.extensions())
                    .await
                    .map(CurrentUser)
                    .map_err(refused);
            found
        }
    }
}

impl<'ex> Extractible<'ex> for MaybeUser {
    fn metadata() -> &'static Metadata {
        metadata()
    }

    fn extract(
        request: &'ex mut Request,
        _depot: &'ex mut Depot,
    ) -> impl Future<Output = Result<Self, impl Writer + Send + Debug + 'static>> + Send {
        async move {
            let found: Extracted<Self> =
                extract::maybe_user(request.headers(), request.extensions())
                    .await
                    .map(MaybeUser)
                    .map_err(refused);
            found
        }
    }
}

impl<'ex, C> Extractible<'ex> for Jwt<C>
where
    C: serde::de::DeserializeOwned + Send,
{
    fn metadata() -> &'static Metadata {
        metadata()
    }

    fn extract(
        request: &'ex mut Request,
        _depot: &'ex mut Depot,
    ) -> impl Future<Output = Result<Self, impl Writer + Send + Debug + 'static>> + Send {
        async move {
            let found: Extracted<Self> =
                extract::jwt_claims(request.headers(), request.extensions())
                    .await
                    .map(Jwt)
                    .map_err(refused);
            found
        }
    }
}
