//! Differential: every token our verifier accepts, jsonwebtoken (the crate most Rust services
//! verify with) accepts too, with the same key and the same rules, and both read the same
//! claims. The fuzzer writes the header and the claims (right and wrong algorithms, kids,
//! issuers, audiences, times, extra members, escapes) and signs them with a real key, so that
//! most inputs get past the signature to the rules that differ.
//!
//! The other way round, where jsonwebtoken accepts and we refuse, each refusal must be one of
//! our documented stricter rules:
//! - the header names no key, or another key (`kid`): we pick the key by it; jsonwebtoken is
//!   given one key;
//! - `crit` or `b64` in the header (extensions we do not implement, RFC 7515), a `typ` other
//!   than `JWT` (RFC 8725 §3.11), or a member that brings a key or a content of its own (`jku`,
//!   `jwk`, `x5u`, `x5c`, `x5t`, `x5t#S256`, `cty`, `enc`, `zip`; RFC 8725 §3.10);
//! - `iss` or `aud` that is not the one string (jsonwebtoken takes arrays that contain it);
//!   `sub` missing or not a string;
//! - `iat` in the future beyond the leeway, or before 1970 (jsonwebtoken does not read `iat`);
//! - at `exp + leeway` exactly, the token has expired for us, one second before jsonwebtoken;
//! - a header over 1 KiB.

#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;
use std::time::Duration;

use auth_core::model::Timestamp;
use auth_core::token::{JwtIssuer, JwtKey, TokenIssuer};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Validation};
use libfuzzer_sys::arbitrary::{Result as Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

const ORIGIN: &str = "https://auth.example.com";
const LEEWAY: i64 = 30;
const KID: &str = "the-key";
const HS_SECRET: &[u8] = b"differential-hs256-secret-0123456789";
const SEED: [u8; 32] = [7; 32];
const P256_PEM: &str = include_str!("../../auth-core/tests/fixtures/p256.pem");
const P256_PUB_PEM: &str = include_str!("../../auth-core/tests/fixtures/p256.pub.pem");
/// Header members we refuse (or, for `alg`, `kid` and `typ`, set ourselves).
const REFUSED_MEMBERS: [&str; 14] = [
    "alg", "kid", "typ", "crit", "b64", "jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256", "cty",
    "enc", "zip",
];

/// One key, as we hold it and as jsonwebtoken is given it.
struct Key {
    ours: JwtIssuer,
    algorithm: Algorithm,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

fn keys() -> &'static [Key; 3] {
    static KEYS: OnceLock<[Key; 3]> = OnceLock::new();
    KEYS.get_or_init(|| {
        let issuer = |key: JwtKey| {
            JwtIssuer::builder(ORIGIN, ORIGIN)
                .signing_key(key)
                .leeway(Duration::from_secs(LEEWAY as u64))
                .build()
                .expect("issuer")
        };
        let ed = ed25519_dalek::SigningKey::from_bytes(&SEED);
        let ed_der = {
            use ed25519_dalek::pkcs8::EncodePrivateKey;
            ed.to_pkcs8_der().expect("der").as_bytes().to_vec()
        };
        let x = URL_SAFE_NO_PAD.encode(ed.verifying_key().to_bytes());
        [
            Key {
                ours: issuer(JwtKey::hs256(KID, HS_SECRET).expect("hs256")),
                algorithm: Algorithm::HS256,
                encoding: EncodingKey::from_secret(HS_SECRET),
                decoding: DecodingKey::from_secret(HS_SECRET),
            },
            Key {
                ours: issuer(JwtKey::ed25519_from_seed(KID, &SEED).expect("ed25519")),
                algorithm: Algorithm::EdDSA,
                encoding: EncodingKey::from_ed_der(&ed_der),
                decoding: DecodingKey::from_ed_components(&x).expect("x"),
            },
            Key {
                ours: issuer(JwtKey::es256_pem(KID, P256_PEM).expect("es256")),
                algorithm: Algorithm::ES256,
                encoding: EncodingKey::from_ec_pem(P256_PEM.as_bytes()).expect("pem"),
                decoding: DecodingKey::from_ec_pem(P256_PUB_PEM.as_bytes()).expect("pem"),
            },
        ]
    })
}

/// A string claim the fuzzer chose: ours, another, an array holding ours, a number, missing, or
/// ours with `/` escaped.
fn string_claim(u: &mut Unstructured<'_>, ours: &str) -> Arbitrary<Option<Value>> {
    Ok(match u.int_in_range(0..=6)? {
        0 | 1 => Some(json!(ours)),
        2 => Some(json!(format!("{ours}/"))),
        3 => Some(json!([ours])),
        4 => Some(json!(7)),
        5 => None,
        _ => Some(Value::String(u.arbitrary()?)),
    })
}

/// A time near `now` (most of them within a minute, to reach the boundaries), or any.
fn time(u: &mut Unstructured<'_>, now: i64) -> Arbitrary<i64> {
    Ok(if u.ratio(7, 8)? {
        now + i64::from(u.int_in_range(-90i16..=90)?)
    } else {
        u.arbitrary()?
    })
}

/// What the fuzzer wrote, and which of our documented stricter rules it breaks.
struct Token {
    text: String,
    /// Built as JSON from the choices below (not raw bytes, not mutated afterwards).
    structured: bool,
    /// One of our documented stricter rules applies.
    stricter: bool,
}

fn token(u: &mut Unstructured<'_>, key: &Key, now: i64) -> Arbitrary<Token> {
    let mut stricter = false;
    let mut header = serde_json::Map::new();
    let alg = match u.int_in_range(0..=7)? {
        0 => "none".to_owned(),
        1 => "HS256".to_owned(),
        2 => "RS256".to_owned(),
        _ => format!("{:?}", key.algorithm),
    };
    header.insert("alg".into(), json!(alg));
    match u.int_in_range(0..=5)? {
        0 => stricter = true,
        1 => {
            stricter = true;
            header.insert("kid".into(), json!("another-key"));
        }
        _ => {
            header.insert("kid".into(), json!(KID));
        }
    }
    match u.int_in_range(0..=7)? {
        0 => {
            header.insert("typ".into(), json!("JWT"));
        }
        1 => {
            stricter = true;
            header.insert("typ".into(), json!("at+jwt"));
        }
        2 => {
            stricter = true;
            header.insert("crit".into(), json!(["exp"]));
        }
        3 => {
            let name: String = u.arbitrary()?;
            let value: String = u.arbitrary()?;
            stricter |= REFUSED_MEMBERS.contains(&name.as_str());
            header.insert(name, json!(value));
        }
        _ => {}
    }
    let header = Value::Object(header).to_string();
    stricter |= header.len() > 1024;

    let mut claims = serde_json::Map::new();
    for (name, ours) in [("iss", ORIGIN), ("aud", ORIGIN), ("sub", "the-user")] {
        let value = string_claim(u, ours)?;
        if name != "sub" {
            stricter |= value.as_ref() != Some(&json!(ours));
        } else {
            stricter |= !value.as_ref().is_some_and(Value::is_string);
        }
        if let Some(value) = value {
            claims.insert(name.into(), value);
        }
    }
    let exp = time(u, now)?;
    stricter |= exp.saturating_add(LEEWAY) == now;
    claims.insert("exp".into(), json!(exp));
    if u.arbitrary()? {
        claims.insert("nbf".into(), json!(time(u, now)?));
    }
    if u.arbitrary()? {
        let iat = time(u, now)?;
        stricter |= iat > now + LEEWAY || iat < 0;
        claims.insert("iat".into(), json!(iat));
    }
    if u.arbitrary()? {
        let name: String = u.arbitrary()?;
        let value: String = u.arbitrary()?;
        if !["iss", "aud", "sub", "exp", "nbf", "iat"].contains(&name.as_str()) {
            claims.insert(name, json!(value));
        }
    }
    let mut payload = Value::Object(claims).to_string();
    let escaped = u.ratio(1, 8)?;
    if escaped {
        payload = payload.replace('/', "\\/");
    }
    let raw = u.ratio(1, 16)?;
    let payload: Vec<u8> = if raw {
        u.arbitrary()?
    } else {
        payload.into_bytes()
    };

    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let signature =
        jsonwebtoken::crypto::sign(message.as_bytes(), &key.encoding, key.algorithm).expect("sign");
    let mut text = format!("{message}.{signature}");
    let mutated = u.ratio(1, 8)?;
    if mutated && !text.is_empty() {
        let at = u.choose_index(text.len())?;
        let byte: u8 = u.arbitrary()?;
        let mut bytes = text.into_bytes();
        bytes[at] = byte;
        text = String::from_utf8_lossy(&bytes).into_owned();
    }
    Ok(Token {
        text,
        structured: !raw && !mutated,
        stricter,
    })
}

fn run(data: &[u8]) -> Arbitrary<()> {
    let mut u = Unstructured::new(data);
    let key = &keys()[u.choose_index(3)?];
    let before = Timestamp::now();
    let now = before.unix_seconds();
    let token = token(&mut u, key, now)?;

    let ours = key.ours.verify_value(&token.text, before);
    let mut validation = Validation::new(key.algorithm);
    validation.leeway = LEEWAY as u64;
    validation.validate_nbf = true;
    validation.set_issuer(&[ORIGIN]);
    validation.set_audience(&[ORIGIN]);
    validation.required_spec_claims = HashSet::from(["exp", "iss", "aud", "sub"].map(String::from));
    let theirs = jsonwebtoken::decode::<Value>(&token.text, &key.decoding, &validation);
    if Timestamp::now().unix_seconds() != now {
        // jsonwebtoken reads the clock itself: a second passed between the two verdicts.
        return Ok(());
    }
    match (&ours, &theirs) {
        (Ok(claims), Ok(data)) => assert_eq!(claims, &data.claims, "{}", token.text),
        (Ok(_), Err(error)) => panic!(
            "we accept what jsonwebtoken refuses ({error}): {}",
            token.text
        ),
        (Err(error), Ok(_)) => assert!(
            token.stricter || !token.structured,
            "jsonwebtoken accepts what we refuse ({error}) under no documented rule: {}",
            token.text
        ),
        (Err(_), Err(_)) => {}
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
