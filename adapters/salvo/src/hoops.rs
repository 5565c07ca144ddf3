//! Hoops: installing `Auth` (with CORS), guarding a subtree, or identifying its callers.

use auth_core::http::{Caller, CorsPolicy, extract};
use auth_core::{Auth, AuthError};
use http::StatusCode;
use salvo::{Depot, FlowCtrl, Handler, Request, Response, async_trait};

use crate::convert::write_error;

/// The root router's hoop: `auth` for the extractors, CORS answered.
///
/// ```
/// use auth_salvo::CurrentUser;
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
/// let router = salvo::Router::new()
///     .hoop(auth_salvo::install(&auth))
///     .push(salvo::Router::with_path("api/me").get(me));
/// assert_eq!(status(router, "/api/me", None).await, 401);
/// # Ok(())
/// # }
/// ```
pub fn install(auth: &Auth) -> Install {
    Install {
        auth: auth.clone(),
        cors: CorsPolicy::new(auth.config()),
    }
}

/// A subtree's guard hoop: 401 with Better Auth's JSON without valid credentials; otherwise the
/// caller is there for [`CurrentUser`](crate::CurrentUser) and
/// [`DepotAuthExt::current_user`](crate::DepotAuthExt::current_user).
///
/// ```
/// use salvo::prelude::*;
///
/// #[handler]
/// async fn hello() -> &'static str {
///     "hello"
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
/// let private = Router::with_path("api/private/hello")
///     .hoop(auth_salvo::require_auth(&auth))
///     .get(hello);
/// assert_eq!(status(Router::new().push(private), "/api/private/hello", None).await, 401);
/// # Ok(())
/// # }
/// ```
pub fn require_auth(auth: &Auth) -> RequireAuth {
    RequireAuth { auth: auth.clone() }
}

/// A subtree's identifying hoop: every request goes through, with its caller when it
/// authenticates (for [`MaybeUser`](crate::MaybeUser), found once); only a server fault is
/// refused.
///
/// ```
/// use auth_salvo::MaybeUser;
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
/// let pages = Router::new().hoop(auth_salvo::optional_auth(&auth)).get(home);
/// assert_eq!(status(pages, "/", Some("a.b.c")).await, 200);
/// # Ok(())
/// # }
/// ```
pub fn optional_auth(auth: &Auth) -> OptionalAuth {
    OptionalAuth { auth: auth.clone() }
}

/// The hoop [`install`] makes.
#[derive(Clone, Debug)]
pub struct Install {
    auth: Auth,
    cors: CorsPolicy,
}

/// The hoop [`require_auth`] makes.
#[derive(Clone, Debug)]
pub struct RequireAuth {
    auth: Auth,
}

/// The hoop [`optional_auth`] makes.
#[derive(Clone, Debug)]
pub struct OptionalAuth {
    auth: Auth,
}

#[async_trait]
impl Handler for Install {
    async fn handle(
        &self,
        request: &mut Request,
        depot: &mut Depot,
        response: &mut Response,
        ctrl: &mut FlowCtrl,
    ) {
        if let Some(headers) = self.cors.preflight(request.method(), request.headers()) {
            response.status_code(StatusCode::NO_CONTENT);
            *response.headers_mut() = headers;
            response.body(bytes::Bytes::new());
            ctrl.skip_rest();
            return;
        }
        let origin = self.cors.allowed_origin(request.headers());
        extract::install(&self.auth, request.extensions_mut());
        ctrl.call_next(request, depot, response).await;
        if let Some(origin) = origin {
            self.cors.decorate(origin, response.headers_mut());
        }
    }
}

/// Records what a guard found (in the request for the extractors, in the depot for
/// `depot.current_user()`) and goes on; or answers with the refusal.
async fn guard(
    auth: &Auth,
    found: Result<extract::Identified, AuthError>,
    request: &mut Request,
    depot: &mut Depot,
    response: &mut Response,
    ctrl: &mut FlowCtrl,
) {
    match found {
        Ok(identified) => {
            if let Some(caller) = identified.caller() {
                depot.insert_typed::<Caller>(caller.clone());
            }
            identified.record(auth, request.extensions_mut());
            ctrl.call_next(request, depot, response).await;
        }
        Err(error) => {
            write_error(error, response);
            ctrl.skip_rest();
        }
    }
}

#[async_trait]
impl Handler for RequireAuth {
    async fn handle(
        &self,
        request: &mut Request,
        depot: &mut Depot,
        response: &mut Response,
        ctrl: &mut FlowCtrl,
    ) {
        let found = extract::require(&self.auth, request.headers()).await;
        guard(&self.auth, found, request, depot, response, ctrl).await;
    }
}

#[async_trait]
impl Handler for OptionalAuth {
    async fn handle(
        &self,
        request: &mut Request,
        depot: &mut Depot,
        response: &mut Response,
        ctrl: &mut FlowCtrl,
    ) {
        let found = extract::identify(&self.auth, request.headers()).await;
        guard(&self.auth, found, request, depot, response, ctrl).await;
    }
}
