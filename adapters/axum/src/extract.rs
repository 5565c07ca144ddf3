//! `CurrentUser`, `MaybeUser` and `Jwt<C>` on axum's `FromRequestParts`.

use std::ops::Deref;

use auth_core::http::{Caller, extract};
use auth_core::token::Claims;
use axum::extract::FromRequestParts;
use http::request::Parts;

use crate::AuthRejection;

/// The authenticated caller: a bearer JWT, a bearer session token or the session cookie.
/// Without valid credentials the request is rejected with 401 and Better Auth's JSON
/// (`UNAUTHORIZED`, or `TOKEN_EXPIRED` / `INVALID_TOKEN` for a bad JWT).
///
/// ```
/// use axum::{Router, routing::get};
/// use auth_axum::{AuthRouterExt, CurrentUser};
///
/// async fn me(user: CurrentUser) -> String {
///     format!("{} ({:?})", user.user.email, user.method)
/// }
///
/// # async fn call(app: &axum::Router, path: &str, bearer: Option<&str>) -> (u16, String) {
/// #     use http_body_util::BodyExt;
/// #     use tower::ServiceExt;
/// #     let mut request = http::Request::get(path);
/// #     if let Some(bearer) = bearer {
/// #         request = request.header("authorization", format!("Bearer {bearer}"));
/// #     }
/// #     let response = app.clone().oneshot(request.body(axum::body::Body::empty()).unwrap()).await.unwrap();
/// #     let status = response.status().as_u16();
/// #     let body = response.into_body().collect().await.unwrap().to_bytes();
/// #     (status, String::from_utf8_lossy(&body).into_owned())
/// # }
/// # async fn sign_up(app: &axum::Router) -> String {
/// #     use tower::ServiceExt;
/// #     let request = http::Request::post("/api/auth/sign-up/email")
/// #         .header("content-type", "application/json")
/// #         .body(axum::body::Body::from(r#"{"name":"Ada","email":"ada@example.com","password":"correct horse battery"}"#))
/// #         .unwrap();
/// #     let response = app.clone().oneshot(request).await.unwrap();
/// #     response.headers()["set-auth-token"].to_str().unwrap().to_owned()
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let config = auth_core::config::AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// # let issuer = auth_core::token::JwtIssuer::for_config(&config, auth_core::token::JwtKey::generate_ed25519())?;
/// # let auth = auth_core::Auth::builder().config(config).store(auth_core::store::MemoryStore::new()).issuer(issuer).default_hasher().build();
/// let app: Router = Router::new().route("/api/me", get(me)).with_auth(&auth);
/// let token = sign_up(&app).await;
/// assert_eq!(call(&app, "/api/me", Some(&token)).await, (200, "ada@example.com (Session)".into()));
/// assert_eq!(call(&app, "/api/me", None).await.0, 401);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Caller);

impl Deref for CurrentUser {
    type Target = Caller;

    fn deref(&self) -> &Caller {
        &self.0
    }
}

/// The caller if the request authenticates, else `None`. Only server faults (a store that is
/// down) reject the request.
///
/// ```
/// use axum::{Router, routing::get};
/// use auth_axum::{AuthRouterExt, MaybeUser};
///
/// async fn home(MaybeUser(caller): MaybeUser) -> String {
///     caller.map_or_else(|| "hello, stranger".into(), |c| format!("hello, {}", c.user.name))
/// }
///
/// # async fn call(app: &axum::Router, path: &str, bearer: Option<&str>) -> (u16, String) {
/// #     use http_body_util::BodyExt;
/// #     use tower::ServiceExt;
/// #     let mut request = http::Request::get(path);
/// #     if let Some(bearer) = bearer {
/// #         request = request.header("authorization", format!("Bearer {bearer}"));
/// #     }
/// #     let response = app.clone().oneshot(request.body(axum::body::Body::empty()).unwrap()).await.unwrap();
/// #     let status = response.status().as_u16();
/// #     let body = response.into_body().collect().await.unwrap().to_bytes();
/// #     (status, String::from_utf8_lossy(&body).into_owned())
/// # }
/// # async fn sign_up(app: &axum::Router) -> String {
/// #     use tower::ServiceExt;
/// #     let request = http::Request::post("/api/auth/sign-up/email")
/// #         .header("content-type", "application/json")
/// #         .body(axum::body::Body::from(r#"{"name":"Ada","email":"ada@example.com","password":"correct horse battery"}"#))
/// #         .unwrap();
/// #     let response = app.clone().oneshot(request).await.unwrap();
/// #     response.headers()["set-auth-token"].to_str().unwrap().to_owned()
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let config = auth_core::config::AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// # let issuer = auth_core::token::JwtIssuer::for_config(&config, auth_core::token::JwtKey::generate_ed25519())?;
/// # let auth = auth_core::Auth::builder().config(config).store(auth_core::store::MemoryStore::new()).issuer(issuer).default_hasher().build();
/// let app: Router = Router::new().route("/", get(home)).with_auth(&auth);
/// let token = sign_up(&app).await;
/// assert_eq!(call(&app, "/", Some(&token)).await, (200, "hello, Ada".into()));
/// assert_eq!(call(&app, "/", None).await, (200, "hello, stranger".into()));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<Caller>);

/// The request's bearer JWT, verified, with its payload deserialised into `C`: for tokens
/// that carry claims of your own (the default is Better Auth's user plus `sid`). 401 with
/// Better Auth's JSON without a valid bearer JWT. `C` must implement
/// `serde::de::DeserializeOwned`: a type that does not is a compile error.
///
/// ```
/// use axum::{Router, routing::get};
/// use auth_axum::{AuthRouterExt, Jwt};
///
/// #[derive(serde::Deserialize)]
/// struct Mine { sub: String, email: String }
///
/// async fn whoami(Jwt(claims): Jwt<Mine>) -> String {
///     format!("{} <{}>", claims.sub.len(), claims.email)
/// }
///
/// # async fn call(app: &axum::Router, path: &str, bearer: Option<&str>) -> (u16, String) {
/// #     use http_body_util::BodyExt;
/// #     use tower::ServiceExt;
/// #     let mut request = http::Request::get(path);
/// #     if let Some(bearer) = bearer {
/// #         request = request.header("authorization", format!("Bearer {bearer}"));
/// #     }
/// #     let response = app.clone().oneshot(request.body(axum::body::Body::empty()).unwrap()).await.unwrap();
/// #     let status = response.status().as_u16();
/// #     let body = response.into_body().collect().await.unwrap().to_bytes();
/// #     (status, String::from_utf8_lossy(&body).into_owned())
/// # }
/// # async fn sign_up(app: &axum::Router) -> String {
/// #     use tower::ServiceExt;
/// #     let request = http::Request::post("/api/auth/sign-up/email")
/// #         .header("content-type", "application/json")
/// #         .body(axum::body::Body::from(r#"{"name":"Ada","email":"ada@example.com","password":"correct horse battery"}"#))
/// #         .unwrap();
/// #     let response = app.clone().oneshot(request).await.unwrap();
/// #     response.headers()["set-auth-token"].to_str().unwrap().to_owned()
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let config = auth_core::config::AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// # let issuer = auth_core::token::JwtIssuer::for_config(&config, auth_core::token::JwtKey::generate_ed25519())?;
/// # let auth = auth_core::Auth::builder().config(config).store(auth_core::store::MemoryStore::new()).issuer(issuer).default_hasher().build();
/// let app: Router = Router::new().route("/api/whoami", get(whoami)).with_auth(&auth);
/// let session = sign_up(&app).await;
/// let (_, token) = call(&app, "/api/auth/token", Some(&session)).await;
/// let jwt = serde_json::from_str::<serde_json::Value>(&token)?["token"].as_str().unwrap_or_default().to_owned();
/// assert_eq!(call(&app, "/api/whoami", Some(&jwt)).await, (200, "32 <ada@example.com>".into()));
/// assert_eq!(call(&app, "/api/whoami", Some(&session)).await.0, 401); // a session token is no JWT
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Jwt<C = Claims>(pub C);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        extract::current_user(&parts.headers, &parts.extensions)
            .await
            .map(CurrentUser)
            .map_err(AuthRejection)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        extract::maybe_user(&parts.headers, &parts.extensions)
            .await
            .map(MaybeUser)
            .map_err(AuthRejection)
    }
}

impl<S, C> FromRequestParts<S> for Jwt<C>
where
    S: Send + Sync,
    C: serde::de::DeserializeOwned + Send,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        extract::jwt_claims(&parts.headers, &parts.extensions)
            .await
            .map(Jwt)
            .map_err(AuthRejection)
    }
}
