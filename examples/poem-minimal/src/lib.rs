//! The smallest poem app with auth: the Better Auth API, a route for any signed-in caller, and a
//! guarded subtree.

use auth_core::Auth;
use auth_poem::{AuthRouterExt, CurrentUser, require_auth};
use poem::web::Json;
use poem::{Endpoint, EndpointExt, Route, get, handler};
use serde_json::{Value, json};

/// `GET /api/me`: the caller, however they authenticated.
#[handler]
fn me(caller: CurrentUser) -> Json<Value> {
    Json(json!({ "email": caller.user.email, "via": format!("{:?}", caller.method) }))
}

/// `GET /api/private/hello`: behind the guard.
#[handler]
fn hello(caller: CurrentUser) -> Json<Value> {
    Json(json!({ "hello": caller.user.name }))
}

/// The app: auth routes, `/api/me`, and `/api/private/*` behind the guard.
pub fn app(auth: Auth) -> impl Endpoint {
    Route::new()
        .at("/api/me", get(me))
        .at("/api/private/hello", get(hello).with(require_auth(&auth)))
        .with_auth(&auth)
}
