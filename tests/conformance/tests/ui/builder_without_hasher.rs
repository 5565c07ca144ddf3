// Building `Auth` without a password hasher must not compile.
use auth_core::config::AuthConfig;
use auth_core::store::MemoryStore;
use auth_core::token::{JwtIssuer, JwtKey};
use auth_core::Auth;

fn main() {
    let config = AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build().unwrap();
    let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).unwrap();
    let _auth = Auth::builder().config(config).store(MemoryStore::new()).issuer(issuer).build();
}
