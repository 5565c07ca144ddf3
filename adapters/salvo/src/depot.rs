//! Typed access to the caller in salvo's `Depot`.

use auth_core::http::Caller;
use salvo::Depot;

/// The caller in the `Depot`, put there by this crate's guard hoops: salvo sugar beside the
/// [`CurrentUser`](crate::CurrentUser) and [`MaybeUser`](crate::MaybeUser) extractors.
///
/// ```
/// use auth_salvo::DepotAuthExt;
/// use salvo::prelude::*;
///
/// #[handler]
/// async fn me(depot: &mut Depot) -> String {
///     depot.current_user().map(|caller| caller.user.email.clone()).unwrap_or_default()
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
/// let router = Router::with_path("api/me").hoop(auth_salvo::require_auth(&auth)).get(me);
/// assert_eq!(status(Router::new().push(router), "/api/me", None).await, 401);
/// # Ok(())
/// # }
/// ```
pub trait DepotAuthExt {
    /// The authenticated caller, after [`require_auth`](crate::require_auth) (always there) or
    /// [`optional_auth`](crate::optional_auth) (when the request authenticated).
    fn current_user(&self) -> Option<&Caller>;
}

impl DepotAuthExt for Depot {
    fn current_user(&self) -> Option<&Caller> {
        self.get_typed::<Caller>().ok()
    }
}
