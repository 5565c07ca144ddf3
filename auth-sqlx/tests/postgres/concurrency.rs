//! Sign-up is atomic and unique under concurrency.

use std::sync::Arc;

use auth_core::config::AuthConfig;
use auth_core::flows::SignUp;
use auth_core::model::{ClientInfo, Email, Password};
use auth_core::token::{JwtIssuer, JwtKey};
use auth_core::{Auth, AuthError};

use crate::common::{count, store};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_sign_ups_of_one_email_leave_one_user_and_one_account() {
    let store = Arc::new(store().await);
    let config = AuthConfig::builder(
        "pg-test-secret-0123456789abcdef0123456",
        "http://localhost:3000",
    )
    .build()
    .expect("config");
    let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer");
    let auth = Auth::builder()
        .config(config)
        .store(Arc::clone(&store))
        .issuer(issuer)
        .default_hasher()
        .build();
    let mut tasks = Vec::new();
    for i in 0..50 {
        let auth = auth.clone();
        tasks.push(tokio::spawn(async move {
            let email = if i % 2 == 0 {
                "race@example.com"
            } else {
                "Race@Example.com"
            };
            let input = SignUp::new(
                format!("racer {i}"),
                Email::parse(email).expect("email"),
                Password::new("correct horse battery"),
            );
            auth.sign_up(input, &ClientInfo::default()).await
        }));
    }
    let (mut won, mut refused) = (0, 0);
    for task in tasks {
        match task.await.expect("join") {
            Ok(_) => won += 1,
            Err(AuthError::UserAlreadyExists) => refused += 1,
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((won, refused), (1, 49));
    assert_eq!(count(store.pool(), "user").await, 1);
    assert_eq!(count(store.pool(), "account").await, 1);
    assert_eq!(count(store.pool(), "session").await, 1);
}
