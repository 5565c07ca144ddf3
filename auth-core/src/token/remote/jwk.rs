//! One JWK of a remote set, turned into a prepared verification key — or skipped, with the
//! reason, when it is not a key we can use (RFC 7517 §5: a set's unusable members are ignored,
//! never fatal).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sha2::Sha256;

use crate::token::JwtAlgorithm;
use crate::token::verify::PreparedKey;

/// The members of a public JWK we read; the rest are ignored.
#[derive(Debug, Deserialize)]
pub(super) struct RawJwk {
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    kty: Option<String>,
    #[serde(default)]
    alg: Option<String>,
    #[serde(default)]
    crv: Option<String>,
    #[serde(default, rename = "use")]
    use_: Option<String>,
    #[serde(default)]
    x: Option<String>,
    #[serde(default)]
    y: Option<String>,
    #[serde(default)]
    n: Option<String>,
    #[serde(default)]
    e: Option<String>,
    /// Private members: a set that publishes one is a mistake we do not build on.
    #[serde(default)]
    d: Option<serde::de::IgnoredAny>,
}

/// A usable key: its id and the prepared verifier (whose algorithm is the key's own).
pub(super) struct UsableKey {
    pub(super) kid: String,
    pub(super) key: PreparedKey,
}

fn bytes(member: Option<&String>, name: &str) -> Result<Vec<u8>, String> {
    let text = member.ok_or_else(|| format!("no `{name}`"))?;
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| format!("`{name}` is not base64url"))
}

/// The key, or why it cannot be used.
pub(super) fn usable(raw: &RawJwk) -> Result<UsableKey, String> {
    let kid = raw
        .kid
        .as_deref()
        .filter(|kid| !kid.is_empty() && kid.len() <= 256)
        .ok_or("no `kid` (a key without one could only be tried blindly)")?
        .to_owned();
    if raw.d.is_some() {
        return Err("it carries private key material".into());
    }
    if raw.use_.as_deref().is_some_and(|u| u != "sig") {
        return Err("its `use` is not `sig`".into());
    }
    // The algorithm comes from the key, never from a token: `alg` when the set names it, else
    // the one algorithm the key type and curve allow.
    let algorithm = match (raw.kty.as_deref(), raw.crv.as_deref(), raw.alg.as_deref()) {
        (Some("OKP"), Some("Ed25519"), None | Some("EdDSA" | "Ed25519")) => JwtAlgorithm::EdDsa,
        (Some("EC"), Some("P-256"), None | Some("ES256")) => JwtAlgorithm::Es256,
        (Some("RSA"), _, None | Some("RS256")) => JwtAlgorithm::Rs256,
        (kty, crv, alg) => {
            return Err(format!(
                "unsupported key (kty {kty:?}, crv {crv:?}, alg {alg:?})"
            ));
        }
    };
    let key = match algorithm {
        JwtAlgorithm::EdDsa => {
            let x: [u8; 32] = bytes(raw.x.as_ref(), "x")?
                .try_into()
                .map_err(|_| "`x` is not 32 bytes")?;
            PreparedKey::Ed25519(
                ed25519_dalek::VerifyingKey::from_bytes(&x)
                    .map_err(|_| "`x` is no Ed25519 point")?,
            )
        }
        JwtAlgorithm::Es256 => {
            let (x, y) = (bytes(raw.x.as_ref(), "x")?, bytes(raw.y.as_ref(), "y")?);
            if x.len() != 32 || y.len() != 32 {
                return Err("`x` or `y` is not 32 bytes".into());
            }
            let point = p256::EncodedPoint::from_affine_coordinates(
                p256::FieldBytes::from_slice(&x),
                p256::FieldBytes::from_slice(&y),
                false,
            );
            PreparedKey::Es256(
                p256::ecdsa::VerifyingKey::from_encoded_point(&point)
                    .map_err(|_| "(x, y) is no P-256 point")?,
            )
        }
        JwtAlgorithm::Rs256 => {
            use rsa::traits::PublicKeyParts;
            let n = rsa::BigUint::from_bytes_be(&bytes(raw.n.as_ref(), "n")?);
            let e = rsa::BigUint::from_bytes_be(&bytes(raw.e.as_ref(), "e")?);
            let public = rsa::RsaPublicKey::new(n, e).map_err(|e| format!("bad RSA key: {e}"))?;
            let bits = public.size() * 8;
            if bits < 2048 {
                return Err(format!(
                    "an RSA key of {bits} bits (at least 2048 are needed)"
                ));
            }
            PreparedKey::Rs256(Box::new(rsa::pkcs1v15::VerifyingKey::<Sha256>::new(public)))
        }
        // HS256 is a shared secret: never in a public set.
        JwtAlgorithm::Hs256 => return Err("a symmetric key".into()),
    };
    Ok(UsableKey { kid, key })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> RawJwk {
        serde_json::from_str(json).expect("jwk")
    }

    #[test]
    fn better_auths_ed25519_key_is_usable_and_unusable_ones_say_why() {
        // A public key as Better Auth's /jwks publishes it.
        let key = raw(
            r#"{"crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kty":"OKP","kid":"k1","alg":"EdDSA"}"#,
        );
        let found = usable(&key).expect("usable");
        assert_eq!(found.kid, "k1");
        assert_eq!(found.key.algorithm(), JwtAlgorithm::EdDsa);
        for (json, why) in [
            (
                r#"{"crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kty":"OKP"}"#,
                "kid",
            ),
            (
                r#"{"crv":"Ed448","x":"AA","kty":"OKP","kid":"k"}"#,
                "unsupported",
            ),
            (r#"{"kty":"oct","k":"c2VjcmV0","kid":"k"}"#, "unsupported"),
            (
                r#"{"crv":"Ed25519","x":"AAAA","kty":"OKP","kid":"k"}"#,
                "32 bytes",
            ),
            (
                r#"{"crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kty":"OKP","kid":"k","alg":"ES256"}"#,
                "unsupported",
            ),
            (
                r#"{"crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kty":"OKP","kid":"k","use":"enc"}"#,
                "use",
            ),
            (
                r#"{"crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"secret","kty":"OKP","kid":"k"}"#,
                "private",
            ),
        ] {
            let refused = usable(&raw(json)).err().unwrap_or_default();
            assert!(refused.contains(why), "{json}: {refused}");
        }
    }
}
