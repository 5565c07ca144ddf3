//! `cargo run -p auth-example-poem`: in memory, on http://localhost:4002.

use auth_core::{
    Auth,
    config::AuthConfigBuilder,
    store::MemoryStore,
    token::{JwtIssuer, JwtKey},
};
use poem::{Server, listener::TcpListener};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = AuthConfigBuilder::from_lookup(|name| match name {
        "AUTH_SECRET" => Some("dev-only-secret-do-not-use-in-production!".into()),
        "AUTH_BASE_URL" => Some("http://localhost:4002".into()),
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
    println!("listening on http://localhost:4002");
    Server::new(TcpListener::bind("127.0.0.1:4002"))
        .run(auth_example_poem::app(auth))
        .await?;
    Ok(())
}
