//! Golden tests: every exchange recorded from a real Better Auth 1.7.25 server, replayed in order
//! against our protocol with the recording's configuration (base URL, secret, Better Auth's
//! default 7-day sessions). Same status, same headers and cookie attributes, same JSON keys in
//! the same order with the same value types; ids, tokens, dates and signatures aside.

use std::sync::Arc;
use std::time::Duration;

use auth_conformance::compare;
use auth_conformance::golden::{Answer, Report, SECRET};
use auth_conformance::substitute::Substitutions;
use auth_conformance::transcript::{self, Exchange};
use auth_core::Auth;
use auth_core::config::AuthConfig;
use auth_core::http::{AuthService, ClientAddr};
use auth_core::model::SessionToken;
use auth_core::rate_limit::RateLimit;
use auth_core::store::{MemoryStore, UserStore};
use auth_core::token::{JwtIssuer, JwtKey};
use bytes::Bytes;
use http::Request;
use http_body_util::Full;

const BASE_URL: &str = "http://127.0.0.1:3005";

/// Exchanges that cannot be replayed here, each with the reason.
fn request(exchange: &Exchange, subs: &Substitutions) -> Request<Full<Bytes>> {
    let mut builder = Request::builder()
        .method(exchange.method())
        .uri(subs.apply(exchange.path()));
    for (name, value) in &exchange.request.headers {
        // Transport headers; the body may change length with substitutions.
        if ["host", "connection", "content-length"].contains(&name.to_ascii_lowercase().as_str()) {
            continue;
        }
        builder = builder.header(name.as_str(), subs.apply(value));
    }
    builder
        .body(Full::new(Bytes::from(subs.apply(&exchange.request.body))))
        .expect("request")
}

/// The session token our replayed request carries in its cookie.
fn cookie_token(request: &Request<Full<Bytes>>) -> String {
    let cookie = request.headers()["cookie"].to_str().expect("ascii");
    let value = cookie.split_once('=').expect("pair").1;
    value.split('.').next().expect("token").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_recorded_exchange_gets_the_same_answer() {
    let store = Arc::new(MemoryStore::new());
    // Recorded with Better Auth's rate limiter off (it is on only with NODE_ENV=production)...
    let recorded =
        AuthConfig::builder(SECRET, BASE_URL).session_ttl(Duration::from_secs(7 * 86_400));
    let config = recorded
        .clone()
        .rate_limit(RateLimit::disabled())
        .build()
        .expect("config");
    let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer");
    let auth = Auth::builder()
        .config(config)
        .store(Arc::clone(&store))
        .issuer(issuer)
        .default_hasher()
        .build();
    let service = AuthService::new(&auth);
    // ...but #58, on a second server with it on.
    let limited_config = recorded
        .rate_limit(RateLimit::better_auth())
        .refusal_pause(Duration::ZERO)
        .build()
        .expect("config");
    let limited = Auth::builder()
        .issuer(JwtIssuer::for_config(&limited_config, JwtKey::generate_ed25519()).expect("issuer"))
        .config(limited_config)
        .store(MemoryStore::new())
        .default_hasher()
        .build();
    let limited = AuthService::new(&limited);

    let exchanges = transcript::exchanges();
    assert_eq!(exchanges.len(), 58, "the recording has 58 exchanges");
    let mut subs = Substitutions::default();
    let mut report = Report::new();
    let mut compared = 0;
    for exchange in &exchanges {
        if exchange.number == 56 {
            // The recorder signed in off the record for this session; do the same, and learn its
            // token from the signed value #56's response carries.
            let sign_in = Request::post("/api/auth/sign-in/email")
                .header("content-type", "application/json")
                .header("user-agent", "ba-transcripts/1.0")
                .body(Full::new(Bytes::from_static(
                    br#"{"email":"alice.mww4l1jd@example.com","password":"correct horse battery"}"#,
                )))
                .expect("request");
            let signed_in = service.respond(sign_in).await;
            let ours = signed_in.headers()["set-auth-token"]
                .to_str()
                .expect("ascii")
                .to_owned();
            let recorded = exchange.response.header_values("set-auth-token")[0];
            subs.learn_signed(recorded, &ours);
        }
        let request = request(exchange, &subs);
        // Two exchanges first changed the session row in the database; do the same here.
        if exchange.number == 56 || exchange.number == 57 {
            let token = SessionToken::new(cookie_token(&request));
            let found = store
                .find_session(&token)
                .await
                .expect("lookup")
                .expect("the session to move");
            let now = auth.now();
            let expires = if exchange.number == 56 {
                now + Duration::from_secs(5 * 86_400)
            } else {
                now - Duration::from_secs(60)
            };
            store
                .extend_session(&found.session.id, expires, found.session.updated_at)
                .await
                .expect("move expiry");
        }
        let response = if exchange.number == 58 {
            // "Three requests were sent just before this one", from the same address.
            let client = ClientAddr(std::net::Ipv4Addr::LOCALHOST.into());
            for _ in 0..3 {
                let mut earlier = self::request(exchange, &subs);
                earlier.extensions_mut().insert(client);
                limited.respond(earlier).await;
            }
            let mut request = request;
            request.extensions_mut().insert(client);
            limited.respond(request).await
        } else {
            service.respond(request).await
        };
        let ours = Answer::from(response);

        if let (Some(recorded), Some(mine)) = (
            exchange.response.header_values("set-auth-token").first(),
            ours.header("set-auth-token"),
        ) {
            subs.learn_signed(recorded, mine);
        }

        let mut problems = Vec::new();
        if ours.status != exchange.status() {
            problems.push(format!(
                "status: recorded {}, ours {}",
                exchange.status(),
                ours.status
            ));
        }
        problems.extend(compare::header_differences(
            &compare::protocol_headers(&exchange.response.headers),
            &ours.headers,
        ));
        problems.extend(compare::body_differences(
            &exchange.response.body,
            &ours.body,
        ));
        report.exchange(exchange, &problems, None);
        compared += 1;
    }
    report.assert_none_differ();
    assert_eq!(compared, 58, "every recorded exchange is replayed");
}
