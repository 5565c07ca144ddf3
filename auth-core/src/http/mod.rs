//! Better Auth's HTTP protocol on `http` types, written once for every framework, and the
//! tower pieces to run it, tower-http style (a layer and its service side by side):
//!
//! | item | what it does |
//! | --- | --- |
//! | [`AuthService`] | the auth API under the base path, a `tower::Service`: same paths, JSON, status codes, error codes, cookies and headers as Better Auth 1.7 |
//! | [`Auth::authenticate`](crate::Auth::authenticate) | who is calling an API route (JWT, bearer session token or cookie): a [`Caller`] |
//! | [`RequireAuthLayer`] / [`OptionalAuthLayer`] | guard a subtree, or identify its callers |
//! | [`CorsLayer`] / [`CorsPolicy`] | CORS for front ends on other origins |
//! | [`InstallLayer`] | the `Auth` for the extractors, and CORS, around a whole app |
//! | [`extract`] | the rules every adapter's extractors and guards follow |
//! | [`ProtocolError`] | every refusal, a flow's included, as an HTTP response |

mod body;
mod caller;
mod cookies;
pub mod cors;
mod csrf;
mod error;
pub mod extract;
pub mod guard;
mod handlers;
mod install;
mod rate_limit;
mod reply;
mod request;
mod router;
mod service;
mod validate;

pub use caller::{AuthMethod, Caller};
pub use cors::{Cors, CorsLayer, CorsPolicy};
pub use error::ProtocolError;
pub use guard::{OptionalAuth, OptionalAuthLayer, RequireAuth, RequireAuthLayer};
pub use install::{Install, InstallLayer};
pub use rate_limit::ClientAddr;
pub use reply::ResponseBody;
pub use service::AuthService;
