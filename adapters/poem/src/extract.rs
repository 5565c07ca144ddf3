//! `CurrentUser`, `MaybeUser` and `Jwt<C>` on poem's `FromRequest`.

use std::ops::Deref;

use auth_core::http::{Caller, extract};
use auth_core::token::Claims;
use poem::{FromRequest, Request, RequestBody};

use crate::convert::error;

/// The authenticated caller: a bearer JWT, a bearer session token or the session cookie.
/// Without valid credentials the request is rejected with 401 and Better Auth's JSON
/// (`UNAUTHORIZED`, or `TOKEN_EXPIRED` / `INVALID_TOKEN` for a bad JWT).
///
/// ```
/// use auth_poem::{AuthRouterExt, CurrentUser};
/// use poem::{Route, get, handler};
///
/// #[handler]
/// fn me(user: CurrentUser) -> String {
///     format!("{} ({:?})", user.user.email, user.method)
/// }
///
/// # async fn call(app: &impl poem::Endpoint, path: &str, bearer: Option<&str>) -> (u16, String) {
/// #     let mut request = poem::Request::builder().uri_str(path);
/// #     if let Some(bearer) = bearer {
/// #         request = request.header("authorization", format!("Bearer {bearer}"));
/// #     }
/// #     let response = app.get_response(request.finish()).await;
/// #     let status = response.status().as_u16();
/// #     (status, response.into_body().into_string().await.unwrap())
/// # }
/// # async fn sign_up(app: &impl poem::Endpoint) -> String {
/// #     let request = poem::Request::builder()
/// #         .method(poem::http::Method::POST)
/// #         .uri_str("/api/auth/sign-up/email")
/// #         .content_type("application/json")
/// #         .body(r#"{"name":"Ada","email":"ada@example.com","password":"correct horse battery"}"#);
/// #     let response = app.get_response(request).await;
/// #     response.headers()["set-auth-token"].to_str().unwrap().to_owned()
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let config = auth_core::config::AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// # let issuer = auth_core::token::JwtIssuer::for_config(&config, auth_core::token::JwtKey::generate_ed25519())?;
/// # let auth = auth_core::Auth::builder().config(config).store(auth_core::store::MemoryStore::new()).issuer(issuer).default_hasher().build();
/// let app = Route::new().at("/api/me", get(me)).with_auth(&auth);
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
/// use auth_poem::{AuthRouterExt, MaybeUser};
/// use poem::{Route, get, handler};
///
/// #[handler]
/// fn home(MaybeUser(caller): MaybeUser) -> String {
///     caller.map_or_else(|| "hello, stranger".into(), |c| format!("hello, {}", c.user.name))
/// }
///
/// # async fn call(app: &impl poem::Endpoint, path: &str, bearer: Option<&str>) -> (u16, String) {
/// #     let mut request = poem::Request::builder().uri_str(path);
/// #     if let Some(bearer) = bearer {
/// #         request = request.header("authorization", format!("Bearer {bearer}"));
/// #     }
/// #     let response = app.get_response(request.finish()).await;
/// #     let status = response.status().as_u16();
/// #     (status, response.into_body().into_string().await.unwrap())
/// # }
/// # async fn sign_up(app: &impl poem::Endpoint) -> String {
/// #     let request = poem::Request::builder()
/// #         .method(poem::http::Method::POST)
/// #         .uri_str("/api/auth/sign-up/email")
/// #         .content_type("application/json")
/// #         .body(r#"{"name":"Ada","email":"ada@example.com","password":"correct horse battery"}"#);
/// #     let response = app.get_response(request).await;
/// #     response.headers()["set-auth-token"].to_str().unwrap().to_owned()
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let config = auth_core::config::AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// # let issuer = auth_core::token::JwtIssuer::for_config(&config, auth_core::token::JwtKey::generate_ed25519())?;
/// # let auth = auth_core::Auth::builder().config(config).store(auth_core::store::MemoryStore::new()).issuer(issuer).default_hasher().build();
/// let app = Route::new().at("/", get(home)).with_auth(&auth);
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
/// Better Auth's JSON without a valid bearer JWT.
///
/// ```
/// use auth_poem::{AuthRouterExt, Jwt};
/// use poem::{Route, get, handler};
///
/// #[derive(serde::Deserialize)]
/// struct Mine { email: String }
///
/// #[handler]
/// fn whoami(Jwt(claims): Jwt<Mine>) -> String {
///     claims.email
/// }
///
/// # async fn call(app: &impl poem::Endpoint, path: &str, bearer: Option<&str>) -> (u16, String) {
/// #     let mut request = poem::Request::builder().uri_str(path);
/// #     if let Some(bearer) = bearer {
/// #         request = request.header("authorization", format!("Bearer {bearer}"));
/// #     }
/// #     let response = app.get_response(request.finish()).await;
/// #     let status = response.status().as_u16();
/// #     (status, response.into_body().into_string().await.unwrap())
/// # }
/// # async fn sign_up(app: &impl poem::Endpoint) -> String {
/// #     let request = poem::Request::builder()
/// #         .method(poem::http::Method::POST)
/// #         .uri_str("/api/auth/sign-up/email")
/// #         .content_type("application/json")
/// #         .body(r#"{"name":"Ada","email":"ada@example.com","password":"correct horse battery"}"#);
/// #     let response = app.get_response(request).await;
/// #     response.headers()["set-auth-token"].to_str().unwrap().to_owned()
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let config = auth_core::config::AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// # let issuer = auth_core::token::JwtIssuer::for_config(&config, auth_core::token::JwtKey::generate_ed25519())?;
/// # let auth = auth_core::Auth::builder().config(config).store(auth_core::store::MemoryStore::new()).issuer(issuer).default_hasher().build();
/// let app = Route::new().at("/api/whoami", get(whoami)).with_auth(&auth);
/// let session = sign_up(&app).await;
/// let (_, token) = call(&app, "/api/auth/token", Some(&session)).await;
/// let jwt = serde_json::from_str::<serde_json::Value>(&token)?["token"].as_str().unwrap_or_default().to_owned();
/// assert_eq!(call(&app, "/api/whoami", Some(&jwt)).await, (200, "ada@example.com".into()));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Jwt<C = Claims>(pub C);

impl<'a> FromRequest<'a> for CurrentUser {
    async fn from_request(request: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        extract::current_user(request.headers(), request.extensions())
            .await
            .map(CurrentUser)
            .map_err(error)
    }
}

impl<'a> FromRequest<'a> for MaybeUser {
    async fn from_request(request: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        extract::maybe_user(request.headers(), request.extensions())
            .await
            .map(MaybeUser)
            .map_err(error)
    }
}

impl<'a, C> FromRequest<'a> for Jwt<C>
where
    C: serde::de::DeserializeOwned + Send,
{
    async fn from_request(request: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        extract::jwt_claims(request.headers(), request.extensions())
            .await
            .map(Jwt)
            .map_err(error)
    }
}
