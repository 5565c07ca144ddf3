//! The claims of an access token: Better Auth's (the user plus `sub`, `iat`, `exp`, `iss`,
//! `aud`) and `sid`, the session the token was issued for.

use serde::{Deserialize, Serialize};

use crate::model::{SessionId, Timestamp, User, UserId};

/// JWT claims, in Better Auth's key order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Claims {
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// The user's name.
    pub name: String,
    /// The user's email.
    pub email: String,
    /// Whether the email is verified.
    pub email_verified: bool,
    /// The user's image.
    pub image: Option<String>,
    /// When the user was created.
    pub created_at: Timestamp,
    /// When the user was last updated.
    pub updated_at: Timestamp,
    /// Whether the user has two-factor authentication on; present (as with Better Auth's
    /// `twoFactor` plugin) only when two-factor is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub two_factor_enabled: Option<bool>,
    /// The user's id.
    pub id: UserId,
    /// Subject: the user's id.
    pub sub: UserId,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Issuer: the auth server's origin.
    pub iss: String,
    /// Audience: the auth server's origin, unless configured otherwise.
    pub aud: String,
    /// Not before (seconds since the epoch); we never write it but honour it when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// The session id; absent in tokens that Better Auth itself issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<SessionId>,
}

impl Claims {
    /// Claims for `user`'s session `session_id`, valid from `issued_at` until `expires_at`.
    pub fn new(
        user: &User,
        session_id: &SessionId,
        issued_at: Timestamp,
        expires_at: Timestamp,
        issuer: &str,
        audience: &str,
    ) -> Self {
        Self {
            iat: issued_at.unix_seconds(),
            name: user.name.clone(),
            email: user.email.clone(),
            email_verified: user.email_verified,
            image: user.image.clone(),
            created_at: user.created_at,
            updated_at: user.updated_at,
            two_factor_enabled: user.two_factor_enabled,
            id: user.id.clone(),
            sub: user.id.clone(),
            exp: expires_at.unix_seconds(),
            iss: issuer.to_owned(),
            aud: audience.to_owned(),
            nbf: None,
            sid: Some(session_id.clone()),
        }
    }

    /// The user as the token describes them (as of when it was issued).
    pub fn user(&self) -> User {
        let mut user = User::new(
            self.id.clone(),
            self.name.clone(),
            self.email.clone(),
            self.created_at,
        );
        user.email_verified = self.email_verified;
        user.image.clone_from(&self.image);
        user.updated_at = self.updated_at;
        user.two_factor_enabled = self.two_factor_enabled;
        user
    }
}
