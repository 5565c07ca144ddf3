//! Signing keys in Better Auth's `"jwks"` table, private halves encrypted the way Better Auth
//! encrypts them, so every instance (ours or Better Auth's) signs and verifies with the same keys
//! and a restart keeps them.
//!
//! The `"privateKey"` column holds a JSON string literal of hex text: a 24-byte random nonce,
//! then the XChaCha20-Poly1305 ciphertext and 16-byte tag of the private JWK's JSON, under the
//! key SHA-256(secret), without associated data.

use auth_core::config::AuthConfig;
use auth_core::model::Timestamp;
use auth_core::store::StoreError;
use auth_core::token::{JwtIssuer, JwtKey};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

const NONCE_LEN: usize = 24;

/// Why a stored private key could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyCryptoError {
    /// Not a JSON string of hex, or too short to hold a nonce and a tag.
    #[error("the stored private key is not in Better Auth's format")]
    Format,
    /// Encrypted under a versioned secret (`$ba$<version>$…`), which is not supported here.
    #[error("the stored private key uses Better Auth's versioned secrets, which are not supported")]
    VersionedSecret,
    /// Authentication failed: another secret encrypted it, or it was altered.
    #[error("the stored private key does not decrypt with this secret")]
    WrongSecret,
}

fn cipher(secret: &[u8]) -> XChaCha20Poly1305 {
    let key = Sha256::digest(secret);
    XChaCha20Poly1305::new(Key::from_slice(&key))
}

/// Encrypts `plaintext` (a private JWK's JSON) into the `"privateKey"` column's text.
pub fn encrypt_private_key(secret: &[u8], plaintext: &str) -> String {
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    // Encryption with a fresh nonce and a 32-byte key cannot fail.
    let sealed = cipher(secret)
        .encrypt(&nonce, plaintext.as_bytes())
        .unwrap_or_default();
    let mut bytes = nonce.to_vec();
    bytes.extend_from_slice(&sealed);
    serde_json::Value::String(hex::encode(bytes)).to_string()
}

/// Decrypts the `"privateKey"` column's text into the private JWK's JSON.
pub fn decrypt_private_key(
    secret: &[u8],
    column: &str,
) -> Result<Zeroizing<String>, KeyCryptoError> {
    let hex_text: String = serde_json::from_str(column).map_err(|_| KeyCryptoError::Format)?;
    if hex_text.starts_with("$ba$") {
        return Err(KeyCryptoError::VersionedSecret);
    }
    let bytes = hex::decode(hex_text).map_err(|_| KeyCryptoError::Format)?;
    if bytes.len() < NONCE_LEN + 16 {
        return Err(KeyCryptoError::Format);
    }
    let (nonce, sealed) = bytes.split_at(NONCE_LEN);
    let plain = cipher(secret)
        .decrypt(XNonce::from_slice(nonce), sealed)
        .map_err(|_| KeyCryptoError::WrongSecret)?;
    String::from_utf8(plain)
        .map(Zeroizing::new)
        .map_err(|_| KeyCryptoError::Format)
}

/// A `"jwks"` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyRow {
    pub(crate) id: String,
    pub(crate) public_key: String,
    pub(crate) private_key: String,
    pub(crate) created_at: Timestamp,
    pub(crate) expires_at: Option<Timestamp>,
    pub(crate) alg: Option<String>,
    pub(crate) crv: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct OkpJwk {
    crv: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    d: Option<String>,
    x: String,
    kty: String,
}

impl KeyRow {
    /// A row for a freshly generated Ed25519 key.
    pub(crate) fn new_ed25519(key: &JwtKey, secret: &[u8], now: Timestamp) -> Option<Self> {
        let seed = key.ed25519_seed()?;
        let x = key.public_jwk()?.x.clone()?;
        let public = OkpJwk {
            crv: "Ed25519".into(),
            d: None,
            x: x.clone(),
            kty: "OKP".into(),
        };
        let private = OkpJwk {
            crv: "Ed25519".into(),
            d: Some(URL_SAFE_NO_PAD.encode(seed)),
            x,
            kty: "OKP".into(),
        };
        let private_json = Zeroizing::new(serde_json::to_string(&private).ok()?);
        Some(Self {
            id: key.kid().to_owned(),
            public_key: serde_json::to_string(&public).ok()?,
            private_key: encrypt_private_key(secret, &private_json),
            created_at: now,
            expires_at: None,
            alg: Some("EdDSA".into()),
            crv: Some("Ed25519".into()),
        })
    }

    fn is_ed25519(&self) -> bool {
        self.alg.as_deref().unwrap_or("EdDSA") == "EdDSA"
            && self.crv.as_deref().unwrap_or("Ed25519") == "Ed25519"
    }

    /// The key with its private half, when this secret decrypts it.
    fn signing_key(&self, secret: &[u8]) -> Option<JwtKey> {
        let plain = match decrypt_private_key(secret, &self.private_key) {
            Ok(plain) => plain,
            Err(error) => {
                tracing::warn!(kid = %self.id, %error, "jwks key cannot sign: keeping it for verification only");
                return None;
            }
        };
        let jwk: OkpJwk = serde_json::from_str(&plain).ok()?;
        let d = Zeroizing::new(URL_SAFE_NO_PAD.decode(jwk.d?).ok()?);
        let seed: &[u8; 32] = d.as_slice().try_into().ok()?;
        let key = JwtKey::ed25519_from_seed(&self.id, seed).ok()?;
        // The private half must belong to the published public half.
        (key.public_jwk().and_then(|j| j.x.as_deref()) == Some(jwk.x.as_str())).then_some(key)
    }

    /// The public half only.
    fn verification_key(&self) -> Option<JwtKey> {
        let jwk: OkpJwk = serde_json::from_str(&self.public_key).ok()?;
        let x: [u8; 32] = URL_SAFE_NO_PAD.decode(jwk.x).ok()?.try_into().ok()?;
        JwtKey::ed25519_public(&self.id, &x).ok()
    }
}

/// Builds the issuer from the stored rows (newest first): the newest unexpired key this secret
/// can decrypt signs, every other Ed25519 key verifies. `None` when no key can sign.
pub(crate) fn issuer_from_rows(
    config: &AuthConfig,
    rows: &[KeyRow],
    now: Timestamp,
) -> Result<Option<JwtIssuer>, StoreError> {
    let secret = config.secret().expose();
    let usable = rows.iter().filter(|r| r.is_ed25519());
    let mut signing = None;
    let mut verification = Vec::new();
    for row in usable {
        let live = row.expires_at.is_none_or(|e| e > now);
        if signing.is_none()
            && live
            && let Some(key) = row.signing_key(secret)
        {
            signing = Some(key);
            continue;
        }
        if let Some(key) = row.verification_key() {
            verification.push(key);
        }
    }
    for skipped in rows.iter().filter(|r| !r.is_ed25519()) {
        tracing::warn!(kid = %skipped.id, alg = ?skipped.alg, "jwks key of an unsupported algorithm is ignored");
    }
    let Some(signing) = signing else {
        return Ok(None);
    };
    let builder = verification.into_iter().fold(
        JwtIssuer::builder(config.origin(), config.origin())
            .signing_key(signing)
            .verified_token_cache(config.verified_token_cache()),
        |b, k| b.verification_key(k),
    );
    builder
        .build()
        .map(Some)
        .map_err(|e| StoreError::Other(Box::new(e)))
}

/// What the stored rows call for: an issuer as they are, or a fresh key to store first.
pub(crate) enum KeyPlan {
    Ready(Box<JwtIssuer>),
    Create(KeyRow),
}

/// Decides, under the caller's lock, whether `rows` (newest first) already give a signing key.
pub(crate) fn plan(
    config: &AuthConfig,
    rows: &[KeyRow],
    now: Timestamp,
) -> Result<KeyPlan, StoreError> {
    if let Some(issuer) = issuer_from_rows(config, rows, now)? {
        return Ok(KeyPlan::Ready(Box::new(issuer)));
    }
    let key = JwtKey::generate_ed25519();
    KeyRow::new_ed25519(&key, config.secret().expose(), now)
        .map(KeyPlan::Create)
        .ok_or_else(|| StoreError::Other("cannot serialise a new signing key".into()))
}

/// The issuer once the caller has stored `created` beside the older `rows`.
pub(crate) fn issuer_with_new_key(
    config: &AuthConfig,
    created: KeyRow,
    rows: Vec<KeyRow>,
    now: Timestamp,
) -> Result<JwtIssuer, StoreError> {
    tracing::info!(kid = %created.id, "generated and stored a new Ed25519 signing key");
    let mut all = vec![created];
    all.extend(rows);
    issuer_from_rows(config, &all, now)?
        .ok_or_else(|| StoreError::Other("the new signing key is unusable".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// From tests/conformance/fixtures/better-auth-1.7.25-transcripts.md: a `"jwks"` row written
    /// by Better Auth 1.7.25 with the throwaway secret below, and what it decrypts to.
    const SECRET: &str = "throwaway-reference-secret-0123456789abcdef0123456789abcdef";
    const PRIVATE_COLUMN: &str = "\"f0361fb24746e09b92d926c445f111e3dccb2039b300a61557fa88d07f4d6e79e3a643f8d292077fb9d74cdf6529674d01de620a461fa0263a0b373e4ef70684eadb28cd5c54600ba79f4cd58a806f6de5cf9f3a2c197cb5156ebc25499fa891a0ffc1eea71ab5de9784bf14c6578251eb62ece0bd94c6e2333b144cbc1661088e7eb213f20c82f51770b40f7f796e5364432121f47789be6e06cadb1f9425f7d0c54fb57363a5002d\"";

    #[test]
    fn decrypts_better_auths_private_key() {
        let plain = decrypt_private_key(SECRET.as_bytes(), PRIVATE_COLUMN).expect("decrypts");
        let jwk: serde_json::Value = serde_json::from_str(&plain).expect("json");
        assert_eq!(jwk["d"], "vSBFbT1aELatk51SDu0Rx8Je-6pK-9AF11BBlYMsQqg");
        assert_eq!(jwk["x"], "U7ojDIFx2gQfWMvv66cg1BCp1j0rFLpLZCCaLLHxabo");
        assert_eq!(
            decrypt_private_key(b"another-secret-0123456789abcdef0123456789", PRIVATE_COLUMN),
            Err(KeyCryptoError::WrongSecret)
        );
    }

    #[test]
    fn own_encryption_round_trips_and_is_randomised() {
        let a = encrypt_private_key(SECRET.as_bytes(), "{\"d\":\"x\"}");
        let b = encrypt_private_key(SECRET.as_bytes(), "{\"d\":\"x\"}");
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(a.starts_with('"') && a.ends_with('"'));
        assert_eq!(
            decrypt_private_key(SECRET.as_bytes(), &a)
                .expect("decrypts")
                .as_str(),
            "{\"d\":\"x\"}"
        );
        assert_eq!(
            decrypt_private_key(SECRET.as_bytes(), "\"$ba$1$abcd\""),
            Err(KeyCryptoError::VersionedSecret)
        );
        assert_eq!(
            decrypt_private_key(SECRET.as_bytes(), "not json"),
            Err(KeyCryptoError::Format)
        );
    }
}
