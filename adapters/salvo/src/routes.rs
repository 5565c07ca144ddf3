//! The auth API as a salvo router.

use auth_core::Auth;
use auth_core::http::AuthService;
use salvo::{Depot, FlowCtrl, Handler, Request, Response, Router, async_trait};

use crate::convert::{to_http, write};
use crate::hoops::install;

/// A router serving Better Auth's API under the configured base path (default `/api/auth`),
/// every method and sub-path, so unknown ones are answered as Better Auth does.
///
/// ```
/// use salvo::Router;
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
/// let router = Router::new()
///     .hoop(auth_salvo::install(&auth))
///     .push(auth_salvo::routes(&auth));
/// assert_eq!(status(router, "/api/auth/ok", None).await, 200);
/// # Ok(())
/// # }
/// ```
pub fn routes(auth: &Auth) -> Router {
    let base = auth.config().base_path().trim_start_matches('/');
    Router::with_path(format!("{base}/{{**rest}}")).goal(AuthHandler(AuthService::new(auth)))
}

/// The protocol as a salvo handler; it answers every outcome itself, errors included.
struct AuthHandler(AuthService);

#[async_trait]
impl Handler for AuthHandler {
    async fn handle(
        &self,
        request: &mut Request,
        _depot: &mut Depot,
        response: &mut Response,
        ctrl: &mut FlowCtrl,
    ) {
        write(self.0.respond(to_http(request)).await, response);
        ctrl.skip_rest();
    }
}

/// Adds auth to a whole router in one call.
pub trait AuthRouterExt {
    /// Adds the [`install`] hoop and pushes [`routes`].
    ///
    /// ```
    /// use auth_salvo::AuthRouterExt;
    /// use salvo::Router;
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
    /// let router = Router::new().with_auth(&auth);
    /// assert_eq!(status(router, "/api/auth/get-session", None).await, 200);
    /// # Ok(())
    /// # }
    /// ```
    fn with_auth(self, auth: &Auth) -> Self;
}

impl AuthRouterExt for Router {
    fn with_auth(self, auth: &Auth) -> Self {
        self.hoop(install(auth)).push(routes(auth))
    }
}
