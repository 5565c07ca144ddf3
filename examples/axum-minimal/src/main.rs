//! `cargo run -p auth-example-axum`: in memory, on http://localhost:4001.

use auth_core::{
    Auth,
    config::AuthConfigBuilder,
    store::MemoryStore,
    token::{JwtIssuer, JwtKey},
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = AuthConfigBuilder::from_lookup(|name| match name {
        "AUTH_SECRET" => Some("dev-only-secret-do-not-use-in-production!".into()),
        "AUTH_BASE_URL" => Some("http://localhost:4001".into()),
        other => std::env::var(other).ok(),
    })?
    .build()?;
    let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519())?;
    let auth = Auth::builder()
        .config(config)
        .store(MemoryStore::new())
        .default_hasher()
        .issuer(issuer)
        .build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:4001").await?;
    println!("listening on http://localhost:4001");
    // With the socket's address, which the rate limits count by.
    let app = auth_example_axum::app(auth);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .await?;
    Ok(())
}
