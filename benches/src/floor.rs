//! The floor of token validation: the cheapest possible correct check of one token, written
//! directly on the primitives, that auth-core's verifier is measured against.

use auth_core::token::Claims;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The cheapest possible correct check of one token: what any verifier must at least do.
pub enum Floor {
    /// HMAC-SHA256 with the shared secret.
    Hs256(Hmac<Sha256>),
    /// An Ed25519 public key.
    EdDsa(ed25519_dalek::VerifyingKey),
    /// A P-256 public key.
    Es256(p256::ecdsa::VerifyingKey),
    /// An RSA public key.
    Rs256(Box<rsa::pkcs1v15::VerifyingKey<Sha256>>),
}

impl Floor {
    /// Decodes the three parts, checks the signature and parses the claims (panics on a bad
    /// token: it only ever checks good ones).
    pub fn check(&self, token: &str) -> Claims {
        let (message, signature) = token.rsplit_once('.').expect("three parts");
        let (header, payload) = message.split_once('.').expect("three parts");
        let _header = URL_SAFE_NO_PAD.decode(header).expect("header");
        let payload = URL_SAFE_NO_PAD.decode(payload).expect("payload");
        let signature = URL_SAFE_NO_PAD.decode(signature).expect("signature");
        let ok = match self {
            Floor::Hs256(mac) => {
                let mut mac = mac.clone();
                mac.update(message.as_bytes());
                mac.verify_slice(&signature).is_ok()
            }
            Floor::EdDsa(key) => {
                let sig = ed25519_dalek::Signature::from_slice(&signature).expect("sig");
                key.verify_strict(message.as_bytes(), &sig).is_ok()
            }
            Floor::Es256(key) => {
                use p256::ecdsa::signature::Verifier;
                let sig = p256::ecdsa::Signature::from_slice(&signature).expect("sig");
                key.verify(message.as_bytes(), &sig).is_ok()
            }
            Floor::Rs256(key) => {
                use rsa::signature::Verifier;
                let sig = rsa::pkcs1v15::Signature::try_from(signature.as_slice()).expect("sig");
                key.verify(message.as_bytes(), &sig).is_ok()
            }
        };
        assert!(ok);
        serde_json::from_slice(&payload).expect("claims")
    }
}
