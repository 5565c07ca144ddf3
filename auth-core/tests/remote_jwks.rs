//! The remote key source against a JWKS server this test controls (a real HTTP server on
//! loopback): tokens accepted and refused, and the faults — down at start-up, down after the
//! first fetch, a hanging fetch, a flood of unknown `kid`s, bad keys next to a good one,
//! rotation, `Cache-Control`, oversized bodies and redirects.
#![cfg(feature = "remote-jwks")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use auth_core::model::{SessionId, Timestamp, User, UserId};
use auth_core::token::remote::{RemoteJwks, RemoteVerifier};
use auth_core::token::{Claims, JwtIssuer, JwtKey, TokenError, TokenIssuer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::{Mutex, Notify};

const ISSUER: &str = "http://127.0.0.1:3000";

/// What the JWKS server answers next.
#[derive(Clone)]
struct Answer {
    status: u16,
    body: String,
    headers: Vec<(String, String)>,
}

impl Answer {
    fn keys(jwks: &str) -> Self {
        Self {
            status: 200,
            body: jwks.to_owned(),
            headers: vec![("content-type".into(), "application/json".into())],
        }
    }
}

/// A JWKS server: answers every GET with the current `Answer`, counts requests, and can hold
/// its answers until released.
struct JwksServer {
    port: u16,
    answer: Arc<Mutex<Answer>>,
    requests: Arc<AtomicUsize>,
    hold: Arc<Mutex<Option<Arc<Notify>>>>,
}

impl JwksServer {
    async fn start(answer: Answer) -> Self {
        Self::start_on(
            TcpListener::bind("127.0.0.1:0").await.expect("bind"),
            answer,
        )
    }

    fn start_on(listener: TcpListener, answer: Answer) -> Self {
        let port = listener.local_addr().expect("addr").port();
        let server = Self {
            port,
            answer: Arc::new(Mutex::new(answer)),
            requests: Arc::new(AtomicUsize::new(0)),
            hold: Arc::new(Mutex::new(None)),
        };
        let (answer, requests, hold) = (
            Arc::clone(&server.answer),
            Arc::clone(&server.requests),
            Arc::clone(&server.hold),
        );
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let (answer, requests, hold) = (
                    Arc::clone(&answer),
                    Arc::clone(&requests),
                    Arc::clone(&hold),
                );
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    requests.fetch_add(1, Ordering::SeqCst);
                    let gate = hold.lock().await.clone();
                    if let Some(gate) = gate {
                        gate.notified().await;
                    }
                    let answer = answer.lock().await.clone();
                    let mut response = format!(
                        "HTTP/1.1 {} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                        answer.status,
                        answer.body.len()
                    );
                    for (name, value) in &answer.headers {
                        response.push_str(&format!("{name}: {value}\r\n"));
                    }
                    response.push_str("\r\n");
                    response.push_str(&answer.body);
                    let _ = socket.write_all(response.as_bytes()).await;
                });
            }
        });
        server
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/api/auth/jwks", self.port)
    }

    async fn answer(&self, answer: Answer) {
        *self.answer.lock().await = answer;
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

fn key(kid: &str, seed: u8) -> JwtKey {
    JwtKey::ed25519_from_seed(kid, &[seed; 32]).expect("key")
}

fn key_set(keys: &[&JwtKey]) -> String {
    let keys: Vec<_> = keys
        .iter()
        .map(|k| k.public_jwk().expect("public"))
        .collect();
    serde_json::json!({ "keys": keys }).to_string()
}

fn issuer(key: JwtKey, iss: &str, aud: &str) -> JwtIssuer {
    JwtIssuer::builder(iss, aud)
        .signing_key(key)
        .build()
        .expect("issuer")
}

fn token_from(issuer: &JwtIssuer, lifetime: Duration) -> String {
    let now = Timestamp::now();
    let user = User::new(UserId::generate(), "Ada", "ada@example.com", now);
    let claims = Claims::new(
        &user,
        &SessionId::generate(),
        now,
        now + lifetime,
        issuer.issuer(),
        issuer.audience(),
    );
    issuer.sign(&claims).expect("sign").expose().to_owned()
}

fn verifier(jwks: RemoteJwks) -> RemoteVerifier {
    RemoteVerifier::new(jwks, ISSUER, ISSUER)
}

const HOUR: Duration = Duration::from_secs(3600);

#[tokio::test]
async fn tokens_are_checked_against_the_remote_keys() {
    let (good, other) = (key("k1", 1), key("k2", 2));
    let server = JwksServer::start(Answer::keys(&key_set(&[&good]))).await;
    let verifier = verifier(RemoteJwks::builder(server.url()).build().expect("jwks"));
    let signer = issuer(good.clone(), ISSUER, ISSUER);
    let now = Timestamp::now();

    let token = token_from(&signer, HOUR);
    let claims = verifier.verify(&token, now).await.expect("valid");
    assert_eq!(claims.email, "ada@example.com");

    // One character of the payload changed: still base64, no longer what was signed.
    let at = token.find('.').expect("dot") + 5;
    let swapped = if &token[at..=at] == "A" { "B" } else { "A" };
    let tampered = format!("{}{swapped}{}", &token[..at], &token[at + 1..]);
    let cases = [
        ("tampered", tampered, TokenError::BadSignature),
        (
            "expired",
            token_from(&signer, Duration::ZERO),
            TokenError::Expired,
        ),
        (
            "wrong issuer",
            token_from(&issuer(good.clone(), "http://evil.example", ISSUER), HOUR),
            TokenError::WrongIssuer,
        ),
        (
            "wrong audience",
            token_from(&issuer(good.clone(), ISSUER, "http://other.example"), HOUR),
            TokenError::WrongAudience,
        ),
        (
            "a key the set does not publish",
            token_from(&issuer(other, ISSUER, ISSUER), HOUR),
            TokenError::UnknownKey,
        ),
    ];
    for (name, token, expected) in cases {
        assert_eq!(
            verifier.verify(&token, now).await.err(),
            Some(expected),
            "{name}"
        );
    }
}

#[tokio::test]
async fn down_at_start_up_is_unavailable_not_invalid_and_recovers() {
    let good = key("k1", 1);
    // A port nothing listens on yet.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let jwks = RemoteJwks::builder(format!("http://127.0.0.1:{port}/api/auth/jwks"))
        .max_backoff(Duration::from_millis(200))
        .build()
        .expect("jwks");
    jwks.start();
    let verifier = verifier(jwks.clone());
    let token = token_from(&issuer(good.clone(), ISSUER, ISSUER), HOUR);
    assert_eq!(
        verifier.verify(&token, Timestamp::now()).await.err(),
        Some(TokenError::KeysUnavailable)
    );
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("the same port");
    let _server = JwksServer::start_on(listener, Answer::keys(&key_set(&[&good])));
    for _ in 0..100 {
        if verifier.verify(&token, Timestamp::now()).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the key source never recovered");
}

#[tokio::test]
async fn down_after_the_first_fetch_known_keys_work_until_the_ceiling() {
    let good = key("k1", 1);
    let server = JwksServer::start(Answer::keys(&key_set(&[&good]))).await;
    let jwks = RemoteJwks::builder(server.url())
        .stale_ceiling(Duration::from_millis(1500))
        .build()
        .expect("jwks");
    let verifier = verifier(jwks);
    let token = token_from(&issuer(good, ISSUER, ISSUER), HOUR);
    verifier
        .verify(&token, Timestamp::now())
        .await
        .expect("fetched and valid");
    server
        .answer(Answer {
            status: 500,
            body: "down".into(),
            headers: vec![],
        })
        .await;
    verifier
        .verify(&token, Timestamp::now())
        .await
        .expect("still valid with the keys fetched before");
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assert_eq!(
        verifier.verify(&token, Timestamp::now()).await.err(),
        Some(TokenError::KeysUnavailable),
        "past the ceiling, stale keys are not trusted"
    );
}

#[tokio::test]
async fn a_hanging_fetch_does_not_hold_up_known_keys() {
    let (good, rotated) = (key("k1", 1), key("k2", 2));
    let server = JwksServer::start(Answer::keys(&key_set(&[&good]))).await;
    let jwks = RemoteJwks::builder(server.url())
        .cooldown(Duration::ZERO, Duration::ZERO)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("jwks");
    let verifier = verifier(jwks);
    let known = token_from(&issuer(good.clone(), ISSUER, ISSUER), HOUR);
    verifier
        .verify(&known, Timestamp::now())
        .await
        .expect("fetched");
    // The next fetch hangs until released.
    let release = Arc::new(Notify::new());
    *server.hold.lock().await = Some(Arc::clone(&release));
    server
        .answer(Answer::keys(&key_set(&[&good, &rotated])))
        .await;
    let new = token_from(&issuer(rotated, ISSUER, ISSUER), HOUR);
    let waiting = {
        let verifier = verifier.clone();
        tokio::spawn(async move { verifier.verify(&new, Timestamp::now()).await })
    };
    while server.requests() < 2 {
        tokio::task::yield_now().await;
    }
    // The fetch is in flight; a known key verifies without waiting for it.
    tokio::time::timeout(
        Duration::from_secs(5),
        verifier.verify(&known, Timestamp::now()),
    )
    .await
    .expect("a known key must not wait for the fetch in flight")
    .expect("known key");
    assert!(
        !waiting.is_finished(),
        "the unknown kid waits for its fetch"
    );
    release.notify_waiters();
    waiting
        .await
        .expect("join")
        .expect("the new key, once fetched");
}

#[tokio::test]
async fn a_flood_of_unknown_kids_fetches_at_most_once_per_cooldown() {
    let good = key("k1", 1);
    let server = JwksServer::start(Answer::keys(&key_set(&[&good]))).await;
    let verifier = verifier(RemoteJwks::builder(server.url()).build().expect("jwks"));
    let known = token_from(&issuer(good, ISSUER, ISSUER), HOUR);
    verifier
        .verify(&known, Timestamp::now())
        .await
        .expect("fetched");
    assert_eq!(server.requests(), 1);
    let mut flood = Vec::new();
    for n in 0..200u8 {
        let forged = token_from(
            &issuer(key(&format!("made-up-{n}"), n), ISSUER, ISSUER),
            HOUR,
        );
        let verifier = verifier.clone();
        flood.push(tokio::spawn(async move {
            verifier.verify(&forged, Timestamp::now()).await
        }));
    }
    for task in flood {
        assert_eq!(
            task.await.expect("join").err(),
            Some(TokenError::UnknownKey)
        );
    }
    assert_eq!(
        server.requests(),
        1,
        "inside the cooldown of the first fetch, no unknown kid fetches"
    );
    assert_eq!(verifier.jwks().fetch_count(), 1);
}

#[tokio::test]
async fn unknown_kids_after_the_cooldown_share_one_fetch_then_are_remembered() {
    let good = key("k1", 1);
    let server = JwksServer::start(Answer::keys(&key_set(&[&good]))).await;
    let jwks = RemoteJwks::builder(server.url())
        .cooldown(Duration::from_millis(200), Duration::from_secs(60))
        .build()
        .expect("jwks");
    let verifier = verifier(jwks);
    let made_up = token_from(&issuer(key("made-up", 9), ISSUER, ISSUER), HOUR);
    let mut concurrent = Vec::new();
    for _ in 0..50 {
        let (verifier, token) = (verifier.clone(), made_up.clone());
        concurrent.push(tokio::spawn(async move {
            verifier.verify(&token, Timestamp::now()).await
        }));
    }
    for task in concurrent {
        assert_eq!(
            task.await.expect("join").err(),
            Some(TokenError::UnknownKey)
        );
    }
    assert_eq!(server.requests(), 1, "single flight");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        verifier.verify(&made_up, Timestamp::now()).await.err(),
        Some(TokenError::UnknownKey)
    );
    assert_eq!(
        server.requests(),
        1,
        "a kid found unknown is not fetched for again"
    );
}

#[tokio::test]
async fn bad_keys_next_to_a_good_one_and_rotation() {
    let (good, rotated) = (key("k1", 1), key("k2", 2));
    let good_jwk = serde_json::to_value(good.public_jwk().expect("public")).expect("json");
    let body = serde_json::json!({"keys": [
        {"kty": "OKP", "crv": "Ed448", "x": "AAAA", "kid": "ed448"},
        {"kty": "RSA", "n": "AQAB", "e": "AQAB", "kid": "tiny-rsa", "alg": "RS256"},
        {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
        "garbage",
        good_jwk,
    ]});
    let server = JwksServer::start(Answer::keys(&body.to_string())).await;
    let jwks = RemoteJwks::builder(server.url())
        .cooldown(Duration::from_millis(100), Duration::ZERO)
        .build()
        .expect("jwks");
    let verifier = verifier(jwks);
    let old = token_from(&issuer(good.clone(), ISSUER, ISSUER), HOUR);
    verifier
        .verify(&old, Timestamp::now())
        .await
        .expect("the good key works");

    // The issuer rotates: it publishes the new key next to the old one.
    server
        .answer(Answer::keys(&key_set(&[&rotated, &good])))
        .await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    let new = token_from(&issuer(rotated, ISSUER, ISSUER), HOUR);
    verifier
        .verify(&new, Timestamp::now())
        .await
        .expect("the new key, refetched");
    verifier
        .verify(&old, Timestamp::now())
        .await
        .expect("the old key, still published");
}

#[tokio::test]
async fn cache_control_max_age_sets_when_the_background_refetches() {
    let good = key("k1", 1);
    let mut answer = Answer::keys(&key_set(&[&good]));
    answer
        .headers
        .push(("cache-control".into(), "public, max-age=1".into()));
    let server = JwksServer::start(answer).await;
    let jwks = RemoteJwks::builder(server.url())
        .ttl(
            Duration::from_secs(600),
            Duration::from_millis(500),
            Duration::from_secs(3600),
        )
        .build()
        .expect("jwks");
    jwks.start();
    for _ in 0..100 {
        if server.requests() >= 3 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "refetched {} times in 5 s with max-age=1",
        server.requests()
    );
}

#[tokio::test]
async fn oversized_bodies_and_redirects_are_refused() {
    let good = key("k1", 1);
    let token = token_from(&issuer(good.clone(), ISSUER, ISSUER), HOUR);
    let huge = Answer::keys(&format!(
        r#"{{"keys":[{}],"padding":"{}"}}"#,
        serde_json::to_string(good.public_jwk().expect("public")).expect("json"),
        "x".repeat(300 * 1024)
    ));
    let redirect = Answer {
        status: 302,
        body: String::new(),
        headers: vec![("location".into(), "http://127.0.0.1:1/jwks".into())],
    };
    for answer in [huge, redirect] {
        let server = JwksServer::start(answer).await;
        let verifier = verifier(RemoteJwks::builder(server.url()).build().expect("jwks"));
        assert_eq!(
            verifier.verify(&token, Timestamp::now()).await.err(),
            Some(TokenError::KeysUnavailable)
        );
    }
}

#[tokio::test]
async fn a_client_retrying_a_new_kid_inside_the_cooldown_is_not_locked_out() {
    let (good, rotated) = (key("k1", 1), key("k2", 2));
    let server = JwksServer::start(Answer::keys(&key_set(&[&good]))).await;
    let jwks = RemoteJwks::builder(server.url())
        .cooldown(Duration::from_millis(300), Duration::from_millis(300))
        .build()
        .expect("jwks");
    let verifier = verifier(jwks);
    let known = token_from(&issuer(good.clone(), ISSUER, ISSUER), HOUR);
    verifier
        .verify(&known, Timestamp::now())
        .await
        .expect("fetched");
    server
        .answer(Answer::keys(&key_set(&[&rotated, &good])))
        .await;
    let new = token_from(&issuer(rotated, ISSUER, ISSUER), HOUR);
    // Retried more often than the cooldown: refusals inside it must not push the refetch out.
    for _ in 0..40 {
        if verifier.verify(&new, Timestamp::now()).await.is_ok() {
            assert_eq!(
                server.requests(),
                2,
                "one refetch, once the cooldown allowed it"
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the new key was never fetched");
}

#[tokio::test]
async fn a_cached_token_is_refused_once_its_key_is_withdrawn() {
    let (old, new) = (key("k1", 1), key("k2", 2));
    let server = JwksServer::start(Answer::keys(&key_set(&[&old]))).await;
    let jwks = RemoteJwks::builder(server.url())
        .cooldown(Duration::ZERO, Duration::ZERO)
        .build()
        .expect("jwks");
    let verifier = verifier(jwks);
    let token = token_from(&issuer(old, ISSUER, ISSUER), HOUR);
    verifier
        .verify(&token, Timestamp::now())
        .await
        .expect("verified, and cached");
    verifier
        .verify(&token, Timestamp::now())
        .await
        .expect("a cache hit");
    // The issuer withdraws k1; a token with k2 makes the verifier refetch.
    server.answer(Answer::keys(&key_set(&[&new]))).await;
    let fresh = token_from(&issuer(new, ISSUER, ISSUER), HOUR);
    verifier
        .verify(&fresh, Timestamp::now())
        .await
        .expect("k2 fetched");
    assert_eq!(
        verifier.verify(&token, Timestamp::now()).await.err(),
        Some(TokenError::UnknownKey),
        "the cache does not outlive the key"
    );
}

#[tokio::test]
async fn a_verify_only_auth_serves_the_extractor_rules_and_no_route() {
    use auth_core::Auth;
    use auth_core::http::{AuthService, extract};

    let good = key("k1", 1);
    let server = JwksServer::start(Answer::keys(&key_set(&[&good]))).await;
    let jwks = RemoteJwks::builder(server.url()).build().expect("jwks");
    let auth = Auth::verify_only(verifier(jwks));
    assert!(auth.is_verify_only());
    let token = token_from(&issuer(good, ISSUER, ISSUER), HOUR);
    let mut headers = http::HeaderMap::new();
    headers.insert(
        http::header::AUTHORIZATION,
        format!("Bearer {token}").parse().expect("header"),
    );
    let mut extensions = http::Extensions::new();
    extract::install(&auth, &mut extensions);

    // `CurrentUser`: the first token's unknown kid is fetched on the way.
    let caller = extract::current_user(&headers, &extensions)
        .await
        .expect("caller");
    assert_eq!(caller.user.email, "ada@example.com");
    // `Jwt<C>`: claims of the application's own type.
    #[derive(serde::Deserialize)]
    struct Mine {
        email: String,
        iss: String,
    }
    let mine: Mine = extract::jwt_claims(&headers, &extensions)
        .await
        .expect("claims");
    assert_eq!(
        (mine.email.as_str(), mine.iss.as_str()),
        ("ada@example.com", ISSUER)
    );
    // `MaybeUser`: a session cookie, which only the issuing server can read, is nobody.
    let mut cookie = http::HeaderMap::new();
    cookie.insert(
        http::header::COOKIE,
        "better-auth.session_token=abc.def".parse().expect("header"),
    );
    assert!(
        extract::maybe_user(&cookie, &extensions)
            .await
            .expect("no fault")
            .is_none()
    );
    // No auth route.
    let request = http::Request::get("/api/auth/get-session")
        .body(http_body_util::Full::new(bytes::Bytes::new()))
        .expect("request");
    let response: http::Response<bytes::Bytes> = AuthService::new(&auth).respond(request).await;
    assert_eq!(response.status(), 404);
}
