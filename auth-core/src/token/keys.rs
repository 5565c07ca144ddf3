//! Signing and verification keys, and their public JWKS form.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::pkcs8::EncodePrivateKey;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde::Serialize;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::verify::PreparedKey;
use crate::model::random_id;

/// Why a key could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// An HS256 secret shorter than 32 bytes.
    #[error("HS256 secrets must be at least 32 bytes (got {0})")]
    SecretTooShort(usize),
    /// An RSA key shorter than 2048 bits.
    #[error("RSA keys must be at least 2048 bits (got {0})")]
    RsaTooSmall(usize),
    /// The key material could not be parsed.
    #[error("invalid {kind} key: {reason}")]
    Invalid {
        /// Which kind of key was expected.
        kind: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// An issuer was built without a signing key, or with one that can only verify.
    #[error("the issuer needs a signing key that holds its private part")]
    NoSigningKey,
}

fn invalid(kind: &'static str) -> impl Fn(&dyn fmt::Display) -> KeyError {
    move |e| KeyError::Invalid {
        kind,
        reason: e.to_string(),
    }
}

/// The signature algorithms a [`JwtKey`] can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JwtAlgorithm {
    /// Ed25519 signatures (Better Auth's default; public key in JWKS).
    EdDsa,
    /// ECDSA over P-256 with SHA-256 (public key in JWKS).
    Es256,
    /// RSA PKCS#1 v1.5 with SHA-256 (public key in JWKS).
    Rs256,
    /// HMAC-SHA256 with a shared secret (nothing published; one service only).
    Hs256,
}

impl JwtAlgorithm {
    pub(crate) fn to_jsonwebtoken(self) -> Algorithm {
        match self {
            Self::EdDsa => Algorithm::EdDSA,
            Self::Es256 => Algorithm::ES256,
            Self::Rs256 => Algorithm::RS256,
            Self::Hs256 => Algorithm::HS256,
        }
    }

    /// The JOSE name (`EdDSA`, `ES256`, `RS256`, `HS256`).
    pub fn name(self) -> &'static str {
        match self {
            Self::EdDsa => "EdDSA",
            Self::Es256 => "ES256",
            Self::Rs256 => "RS256",
            Self::Hs256 => "HS256",
        }
    }
}

/// A public key in JWK form, as Better Auth's `/jwks` lists it (no `use` member).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PublicJwk {
    /// The algorithm the key is for.
    pub alg: &'static str,
    /// Curve (`Ed25519`, `P-256`), for OKP and EC keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crv: Option<&'static str>,
    /// Public point x (base64url).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// Public point y (base64url), EC keys only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    /// RSA modulus (base64url).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    /// RSA exponent (base64url).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
    /// Key type (`OKP`, `EC`, `RSA`).
    pub kty: &'static str,
    /// Key id: the JWT header's `kid`.
    pub kid: String,
}

/// A JWK set: the body of `GET /jwks`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Jwks {
    /// The public keys.
    pub keys: Vec<PublicJwk>,
}

/// One key: its id, algorithm, the verification half, and the signing half when held.
///
/// ```
/// use auth_core::token::{JwtAlgorithm, JwtKey};
///
/// let key = JwtKey::generate_ed25519();
/// assert_eq!(key.algorithm(), JwtAlgorithm::EdDsa);
/// assert!(key.can_sign());
/// assert_eq!(key.public_jwk().map(|jwk| jwk.kty), Some("OKP"));
/// ```
#[derive(Clone)]
pub struct JwtKey {
    kid: String,
    algorithm: JwtAlgorithm,
    encoding: Option<EncodingKey>,
    verifier: PreparedKey,
    public_jwk: Option<PublicJwk>,
    ed25519_seed: Option<Zeroizing<[u8; 32]>>,
}

impl fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtKey")
            .field("kid", &self.kid)
            .field("algorithm", &self.algorithm)
            .field("can_sign", &self.can_sign())
            .finish_non_exhaustive()
    }
}

impl JwtKey {
    /// A new Ed25519 key pair from the OS CSPRNG, with a random `kid`.
    pub fn generate_ed25519() -> Self {
        let seed = Zeroizing::new(rand::random::<[u8; 32]>());
        // A fresh 32-byte seed is always a valid Ed25519 secret key.
        Self::ed25519_from_seed(random_id(), &seed)
            .unwrap_or_else(|_| unreachable!("any seed is valid"))
    }

    /// An Ed25519 key pair from its 32-byte private seed (the JWK `d`).
    pub fn ed25519_from_seed(kid: impl Into<String>, seed: &[u8; 32]) -> Result<Self, KeyError> {
        let signing = ed25519_dalek::SigningKey::from_bytes(seed);
        let der = signing.to_pkcs8_der().map_err(|e| invalid("Ed25519")(&e))?;
        let public = signing.verifying_key().to_bytes();
        let mut key = Self::ed25519_public(kid, &public)?;
        key.encoding = Some(EncodingKey::from_ed_der(der.as_bytes()));
        key.ed25519_seed = Some(Zeroizing::new(*seed));
        Ok(key)
    }

    /// A verification-only Ed25519 key from its 32-byte public key (the JWK `x`).
    pub fn ed25519_public(kid: impl Into<String>, public: &[u8; 32]) -> Result<Self, KeyError> {
        let kid = kid.into();
        let x = URL_SAFE_NO_PAD.encode(public);
        let verifying =
            ed25519_dalek::VerifyingKey::from_bytes(public).map_err(|e| invalid("Ed25519")(&e))?;
        let jwk = PublicJwk {
            alg: "EdDSA",
            crv: Some("Ed25519"),
            x: Some(x),
            y: None,
            n: None,
            e: None,
            kty: "OKP",
            kid: kid.clone(),
        };
        Ok(Self {
            kid,
            algorithm: JwtAlgorithm::EdDsa,
            encoding: None,
            verifier: PreparedKey::Ed25519(verifying),
            public_jwk: Some(jwk),
            ed25519_seed: None,
        })
    }

    /// An HS256 key from a shared secret of at least 32 bytes. It is never published.
    pub fn hs256(kid: impl Into<String>, secret: &[u8]) -> Result<Self, KeyError> {
        if secret.len() < 32 {
            return Err(KeyError::SecretTooShort(secret.len()));
        }
        Ok(Self {
            kid: kid.into(),
            algorithm: JwtAlgorithm::Hs256,
            encoding: Some(EncodingKey::from_secret(secret)),
            verifier: PreparedKey::Hs256(
                Hmac::<Sha256>::new_from_slice(secret).map_err(|e| invalid("HS256")(&e))?,
            ),
            public_jwk: None,
            ed25519_seed: None,
        })
    }

    /// An RS256 key pair from a PEM private key (PKCS#1 or PKCS#8), at least 2048 bits.
    pub fn rs256_pem(kid: impl Into<String>, private_pem: &str) -> Result<Self, KeyError> {
        use rsa::pkcs1::DecodeRsaPrivateKey;
        use rsa::pkcs8::DecodePrivateKey;
        let private = rsa::RsaPrivateKey::from_pkcs8_pem(private_pem)
            .or_else(|_| rsa::RsaPrivateKey::from_pkcs1_pem(private_pem))
            .map_err(|e| invalid("RSA")(&e))?;
        let mut key = Self::rsa_public_parts(kid.into(), &private.to_public_key())?;
        key.encoding = Some(
            EncodingKey::from_rsa_pem(private_pem.as_bytes()).map_err(|e| invalid("RSA")(&e))?,
        );
        Ok(key)
    }

    /// A verification-only RS256 key from a PEM public key (SPKI or PKCS#1).
    pub fn rs256_public_pem(kid: impl Into<String>, public_pem: &str) -> Result<Self, KeyError> {
        use rsa::pkcs1::DecodeRsaPublicKey;
        use rsa::pkcs8::DecodePublicKey;
        let public = rsa::RsaPublicKey::from_public_key_pem(public_pem)
            .or_else(|_| rsa::RsaPublicKey::from_pkcs1_pem(public_pem))
            .map_err(|e| invalid("RSA")(&e))?;
        Self::rsa_public_parts(kid.into(), &public)
    }

    fn rsa_public_parts(kid: String, public: &rsa::RsaPublicKey) -> Result<Self, KeyError> {
        use rsa::traits::PublicKeyParts;
        let bits = public.size() * 8;
        if bits < 2048 {
            return Err(KeyError::RsaTooSmall(bits));
        }
        let (n, e) = (public.n().to_bytes_be(), public.e().to_bytes_be());
        let jwk = PublicJwk {
            alg: "RS256",
            crv: None,
            x: None,
            y: None,
            n: Some(URL_SAFE_NO_PAD.encode(&n)),
            e: Some(URL_SAFE_NO_PAD.encode(&e)),
            kty: "RSA",
            kid: kid.clone(),
        };
        let verifier =
            PreparedKey::Rs256(Box::new(rsa::pkcs1v15::VerifyingKey::new(public.clone())));
        Ok(Self {
            kid,
            algorithm: JwtAlgorithm::Rs256,
            encoding: None,
            verifier,
            public_jwk: Some(jwk),
            ed25519_seed: None,
        })
    }

    /// An ES256 key pair from a PEM PKCS#8 P-256 private key.
    pub fn es256_pem(kid: impl Into<String>, private_pem: &str) -> Result<Self, KeyError> {
        use p256::pkcs8::DecodePrivateKey;
        let private =
            p256::SecretKey::from_pkcs8_pem(private_pem).map_err(|e| invalid("P-256")(&e))?;
        let mut key = Self::ec_public_parts(kid.into(), &private.public_key())?;
        key.encoding = Some(
            EncodingKey::from_ec_pem(private_pem.as_bytes()).map_err(|e| invalid("P-256")(&e))?,
        );
        Ok(key)
    }

    /// A verification-only ES256 key from a PEM (SPKI) P-256 public key.
    pub fn es256_public_pem(kid: impl Into<String>, public_pem: &str) -> Result<Self, KeyError> {
        use p256::pkcs8::DecodePublicKey;
        let public =
            p256::PublicKey::from_public_key_pem(public_pem).map_err(|e| invalid("P-256")(&e))?;
        Self::ec_public_parts(kid.into(), &public)
    }

    fn ec_public_parts(kid: String, public: &p256::PublicKey) -> Result<Self, KeyError> {
        use p256::elliptic_curve::sec1::ToEncodedPoint;
        let point = public.to_encoded_point(false);
        let (Some(x), Some(y)) = (point.x(), point.y()) else {
            return Err(KeyError::Invalid {
                kind: "P-256",
                reason: "the point at infinity".into(),
            });
        };
        let (x, y) = (URL_SAFE_NO_PAD.encode(x), URL_SAFE_NO_PAD.encode(y));
        let verifier = PreparedKey::Es256(p256::ecdsa::VerifyingKey::from(*public));
        let jwk = PublicJwk {
            alg: "ES256",
            crv: Some("P-256"),
            x: Some(x),
            y: Some(y),
            n: None,
            e: None,
            kty: "EC",
            kid: kid.clone(),
        };
        Ok(Self {
            kid,
            algorithm: JwtAlgorithm::Es256,
            encoding: None,
            verifier,
            public_jwk: Some(jwk),
            ed25519_seed: None,
        })
    }

    /// The key id (`kid`).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The key's algorithm: the only one a token naming this key may use.
    pub fn algorithm(&self) -> JwtAlgorithm {
        self.algorithm
    }

    /// True when the private half is held.
    pub fn can_sign(&self) -> bool {
        self.encoding.is_some()
    }

    /// The public key as a JWK; `None` for HS256 (a shared secret is never published).
    pub fn public_jwk(&self) -> Option<&PublicJwk> {
        self.public_jwk.as_ref()
    }

    /// The Ed25519 private seed (the JWK `d`), to persist the key; `None` for other keys.
    pub fn ed25519_seed(&self) -> Option<&[u8; 32]> {
        self.ed25519_seed.as_deref()
    }

    pub(crate) fn encoding(&self) -> Option<&EncodingKey> {
        self.encoding.as_ref()
    }

    pub(crate) fn verifier(&self) -> &PreparedKey {
        &self.verifier
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hs256_refuses_short_secrets() {
        assert_eq!(
            JwtKey::hs256("k", b"too short").err(),
            Some(KeyError::SecretTooShort(9))
        );
        let key = JwtKey::hs256("k", &[7u8; 32]).expect("32 bytes is enough");
        assert!(
            key.public_jwk().is_none(),
            "shared secrets are never published"
        );
    }

    #[test]
    fn ed25519_jwk_has_better_auths_members() {
        let key = JwtKey::ed25519_from_seed("kid-1", &[1u8; 32]).expect("key");
        let json = serde_json::to_value(key.public_jwk().expect("public")).expect("json");
        let mut members: Vec<&str> = json
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        members.sort_unstable();
        assert_eq!(members, ["alg", "crv", "kid", "kty", "x"]);
        assert_eq!(json["alg"], "EdDSA");
        assert_eq!(json["crv"], "Ed25519");
        assert_eq!(key.ed25519_seed(), Some(&[1u8; 32]));
    }

    #[test]
    fn garbage_pem_is_an_error_not_a_panic() {
        assert!(matches!(
            JwtKey::rs256_pem("k", "not a key"),
            Err(KeyError::Invalid { .. })
        ));
        assert!(matches!(
            JwtKey::es256_pem("k", "not a key"),
            Err(KeyError::Invalid { .. })
        ));
        assert!(matches!(
            JwtKey::rs256_public_pem("k", ""),
            Err(KeyError::Invalid { .. })
        ));
        assert!(matches!(
            JwtKey::es256_public_pem("k", ""),
            Err(KeyError::Invalid { .. })
        ));
    }
}
