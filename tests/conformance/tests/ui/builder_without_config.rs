// Building `Auth` without its configuration must not compile.
use auth_core::store::MemoryStore;
use auth_core::token::{JwtIssuer, JwtKey};
use auth_core::Auth;

fn main() {
    let issuer = JwtIssuer::builder("http://localhost:3000", "http://localhost:3000")
        .signing_key(JwtKey::generate_ed25519())
        .build()
        .unwrap();
    let _auth = Auth::builder().store(MemoryStore::new()).default_hasher().issuer(issuer).build();
}
