//! A Rust API behind a Better Auth server (in a Next.js app, say): it signs nobody in, it only
//! verifies the JWTs Better Auth's `jwt()` plugin issues, with the keys of its JWKS.
//!
//! ```sh
//! AUTH_JWKS_URL=http://localhost:3000/api/auth/jwks AUTH_ISSUER=http://localhost:3000 \
//!   cargo run -p auth-example-resource-server
//! curl localhost:4001/api/me -H "authorization: Bearer $JWT"   # from authClient.token()
//! ```
//!
//! | variable | meaning | default |
//! | --- | --- | --- |
//! | `AUTH_JWKS_URL` | Better Auth's JWKS (`<its base URL>/api/auth/jwks`) | required |
//! | `AUTH_ISSUER` | the `iss` its tokens carry (its base URL) | required |
//! | `AUTH_AUDIENCE` | the `aud` they must carry | the issuer |
//! | `PORT`, `HOST` | where this API listens | `4001`, `127.0.0.1` |

use std::net::{IpAddr, SocketAddr};

use auth_axum::{AuthRouterExt, CurrentUser};
use auth_core::Auth;
use auth_core::token::remote::{RemoteJwks, RemoteVerifier};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    if let Err(message) = run().await {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

async fn run() -> Result<(), String> {
    let jwks_url = var("AUTH_JWKS_URL").ok_or(
        "AUTH_JWKS_URL is not set: Better Auth's JWKS, e.g. http://localhost:3000/api/auth/jwks",
    )?;
    let issuer = var("AUTH_ISSUER")
        .ok_or("AUTH_ISSUER is not set: Better Auth's base URL, e.g. http://localhost:3000")?;
    let audience = var("AUTH_AUDIENCE").unwrap_or_else(|| issuer.clone());
    let port: u16 = var("PORT")
        .unwrap_or_else(|| "4001".into())
        .trim()
        .parse()
        .map_err(|_| "PORT is not a port number")?;
    let host: IpAddr = var("HOST")
        .unwrap_or_else(|| "127.0.0.1".into())
        .trim()
        .parse()
        .map_err(|_| "HOST is not an IP address")?;

    let jwks = RemoteJwks::builder(&jwks_url)
        .build()
        .map_err(|e| e.to_string())?;
    // Fetched in the background: a Better Auth that is down now delays nothing but the first
    // tokens (503 until its keys arrive).
    jwks.start();
    let auth = Auth::verify_only(RemoteVerifier::new(jwks, issuer.clone(), audience));
    println!("verifying tokens from {issuer} with the keys at {jwks_url}");

    let app = Router::new().route("/api/me", get(me)).with_auth(&auth);
    let address = SocketAddr::new(host, port);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| format!("cannot listen on {address}: {e}"))?;
    println!("listening on http://{address}");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Me {
    id: String,
    email: String,
    name: String,
    email_verified: bool,
}

/// `GET /api/me`: who the Better Auth token says is calling.
async fn me(caller: CurrentUser) -> Json<Me> {
    let user = &caller.user;
    Json(Me {
        id: user.id.to_string(),
        email: user.email.clone(),
        name: user.name.clone(),
        email_verified: user.email_verified,
    })
}
