//! The auth API as a salvo handler and router.

use auth_core::Auth;
use salvo::{Depot, FlowCtrl, Handler, Request, Response, Router, async_trait};

use crate::convert::{to_http, write};

/// Better Auth's API as a salvo handler; [`routes`] mounts it. It answers every outcome itself,
/// errors included.
#[derive(Clone, Debug)]
pub struct AuthHandler {
    auth: Auth,
}

#[async_trait]
impl Handler for AuthHandler {
    async fn handle(
        &self,
        request: &mut Request,
        _depot: &mut Depot,
        response: &mut Response,
        ctrl: &mut FlowCtrl,
    ) {
        write(self.auth.respond(to_http(request)).await, response);
        ctrl.skip_rest();
    }
}

/// A router serving Better Auth's API under the configured base path (default `/api/auth`),
/// every method and sub-path, so unknown ones are answered as Better Auth does.
pub fn routes(auth: &Auth) -> Router {
    let base = auth.config().base_path().trim_start_matches('/');
    Router::with_path(format!("{base}/{{**rest}}")).goal(AuthHandler { auth: auth.clone() })
}
