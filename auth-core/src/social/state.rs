//! A social sign-in's state: the `auth-state:<state>` verification row (as Better Auth stores
//! it, plus the provider it was started for), PKCE, and the signed `state` cookie that binds
//! the flow to the browser that started it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Better Auth's `generateRandomString` alphabet for states and verifiers.
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The verification row's identifier prefix.
pub(crate) const IDENTIFIER_PREFIX: &str = "auth-state:";

/// The cookie's name after the `better-auth.` prefix.
pub(crate) const COOKIE: &str = "state";

/// A fresh random string of `len` characters from [`ALPHABET`] (64 symbols: uniform, no bias).
pub(crate) fn random_string(len: usize) -> String {
    let mut rng = rand::rngs::OsRng;
    (0..len)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// `BASE64URL(SHA-256(verifier))`, unpadded: the S256 code challenge.
pub(crate) fn code_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Who started a `link-social` flow: the callback links only while that session lives.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LinkState {
    pub(crate) user_id: String,
    pub(crate) email: String,
    /// The session's id (not its token: the row is not a place for bearer secrets).
    pub(crate) session_id: String,
}

/// The row's `value`. Better Auth's keys, and `providerId`, which binds the state to the
/// provider it was made for (Better Auth accepts a GitHub state at Google's callback).
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FlowState {
    #[serde(rename = "callbackURL")]
    pub(crate) callback_url: String,
    pub(crate) code_verifier: String,
    #[serde(rename = "errorURL", default, skip_serializing_if = "Option::is_none")]
    pub(crate) error_url: Option<String>,
    #[serde(
        rename = "newUserURL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub(crate) new_user_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) link: Option<LinkState>,
    /// Milliseconds since the epoch.
    pub(crate) expires_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) request_sign_up: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) id_token_nonce: Option<String>,
    pub(crate) oauth_state: String,
    #[serde(default)]
    pub(crate) provider_id: Option<String>,
}

impl std::fmt::Debug for FlowState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlowState")
            .field("callback_url", &self.callback_url)
            .field("provider_id", &self.provider_id)
            .field("link", &self.link.is_some())
            .finish_non_exhaustive()
    }
}

impl FlowState {
    /// The row's JSON: the caller's `additionalData` first, Better Auth's keys over it.
    pub(crate) fn to_value(
        &self,
        additional: Option<&serde_json::Map<String, serde_json::Value>>,
    ) -> String {
        let mut map = additional.cloned().unwrap_or_default();
        if let Ok(serde_json::Value::Object(own)) = serde_json::to_value(self) {
            map.extend(own);
        }
        serde_json::Value::Object(map).to_string()
    }

    /// Reads a row's JSON; `None` when it is not a state we can use.
    pub(crate) fn parse(value: &str) -> Option<Self> {
        serde_json::from_str(value).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_is_rfc_7636_s256() {
        // RFC 7636, appendix B.
        assert_eq!(
            code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn random_strings_use_the_alphabet() {
        let s = random_string(128);
        assert_eq!(s.len(), 128);
        assert!(s.bytes().all(|b| ALPHABET.contains(&b)));
        assert_ne!(random_string(32), random_string(32));
    }

    #[test]
    fn better_auths_keys_win_over_additional_data() {
        let state = FlowState {
            callback_url: "/dashboard".into(),
            code_verifier: "v".into(),
            error_url: None,
            new_user_url: None,
            link: None,
            expires_at: 1,
            request_sign_up: None,
            id_token_nonce: None,
            oauth_state: "s".into(),
            provider_id: Some("github".into()),
        };
        let mut extra = serde_json::Map::new();
        extra.insert("callbackURL".into(), "http://evil.example".into());
        extra.insert("plan".into(), "pro".into());
        let value = state.to_value(Some(&extra));
        let back = FlowState::parse(&value).expect("parses");
        assert_eq!(back, state);
        assert!(value.contains("\"plan\":\"pro\""));
    }
}
