//! Better Auth's HTTP protocol on `http` types, written once for every framework.
//!
//! * [`AuthService`] (`auth.service()`): the auth API under the base path, a
//!   `tower::Service<http::Request<B>>`. Same paths, JSON shapes, status codes, error codes,
//!   cookies and headers as Better Auth 1.7, so its client cannot tell the difference.
//! * [`Auth::authenticate`](crate::Auth::authenticate): who is calling an API route (JWT, bearer session token or cookie).
//! * [`RequireAuthLayer`] (`auth.require_auth()`): guards a subtree.
//! * [`CorsLayer`] (`auth.cors_layer()`): CORS for front ends on other origins.
//! * [`error_response`]: the JSON error response, for adapters' rejections.

mod authenticate;
mod body;
pub mod cookies;
pub mod cors;
mod csrf;
mod guard;
mod handlers;
mod rate_limit;
mod reply;
mod request;
mod router;
mod service;
mod validate;

pub use authenticate::{AuthMethod, Authenticated};
pub use cors::{Cors, CorsLayer};
pub use guard::{RequireAuth, RequireAuthFuture, RequireAuthLayer, error_response_as};
pub use rate_limit::ClientAddr;
pub use reply::{ResponseBody, error_response};
pub use service::AuthService;
