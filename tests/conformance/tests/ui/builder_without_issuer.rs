// Building `Auth` without a token issuer must not compile.
use auth_core::config::AuthConfig;
use auth_core::store::MemoryStore;
use auth_core::Auth;

fn main() {
    let config = AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build().unwrap();
    let _auth = Auth::builder().config(config).store(MemoryStore::new()).default_hasher().build();
}
