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
/// # fn make(auth: auth_core::Auth) {
/// let router = Router::new()
///     .hoop(auth_salvo::install(&auth))
///     .push(auth_salvo::routes(&auth));
/// # let _ = router;
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
    /// # fn make(auth: auth_core::Auth) {
    /// let router = Router::new().with_auth(&auth);
    /// # let _ = router;
    /// # }
    /// ```
    fn with_auth(self, auth: &Auth) -> Self;
}

impl AuthRouterExt for Router {
    fn with_auth(self, auth: &Auth) -> Self {
        self.hoop(install(auth)).push(routes(auth))
    }
}
