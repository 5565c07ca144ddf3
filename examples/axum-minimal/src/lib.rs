//! The smallest axum app with auth: the Better Auth API, a route for any signed-in caller, and a
//! guarded subtree.

use auth_axum::{AuthRouterExt, CurrentUser, require_auth};
use auth_core::Auth;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

/// `GET /api/me`: the caller, however they authenticated.
async fn me(caller: CurrentUser) -> Json<Value> {
    Json(json!({ "email": caller.user.email, "via": format!("{:?}", caller.method) }))
}

/// `GET /api/private/hello`: behind the guard.
async fn hello(caller: CurrentUser) -> Json<Value> {
    Json(json!({ "hello": caller.user.name }))
}

/// The app: auth routes, `/api/me`, and `/api/private/*` behind the guard.
pub fn app(auth: Auth) -> Router {
    let private = Router::new()
        .route("/api/private/hello", get(hello))
        .route_layer(require_auth(&auth));
    Router::new()
        .route("/api/me", get(me))
        .merge(private)
        .with_auth(&auth)
}
