//! The smallest salvo app with auth: the Better Auth API, a route for any signed-in caller, and a
//! guarded subtree.

use auth_core::Auth;
use auth_salvo::{DepotAuthExt, install, require_auth, routes};
use salvo::prelude::*;
use serde_json::json;

/// `GET /api/me`: the caller, however they authenticated (401 otherwise).
#[handler]
async fn me(depot: &mut Depot, res: &mut Response) {
    match depot.current_user() {
        Some(caller) => res.render(Json(
            json!({ "email": caller.user.email, "via": format!("{:?}", caller.method) }),
        )),
        None => {
            res.status_code(StatusCode::UNAUTHORIZED);
            res.render(Json(
                json!({ "message": "Unauthorized", "code": "UNAUTHORIZED" }),
            ));
        }
    }
}

/// `GET /api/private/hello`: behind the guard.
#[handler]
async fn hello(depot: &mut Depot) -> Json<serde_json::Value> {
    Json(json!({ "hello": depot.current_user().map(|c| c.user.name.clone()) }))
}

/// The app: auth routes, `/api/me`, and `/api/private/*` behind the guard.
pub fn app(auth: Auth) -> Router {
    Router::new()
        .hoop(install(auth.clone()))
        .push(routes(&auth))
        .push(
            Router::with_path("api/me")
                .hoop(require_auth(&auth))
                .get(me),
        )
        .push(
            Router::with_path("api/private/hello")
                .hoop(require_auth(&auth))
                .get(hello),
        )
}
