//! [`InstallLayer`]: what a tower-based app puts around everything: the `Auth` in every
//! request's extensions, for the extractors, and the configuration's CORS.

use std::task::{Context, Poll};

use http::Request;

use super::cors::{Cors, CorsLayer};
use super::extract;
use crate::Auth;

/// Installs `Auth` in an app: every request gets the `Auth` in its extensions (where the
/// adapters' extractors look for it), and the whole app gets the [`CorsLayer`] of its
/// configuration. auth-axum's `install` is this layer.
///
/// ```
/// use auth_core::http::{InstallLayer, extract};
/// use tower::{ServiceBuilder, ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let config = auth_core::config::AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// # let issuer = auth_core::token::JwtIssuer::for_config(&config, auth_core::token::JwtKey::generate_ed25519())?;
/// # let auth = auth_core::Auth::builder().config(config).store(auth_core::store::MemoryStore::new()).issuer(issuer).default_hasher().build();
/// let app = ServiceBuilder::new()
///     .layer(InstallLayer::new(&auth))
///     .service(service_fn(|request: http::Request<()>| async move {
///         // The extractors' rules find the installed `Auth`: no credentials, no caller.
///         let caller = extract::current_user(request.headers(), request.extensions()).await;
///         let code = caller.err().map_or("", |error| error.code());
///         Ok::<_, std::convert::Infallible>(http::Response::new(code.to_owned()))
///     }));
/// let response = app.oneshot(http::Request::get("/api/me").body(())?).await?;
/// assert_eq!(response.body(), "UNAUTHORIZED");
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct InstallLayer {
    auth: Auth,
    cors: CorsLayer,
}

impl InstallLayer {
    /// The layer for `auth`.
    pub fn new(auth: &Auth) -> Self {
        Self {
            auth: auth.clone(),
            cors: CorsLayer::new(auth.config()),
        }
    }
}

impl<S> tower::Layer<S> for InstallLayer {
    type Service = Cors<Install<S>>;

    fn layer(&self, inner: S) -> Self::Service {
        let install = Install {
            inner,
            auth: self.auth.clone(),
        };
        tower::Layer::layer(&self.cors, install)
    }
}

/// The inner service of [`InstallLayer`]: puts the `Auth` into each request's extensions.
#[derive(Clone, Debug)]
pub struct Install<S> {
    inner: S,
    auth: Auth,
}

impl<S, B> tower::Service<Request<B>> for Install<S>
where
    S: tower::Service<Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> S::Future {
        extract::install(&self.auth, request.extensions_mut());
        self.inner.call(request)
    }
}
