//! The smallest salvo app with auth: the Better Auth API, a route for any signed-in caller, and a
//! guarded subtree.

use auth_core::Auth;
use auth_salvo::{AuthRouterExt, CurrentUser, require_auth};
use salvo::prelude::*;
use serde_json::json;

/// `GET /api/me`: the caller, however they authenticated (401 otherwise).
#[handler]
async fn me(caller: CurrentUser) -> Json<serde_json::Value> {
    Json(json!({ "email": caller.user.email, "via": format!("{:?}", caller.method) }))
}

/// `GET /api/private/hello`: behind the guard (which found the caller already).
#[handler]
async fn hello(caller: CurrentUser) -> Json<serde_json::Value> {
    Json(json!({ "hello": caller.user.name }))
}

/// The app: auth routes, `/api/me`, and `/api/private/*` behind the guard.
pub fn app(auth: Auth) -> Router {
    Router::new()
        .with_auth(&auth)
        .push(Router::with_path("api/me").get(me))
        .push(
            Router::with_path("api/private/hello")
                .hoop(require_auth(&auth))
                .get(hello),
        )
}
