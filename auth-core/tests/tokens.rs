//! JwtIssuer: what verifies and, above all, what must not.

use std::time::Duration;

use auth_core::model::{SessionId, Timestamp, User, UserId};
use auth_core::token::{Claims, JwtAlgorithm, JwtIssuer, JwtKey, TokenError, TokenIssuer};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};

const ORIGIN: &str = "http://localhost:3000";
const RSA_PEM: &str = include_str!("fixtures/rsa-2048.pem");
const RSA_PUB_PEM: &str = include_str!("fixtures/rsa-2048.pub.pem");
const RSA_1024_PEM: &str = include_str!("fixtures/rsa-1024.pem");
const P256_PEM: &str = include_str!("fixtures/p256.pem");
const P256_PUB_PEM: &str = include_str!("fixtures/p256.pub.pem");

fn now() -> Timestamp {
    Timestamp::parse("2026-11-25T12:00:00.000Z").expect("time")
}

fn user() -> User {
    User::new(
        UserId::new("AbY9znP3LstAPbPWXx5CRVAbXIpmENOQ"),
        "Alice Example",
        "alice@example.com",
        now(),
    )
}

fn claims(issued: Timestamp, ttl: Duration) -> Claims {
    Claims::new(
        &user(),
        &SessionId::new("session-id"),
        issued,
        issued + ttl,
        ORIGIN,
        ORIGIN,
    )
}

fn issuer(key: JwtKey) -> JwtIssuer {
    JwtIssuer::builder(ORIGIN, ORIGIN)
        .signing_key(key)
        .build()
        .expect("issuer")
}

fn good_token(issuer: &JwtIssuer) -> String {
    issuer
        .sign(&claims(now(), Duration::from_secs(3600)))
        .expect("sign")
        .into_string()
}

fn parts(token: &str) -> Vec<String> {
    token.split('.').map(str::to_owned).collect()
}

fn decode_json(part: &str) -> serde_json::Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("json")
}

#[test]
fn header_is_exactly_alg_and_kid_and_payload_has_better_auths_claims() {
    let key = JwtKey::generate_ed25519();
    let kid = key.kid().to_owned();
    let token = good_token(&issuer(key));
    let p = parts(&token);
    assert_eq!(
        decode_json(&p[0]),
        serde_json::json!({"alg": "EdDSA", "kid": kid})
    );
    let payload = decode_json(&p[1]);
    let keys: Vec<&str> = payload
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    let mut expected = [
        "iat",
        "name",
        "email",
        "emailVerified",
        "image",
        "createdAt",
        "updatedAt",
        "id",
        "sub",
        "exp",
        "iss",
        "aud",
        "sid",
    ];
    expected.sort_unstable();
    assert_eq!(sorted, expected);
    assert_eq!(payload["createdAt"], "2026-11-25T12:00:00.000Z");
    assert_eq!(payload["image"], serde_json::Value::Null);
}

#[test]
fn a_token_signed_by_better_auth_verifies_against_its_published_key() {
    // From tests/conformance/fixtures/better-auth-1.7.25-transcripts.md: the jwks row's public
    // key and a /token JWT.
    let x = URL_SAFE_NO_PAD
        .decode("U7ojDIFx2gQfWMvv66cg1BCp1j0rFLpLZCCaLLHxabo")
        .expect("x");
    let x: [u8; 32] = x.try_into().expect("32 bytes");
    let key = JwtKey::ed25519_public("NhJuEZdE3AvItKxxGYR8fnaaQze1XeuX", &x).expect("key");
    let verifier = JwtIssuer::builder("http://127.0.0.1:3005", "http://127.0.0.1:3005")
        .signing_key(JwtKey::generate_ed25519())
        .verification_key(key)
        .build()
        .expect("issuer");
    let token = "eyJhbGciOiJFZERTQSIsImtpZCI6Ik5oSnVFWmRFM0F2SXRLeHhHWVI4Zm5hYVF6ZTFYZXVYIn0.eyJpYXQiOjE3OTU2MTEyNjQsIm5hbWUiOiJBbGljZSBFeGFtcGxlIiwiZW1haWwiOiJhbGljZS5td3c0bDFqZEBleGFtcGxlLmNvbSIsImVtYWlsVmVyaWZpZWQiOmZhbHNlLCJpbWFnZSI6bnVsbCwiY3JlYXRlZEF0IjoiMjAyNi0xMS0yNVQxMjo1NDoyMi45MDFaIiwidXBkYXRlZEF0IjoiMjAyNi0xMS0yNVQxMjo1NDoyMi45MDFaIiwiaWQiOiJBYlk5em5QM0xzdEFQYlBXWHg1Q1JWQWJYSXBtRU5PUSIsInN1YiI6IkFiWTl6blAzTHN0QVBiUFdYeDVDUlZBYlhJcG1FTk9RIiwiZXhwIjoxNzk1NjEyMTY0LCJpc3MiOiJodHRwOi8vMTI3LjAuMC4xOjMwMDUiLCJhdWQiOiJodHRwOi8vMTI3LjAuMC4xOjMwMDUifQ.ljyhJ2NbO4X97HLGXv02o2N5MEMgiBIyS9LswFFV7OS6DXPtYyxRmM0C99Xty3BV2UzcKFrciUaspxPhYqZqCQ";
    let at = Timestamp::from_unix_millis(1_795_611_264_000).expect("iat");
    let claims = verifier
        .verify(token, at)
        .expect("Better Auth's token verifies");
    assert_eq!(claims.email, "alice.mww4l1jd@example.com");
    assert_eq!(claims.sid, None);
    let later = Timestamp::from_unix_millis(1_795_612_164_000 + 60_000).expect("after exp");
    assert_eq!(verifier.verify(token, later), Err(TokenError::Expired));
}

#[test]
fn tampered_tokens_are_refused() {
    let issuer = issuer(JwtKey::generate_ed25519());
    let token = good_token(&issuer);
    let p = parts(&token);

    let mut payload = decode_json(&p[1]);
    payload["email"] = "mallory@example.com".into();
    let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).expect("json"));
    let forged = format!("{}.{}.{}", p[0], forged_payload, p[2]);
    assert_eq!(issuer.verify(&forged, now()), Err(TokenError::BadSignature));

    let mut sig = URL_SAFE_NO_PAD.decode(&p[2]).expect("sig");
    sig[0] ^= 1;
    let flipped = format!("{}.{}.{}", p[0], p[1], URL_SAFE_NO_PAD.encode(sig));
    assert_eq!(
        issuer.verify(&flipped, now()),
        Err(TokenError::BadSignature)
    );

    for garbage in [
        "",
        "a.b",
        "a.b.c",
        "not a jwt",
        &format!("{}.{}", p[0], p[1]),
    ] {
        assert!(issuer.verify(garbage, now()).is_err(), "{garbage:?}");
    }
}

#[test]
fn expired_and_not_yet_valid_tokens_are_refused_with_a_small_leeway() {
    let issuer = issuer(JwtKey::generate_ed25519());
    let hour = Duration::from_secs(3600);
    let expired = issuer
        .sign(&claims(now() - 2 * hour, hour))
        .expect("sign")
        .into_string();
    assert_eq!(issuer.verify(&expired, now()), Err(TokenError::Expired));
    let just_expired = issuer
        .sign(&claims(now() - hour - Duration::from_secs(10), hour))
        .expect("sign")
        .into_string();
    assert!(
        issuer.verify(&just_expired, now()).is_ok(),
        "10 s of skew is tolerated"
    );

    let mut future = claims(now(), hour);
    future.nbf = Some((now() + Duration::from_secs(600)).unix_seconds());
    let future = issuer.sign(&future).expect("sign").into_string();
    assert_eq!(issuer.verify(&future, now()), Err(TokenError::NotYetValid));
    assert!(
        issuer
            .verify(&future, now() + Duration::from_secs(600))
            .is_ok()
    );

    let issued_later = issuer
        .sign(&claims(now() + Duration::from_secs(600), hour))
        .expect("sign")
        .into_string();
    assert_eq!(
        issuer.verify(&issued_later, now()),
        Err(TokenError::NotYetValid)
    );
}

#[test]
fn wrong_issuer_and_wrong_audience_are_refused() {
    let key = JwtKey::generate_ed25519();
    let ours = issuer(key.clone());
    let other_iss = JwtIssuer::builder("https://evil.example", ORIGIN)
        .signing_key(key.clone())
        .build()
        .expect("issuer");
    let other_aud = JwtIssuer::builder(ORIGIN, "https://other.example")
        .signing_key(key)
        .build()
        .expect("issuer");
    let mut c = claims(now(), Duration::from_secs(3600));
    c.iss = "https://evil.example".into();
    assert_eq!(
        ours.verify(&other_iss.sign(&c).expect("sign").into_string(), now()),
        Err(TokenError::WrongIssuer)
    );
    let mut c = claims(now(), Duration::from_secs(3600));
    c.aud = "https://other.example".into();
    assert_eq!(
        ours.verify(&other_aud.sign(&c).expect("sign").into_string(), now()),
        Err(TokenError::WrongAudience)
    );
}

#[test]
fn alg_none_is_refused() {
    let key = JwtKey::generate_ed25519();
    let kid = key.kid().to_owned();
    let issuer = issuer(key);
    let p = parts(&good_token(&issuer));
    for alg in ["none", "None", "NONE"] {
        let header =
            URL_SAFE_NO_PAD.encode(serde_json::json!({"alg": alg, "kid": kid}).to_string());
        for signature in ["", &p[2]] {
            let token = format!("{header}.{}.{signature}", p[1]);
            let result = issuer.verify(&token, now());
            assert!(
                result.is_err(),
                "alg {alg} with signature {signature:?} must be refused"
            );
        }
    }
}

#[test]
fn hs256_signed_with_the_public_key_is_refused() {
    let rsa = JwtKey::rs256_pem("rsa-1", RSA_PEM).expect("rsa key");
    let issuer = issuer(rsa);
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("rsa-1".into());
    let c = claims(now(), Duration::from_secs(3600));
    let jwk = serde_json::to_vec(&issuer.jwks().keys[0]).expect("jwk");
    for secret in [RSA_PUB_PEM.as_bytes(), jwk.as_slice()] {
        let forged =
            jsonwebtoken::encode(&header, &c, &EncodingKey::from_secret(secret)).expect("sign");
        assert_eq!(issuer.verify(&forged, now()), Err(TokenError::Algorithm));
    }

    // The same attack on the default Ed25519 key, with its public bytes as the HMAC secret.
    let ed = JwtKey::generate_ed25519();
    let kid = ed.kid().to_owned();
    let ed_issuer = self::issuer(ed);
    let x = ed_issuer.jwks().keys[0].x.clone().expect("x");
    header.kid = Some(kid);
    for secret in [
        x.as_bytes().to_vec(),
        URL_SAFE_NO_PAD.decode(&x).expect("x"),
    ] {
        let forged =
            jsonwebtoken::encode(&header, &c, &EncodingKey::from_secret(&secret)).expect("sign");
        assert_eq!(ed_issuer.verify(&forged, now()), Err(TokenError::Algorithm));
    }
}

#[test]
fn unknown_or_missing_kid_is_refused() {
    let a = issuer(JwtKey::generate_ed25519());
    let b = issuer(JwtKey::generate_ed25519());
    assert_eq!(
        b.verify(&good_token(&a), now()),
        Err(TokenError::UnknownKey)
    );
    let secret = [9u8; 32];
    let mut header = Header::new(Algorithm::HS256);
    header.kid = None;
    let no_kid = jsonwebtoken::encode(
        &header,
        &claims(now(), Duration::from_secs(60)),
        &EncodingKey::from_secret(&secret),
    )
    .expect("sign");
    let hs = issuer(JwtKey::hs256("hs", &secret).expect("key"));
    assert_eq!(hs.verify(&no_kid, now()), Err(TokenError::UnknownKey));
}

#[test]
fn keys_rotate_without_logging_anyone_out() {
    let old = JwtKey::generate_ed25519();
    let new = JwtKey::generate_ed25519();
    let before = issuer(old.clone());
    let old_token = good_token(&before);
    let after = JwtIssuer::builder(ORIGIN, ORIGIN)
        .signing_key(new.clone())
        .verification_key(old.clone())
        .build()
        .expect("issuer");
    assert!(
        after.verify(&old_token, now()).is_ok(),
        "tokens of the old key still verify"
    );
    let new_token = good_token(&after);
    assert_eq!(
        decode_json(&parts(&new_token)[0])["kid"],
        new.kid(),
        "new tokens use the new key"
    );
    let kids: Vec<&str> = after.jwks().keys.iter().map(|k| k.kid.as_str()).collect();
    assert_eq!(kids, [new.kid(), old.kid()]);
    assert_eq!(
        before.verify(&new_token, now()),
        Err(TokenError::UnknownKey)
    );
}

#[test]
fn rs256_and_es256_sign_verify_and_publish_their_keys() {
    let rsa = issuer(JwtKey::rs256_pem("rsa-1", RSA_PEM).expect("rsa"));
    let token = good_token(&rsa);
    assert_eq!(decode_json(&parts(&token)[0])["alg"], "RS256");
    assert!(rsa.verify(&token, now()).is_ok());
    let jwk = serde_json::to_value(&rsa.jwks().keys[0]).expect("json");
    assert_eq!(
        (jwk["kty"].as_str(), jwk["alg"].as_str()),
        (Some("RSA"), Some("RS256"))
    );
    assert!(jwk["n"].is_string() && jwk["e"] == "AQAB");
    // A verifier holding only the public key accepts it.
    let public = JwtKey::rs256_public_pem("rsa-1", RSA_PUB_PEM).expect("public");
    assert_eq!(public.algorithm(), JwtAlgorithm::Rs256);
    let verifier = JwtIssuer::builder(ORIGIN, ORIGIN)
        .signing_key(JwtKey::generate_ed25519())
        .verification_key(public)
        .build()
        .expect("issuer");
    assert!(verifier.verify(&token, now()).is_ok());

    let ec = issuer(JwtKey::es256_pem("ec-1", P256_PEM).expect("p256"));
    let token = good_token(&ec);
    assert_eq!(decode_json(&parts(&token)[0])["alg"], "ES256");
    assert!(ec.verify(&token, now()).is_ok());
    let jwk = serde_json::to_value(&ec.jwks().keys[0]).expect("json");
    assert_eq!(
        (jwk["kty"].as_str(), jwk["crv"].as_str()),
        (Some("EC"), Some("P-256"))
    );
    let public = JwtKey::es256_public_pem("ec-1", P256_PUB_PEM).expect("public");
    let verifier = JwtIssuer::builder(ORIGIN, ORIGIN)
        .signing_key(JwtKey::generate_ed25519())
        .verification_key(public)
        .build()
        .expect("issuer");
    assert!(verifier.verify(&token, now()).is_ok());
}

#[test]
fn weak_or_verification_only_keys_cannot_sign() {
    assert!(
        JwtKey::rs256_pem("small", RSA_1024_PEM).is_err(),
        "1024-bit RSA is refused"
    );
    assert!(
        JwtKey::hs256("short", b"thirty-one bytes of HMAC secret").is_err(),
        "an HS256 secret shorter than 32 bytes is refused"
    );
    let public = JwtKey::es256_public_pem("ec", P256_PUB_PEM).expect("public");
    assert!(!public.can_sign());
    assert!(
        JwtIssuer::builder(ORIGIN, ORIGIN)
            .signing_key(public)
            .build()
            .is_err()
    );
    assert!(JwtIssuer::builder(ORIGIN, ORIGIN).build().is_err());
}

#[test]
fn hs256_tokens_verify_and_publish_nothing() {
    let hs = issuer(JwtKey::hs256("hs", b"0123456789abcdef0123456789abcdef").expect("key"));
    let token = good_token(&hs);
    assert!(hs.verify(&token, now()).is_ok());
    assert!(hs.jwks().keys.is_empty());
    let jwks = serde_json::to_string(hs.jwks()).expect("json");
    assert_eq!(jwks, r#"{"keys":[]}"#);
}

/// Signs `header` and `claims` by hand with the Ed25519 seed `[1; 32]`.
fn hand_signed(header: &serde_json::Value, claims: &Claims) -> String {
    use ed25519_dalek::Signer;
    let signing = ed25519_dalek::SigningKey::from_bytes(&[1u8; 32]);
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).expect("json"))
    );
    let signature = signing.sign(message.as_bytes());
    format!("{message}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

#[test]
fn headers_with_extensions_we_do_not_implement_are_refused() {
    let issuer = issuer(JwtKey::ed25519_from_seed("k1", &[1u8; 32]).expect("key"));
    let c = claims(now(), Duration::from_secs(3600));
    let plain = hand_signed(&serde_json::json!({"alg": "EdDSA", "kid": "k1"}), &c);
    assert!(
        issuer.verify(&plain, now()).is_ok(),
        "the hand-signed baseline verifies"
    );
    let crit = hand_signed(
        &serde_json::json!({"alg": "EdDSA", "kid": "k1", "crit": ["exp"], "exp": 1}),
        &c,
    );
    assert_eq!(issuer.verify(&crit, now()), Err(TokenError::Malformed));
    let b64 = hand_signed(
        &serde_json::json!({"alg": "EdDSA", "kid": "k1", "b64": false}),
        &c,
    );
    assert_eq!(issuer.verify(&b64, now()), Err(TokenError::Malformed));
    // A token that brings its own key, or says it is something else than a plain JWS.
    for (member, value) in [
        (
            "jwk",
            serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}),
        ),
        ("jku", serde_json::json!("https://evil.example/jwks")),
        ("x5u", serde_json::json!("https://evil.example/cert")),
        ("x5c", serde_json::json!(["MIIB"])),
        ("x5t", serde_json::json!("AAAA")),
        ("x5t#S256", serde_json::json!("AAAA")),
        ("cty", serde_json::json!("JWT")),
        ("enc", serde_json::json!("A256GCM")),
        ("zip", serde_json::json!("DEF")),
    ] {
        let mut header = serde_json::json!({"alg": "EdDSA", "kid": "k1"});
        header[member] = value;
        let token = hand_signed(&header, &c);
        assert_eq!(
            issuer.verify(&token, now()),
            Err(TokenError::Malformed),
            "{member}"
        );
    }
    let typ = hand_signed(
        &serde_json::json!({"alg": "EdDSA", "kid": "k1", "typ": "JWT"}),
        &c,
    );
    assert!(
        issuer.verify(&typ, now()).is_ok(),
        "typ JWT is what a JWT may say it is"
    );
    for other in ["at+jwt", "JWE", "secevent+jwt"] {
        let typed = hand_signed(
            &serde_json::json!({"alg": "EdDSA", "kid": "k1", "typ": other}),
            &c,
        );
        assert_eq!(
            issuer.verify(&typed, now()),
            Err(TokenError::Malformed),
            "typ {other}"
        );
    }
}

#[test]
fn times_before_1970_are_malformed() {
    let issuer = issuer(JwtKey::ed25519_from_seed("k1", &[1u8; 32]).expect("key"));
    let header = serde_json::json!({"alg": "EdDSA", "kid": "k1"});
    let good = claims(now(), Duration::from_secs(3600));
    assert!(issuer.verify(&hand_signed(&header, &good), now()).is_ok());
    for field in ["exp", "nbf", "iat"] {
        let mut c = good.clone();
        match field {
            "exp" => c.exp = -1,
            "nbf" => c.nbf = Some(-1),
            _ => c.iat = -1,
        }
        assert_eq!(
            issuer.verify(&hand_signed(&header, &c), now()),
            Err(TokenError::Malformed),
            "{field}"
        );
    }
}

#[test]
fn claims_written_with_json_escapes_verify() {
    // Some JSON encoders (PHP's, Java's) write `/` as `\/`: the same issuer, spelled otherwise.
    use ed25519_dalek::Signer;
    let issuer = issuer(JwtKey::ed25519_from_seed("k1", &[1u8; 32]).expect("key"));
    let c = claims(now(), Duration::from_secs(3600));
    let payload = serde_json::to_string(&c)
        .expect("json")
        .replace("http://", "http:\\/\\/");
    assert!(payload.contains(r#""iss":"http:\/\/"#), "{payload}");
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"EdDSA","kid":"k1"}"#),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let signature = ed25519_dalek::SigningKey::from_bytes(&[1u8; 32]).sign(message.as_bytes());
    let token = format!("{message}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()));
    assert_eq!(issuer.verify(&token, now()), Ok(c));
}

#[test]
fn every_single_character_change_is_refused_without_a_panic() {
    for key in [
        JwtKey::generate_ed25519(),
        JwtKey::hs256("hs", &[3u8; 32]).expect("key"),
        JwtKey::es256_pem("ec", P256_PEM).expect("key"),
    ] {
        let issuer = issuer(key);
        let token = good_token(&issuer);
        for (i, original) in token.char_indices() {
            for replacement in ['A', 'z', '0', '-', '_', '.', '=', '%'] {
                if replacement == original {
                    continue;
                }
                let mut mutated = token.clone();
                mutated.replace_range(i..i + 1, &replacement.to_string());
                assert!(
                    issuer.verify(&mutated, now()).is_err(),
                    "accepted {mutated}"
                );
            }
        }
        // Truncations and extensions too.
        for end in 0..token.len() {
            assert!(issuer.verify(&token[..end], now()).is_err());
        }
        assert!(issuer.verify(&format!("{token}A"), now()).is_err());
        assert!(issuer.verify(&format!("{token}.x"), now()).is_err());
    }
}

#[test]
fn the_verified_token_cache_still_checks_time_and_exact_bytes() {
    let cached = JwtIssuer::builder(ORIGIN, ORIGIN)
        .signing_key(JwtKey::generate_ed25519())
        .verified_token_cache(16)
        .build()
        .expect("issuer");
    let token = cached
        .sign(&claims(now(), Duration::from_secs(3600)))
        .expect("sign")
        .into_string();
    let first = cached.verify(&token, now()).expect("verified, then cached");
    let again = cached.verify(&token, now()).expect("a hit");
    assert_eq!(first, again);
    // A hit is still refused once the token has expired.
    assert_eq!(
        cached.verify(&token, now() + Duration::from_secs(7200)),
        Err(TokenError::Expired)
    );
    // Only the exact bytes hit: any change goes through full verification and fails.
    let mut tampered = token.clone();
    tampered.pop();
    tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
    assert!(cached.verify(&tampered, now()).is_err());
    // A token issued in the future is not accepted early from the cache either.
    let later = cached
        .sign(&claims(
            now() + Duration::from_secs(600),
            Duration::from_secs(3600),
        ))
        .expect("sign")
        .into_string();
    assert_eq!(cached.verify(&later, now()), Err(TokenError::NotYetValid));
    assert!(
        cached
            .verify(&later, now() + Duration::from_secs(600))
            .is_ok()
    );
    assert_eq!(
        cached.verify(&later, now()),
        Err(TokenError::NotYetValid),
        "not even once it is cached"
    );
}
