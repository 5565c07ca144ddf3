//! The bundled example server: Better Auth's API under `/api/auth`, a protected `GET /api/me`,
//! per-user notes under `/api/notes` that show the extractors and the guard, and one handler
//! served both open (`/api/hello`) and guarded (`/api/private/hello`).
//!
//! ```sh
//! cargo run -p auth-example-server            # SQLite in ./data, a generated dev secret
//! DATABASE_URL=postgres://… cargo run -p auth-example-server
//! ```

mod api_error;
mod notes;
mod providers;
mod settings;

use std::net::SocketAddr;
use std::sync::Arc;

use auth_axum::{AuthRouterExt, CurrentUser, require_auth};
use auth_core::Auth;
use auth_core::config::AuthConfigBuilder;
use auth_core::http::AuthMethod;
use auth_core::mail::smtp::SmtpMailer;
use auth_core::mail::{ConsoleMailer, DefaultTemplates};
use auth_core::model::{SessionId, User};
use auth_core::store::UserStore;
use auth_sqlx::{PgStore, SqliteStore, StoreOptions};
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::Serialize;

use crate::settings::Settings;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    if let Err(message) = run().await {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    // A `.env` in the working folder fills in what the environment leaves unset.
    let dotenv = std::path::Path::new(".env");
    if dotenv.is_file() {
        dotenvy::from_path(dotenv).map_err(|e| format!(".env: {e}"))?;
        println!("settings: read .env");
    }
    let settings = Settings::load()?;
    let config = AuthConfigBuilder::from_lookup(|name| settings.lookup(name))
        .and_then(AuthConfigBuilder::build)
        .map_err(|e| e.to_string())?;
    let (store, issuer): (Arc<dyn UserStore>, _) = match &settings.database_url {
        Some(url) => {
            let mut store = PgStore::connect(url, StoreOptions::default())
                .await
                .map_err(|e| format!("PostgreSQL: {e}"))?;
            if let Some(listen) = &settings.database_listen_url {
                store = store
                    .listen_on(listen)
                    .map_err(|e| format!("DATABASE_LISTEN_URL: {e}"))?;
            }
            store
                .migrate()
                .await
                .map_err(|e| format!("migrations: {e}"))?;
            println!("database: PostgreSQL (DATABASE_URL), migrations applied");
            let issuer = store
                .jwt_issuer(&config)
                .await
                .map_err(|e| format!("signing keys: {e}"))?;
            (Arc::new(store), issuer)
        }
        None => {
            std::fs::create_dir_all(&settings.data_dir)
                .map_err(|e| format!("cannot create {}: {e}", settings.data_dir.display()))?;
            let path = settings.data_dir.join("auth.db");
            let store = SqliteStore::open(&path, StoreOptions::default())
                .await
                .map_err(|e| format!("SQLite at {}: {e}", path.display()))?;
            store
                .migrate()
                .await
                .map_err(|e| format!("migrations: {e}"))?;
            println!(
                "database: SQLite at {} (set DATABASE_URL to use PostgreSQL)",
                path.display()
            );
            let issuer = store
                .jwt_issuer(&config)
                .await
                .map_err(|e| format!("signing keys: {e}"))?;
            (Arc::new(store), issuer)
        }
    };
    let providers = providers::from_env(&settings).await?;
    let builder = Auth::builder()
        .config(config)
        .store(store)
        .issuer(issuer)
        .default_hasher()
        .social_providers(providers)
        .mail_templates(DefaultTemplates::new(settings.app_name.clone()));
    let auth = match &settings.smtp_url {
        Some(url) => {
            let mut mailer = SmtpMailer::builder(url, &settings.mail_from);
            if let Some(path) = &settings.smtp_ca_file {
                let pem = std::fs::read(path)
                    .map_err(|e| format!("SMTP_CA_FILE {}: {e}", path.display()))?;
                mailer = mailer.root_certificate(pem);
            }
            let mailer = mailer
                .build()
                .map_err(|e| format!("SMTP_URL: {}", Chain(&e)))?;
            println!(
                "mail: SMTP at {} (SMTP_URL), from {}",
                mailer.host(),
                settings.mail_from
            );
            builder.mailer(mailer).build()
        }
        // A link printed on the console acts for its user: fine on a laptop, never in
        // production, where the flows that mail stay off until SMTP_URL is set.
        None if settings.production => {
            println!("mail: off (no SMTP_URL): verification and password reset are unavailable");
            builder.build()
        }
        None => {
            println!("mail: no SMTP_URL, so each mail's link is printed here instead");
            builder.mailer(ConsoleMailer::new()).build()
        }
    };
    let worker = auth
        .mail_worker()
        .map(|worker| worker.max_backoff(settings.mail_retry_max).spawn());
    // Other instances' sign-outs and changes reach this one's caches (PostgreSQL only).
    let invalidations = auth
        .invalidation_listener()
        .map(auth_core::invalidation::InvalidationListener::spawn);
    let app = app(auth.clone());

    let address = SocketAddr::new(settings.host, settings.port);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| format!("cannot listen on {address}: {e}"))?;
    println!(
        "listening on http://localhost:{} (auth API under {})",
        settings.port,
        auth.config().base_path()
    );
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| e.to_string())?;
    if let Some(worker) = worker {
        // Mail still queued stays in the database for the next start (or another instance).
        worker.shutdown().await;
    }
    if let Some(listener) = invalidations {
        listener.abort();
    }
    println!("stopped");
    Ok(())
}

/// An error and its causes, `a: b: c`.
struct Chain<'a>(&'a (dyn std::error::Error + 'static));

impl std::fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

/// The whole app: auth routes, `/api/me`, the notes, the hello pair, JSON errors for everything
/// else.
fn app(auth: Auth) -> Router {
    let ids: Vec<String> = auth.social_provider_ids().map(str::to_owned).collect();
    let health_auth = auth.clone();
    let notes = Router::new()
        .route("/api/notes", get(notes::list).post(notes::create))
        .route("/api/notes/{id}", delete(notes::remove))
        .route_layer(require_auth(&auth))
        .with_state(notes::Notes::default());
    // The same handler open and behind the guard: what guarding a route costs, and the pair
    // the load benchmark compares.
    let private = Router::new()
        .route("/api/private/hello", get(hello))
        .route_layer(require_auth(&auth));
    Router::new()
        .route("/api/me", get(me))
        .route("/api/providers", get(move || providers_list(ids.clone())))
        .route("/api/health", get(move || health(health_auth.clone())))
        .route("/api/hello", get(hello))
        .merge(private)
        .merge(notes)
        .fallback(api_error::not_found)
        .method_not_allowed_fallback(api_error::method_not_allowed)
        .layer(DefaultBodyLimit::max(64 * 1024))
        .with_auth(&auth)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Me {
    user: User,
    session_id: Option<SessionId>,
    method: &'static str,
}

#[derive(Serialize)]
struct Hello {
    hello: &'static str,
}

/// `GET /api/hello` (open) and `GET /api/private/hello` (guarded).
async fn hello() -> Json<Hello> {
    Json(Hello { hello: "world" })
}

#[derive(Serialize)]
struct Health {
    invalidations: &'static str,
}

/// `GET /api/health`: whether other instances' sign-outs reach this one at once
/// (`"connected"`), only within the caches' TTL (`"disconnected"`: the listener is
/// reconnecting), or need not (`"none"`: SQLite, one process).
async fn health(auth: Auth) -> Json<Health> {
    let invalidations = if auth.invalidation_listener().is_none() {
        "none"
    } else if auth.invalidations_connected() {
        "connected"
    } else {
        "disconnected"
    };
    Json(Health { invalidations })
}

#[derive(Serialize)]
struct Providers {
    providers: Vec<String>,
}

/// `GET /api/providers`: the social providers configured, for the front end's buttons.
async fn providers_list(providers: Vec<String>) -> Json<Providers> {
    Json(Providers { providers })
}

/// `GET /api/me`: who is calling, and how they proved it.
async fn me(caller: CurrentUser) -> Json<Me> {
    let CurrentUser(caller) = caller;
    let method = match caller.method {
        AuthMethod::Jwt => "jwt",
        AuthMethod::Session => "session",
        _ => "other",
    };
    Json(Me {
        user: caller.user,
        session_id: caller.session_id,
        method,
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    println!("shutting down: finishing requests in flight");
}
