//! Shared set-up for the benchmarks (not published): realistic 30-day tokens for each algorithm.

use std::time::Duration;

pub mod floor;

use auth_core::model::{SessionId, Timestamp, User, UserId};
use auth_core::token::{Claims, JwtIssuer, JwtKey, TokenIssuer};

/// The issuer and audience of every benchmark token.
pub const ORIGIN: &str = "https://auth.example.com";

/// Test-only keys (the same throwaway fixtures as auth-core's tests).
pub const RSA_PEM: &str = include_str!("../../auth-core/tests/fixtures/rsa-2048.pem");
/// The RSA public key.
pub const RSA_PUB_PEM: &str = include_str!("../../auth-core/tests/fixtures/rsa-2048.pub.pem");
/// A P-256 private key.
pub const P256_PEM: &str = include_str!("../../auth-core/tests/fixtures/p256.pem");
/// The HS256 secret.
pub const HS_SECRET: &[u8] = b"bench-hs256-secret-0123456789abcdef0123";

/// A user shaped like a real one.
pub fn user() -> User {
    let mut user = User::new(
        UserId::new("AbY9znP3LstAPbPWXx5CRVAbXIpmENOQ"),
        "Ada Lovelace",
        "ada.lovelace@example.com",
        Timestamp::now(),
    );
    user.image = Some("https://images.example.com/u/ada.png".into());
    user
}

/// Better Auth's claims plus `sid`, valid for 30 days from now.
pub fn claims() -> Claims {
    let now = Timestamp::now();
    Claims::new(
        &user(),
        &SessionId::new("bxHA46mrIzRQZzJDsCHQcL2sSa2rzHp9"),
        now,
        now + Duration::from_secs(30 * 86_400),
        ORIGIN,
        ORIGIN,
    )
}

/// An issuer signing with `key` (and, if asked, caching verified tokens).
pub fn issuer(key: JwtKey, cache: usize) -> JwtIssuer {
    JwtIssuer::builder(ORIGIN, ORIGIN)
        .signing_key(key)
        .verified_token_cache(cache)
        .build()
        .unwrap_or_else(|e| panic!("bench issuer: {e}"))
}

/// The four algorithms' keys, named.
pub fn keys() -> Vec<(&'static str, JwtKey)> {
    let key = |k: Result<JwtKey, _>| {
        k.unwrap_or_else(|e: auth_core::token::KeyError| panic!("bench key: {e}"))
    };
    vec![
        ("HS256", key(JwtKey::hs256("hs", HS_SECRET))),
        ("EdDSA", JwtKey::generate_ed25519()),
        ("ES256", key(JwtKey::es256_pem("ec", P256_PEM))),
        ("RS256", key(JwtKey::rs256_pem("rsa", RSA_PEM))),
    ]
}

/// A signed token for `issuer`.
pub fn token(issuer: &JwtIssuer) -> String {
    issuer
        .sign(&claims())
        .unwrap_or_else(|e| panic!("bench token: {e}"))
        .into_string()
}

/// An `Auth` on MemoryStore signing HS256, with the default configuration but for the
/// revocation check `check`, and with the verified-token cache at its default size if
/// `verified_cache` (else off, so that every call pays the full verification).
pub fn auth(check: auth_core::config::RevocationCheck, verified_cache: bool) -> auth_core::Auth {
    let config =
        auth_core::config::AuthConfig::builder("bench-secret-0123456789abcdef0123456789", ORIGIN)
            .revocation_check(check)
            .build()
            .unwrap_or_else(|e| panic!("bench config: {e}"));
    let key = JwtKey::hs256("hs", HS_SECRET).unwrap_or_else(|e| panic!("bench key: {e}"));
    let cache = if verified_cache {
        config.verified_token_cache()
    } else {
        0
    };
    auth_core::Auth::builder()
        .config(config)
        .store(auth_core::store::MemoryStore::new())
        .default_hasher()
        .issuer(issuer(key, cache))
        .build()
}

/// The password of [`signed_in`]'s user.
pub const PASSWORD: &str = "correct horse battery";

/// Signs up `ada@example.com`: her JWT and her session token.
pub async fn signed_in(auth: &auth_core::Auth) -> (String, String) {
    use auth_core::flows::SignUp;
    use auth_core::model::{ClientInfo, Email, Password};
    let email = Email::parse("ada@example.com").unwrap_or_else(|e| panic!("email: {e}"));
    let signed = auth
        .sign_up(
            SignUp::new("Ada", email, Password::new(PASSWORD)),
            &ClientInfo::default(),
        )
        .await
        .unwrap_or_else(|e| panic!("sign-up: {e}"))
        .signed_in()
        .unwrap_or_else(|| panic!("signed in: no verification required"));
    let current = auth
        .get_session(&signed.session.token, false)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("the new session"))
        .current;
    let jwt = auth
        .issue_token(&current)
        .unwrap_or_else(|e| panic!("jwt: {e}"));
    (jwt.into_string(), signed.session.token.expose().to_owned())
}

/// A multi-threaded runtime for the async benchmarks.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"))
}
