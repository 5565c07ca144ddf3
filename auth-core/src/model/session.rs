//! Sessions: one signed-in device or browser.

use serde::{Deserialize, Serialize};

use super::{Timestamp, User};

/// A session row, as stored in Better Auth's `"session"` table and sent in its JSON.
///
/// The `token` is the bearer secret (the session cookie carries it with an HMAC); `id` is
/// what JWTs carry as `sid`, so a leaked JWT never reveals the session token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// When the session stops being valid.
    pub expires_at: Timestamp,
    /// 32-character random token.
    pub token: String,
    /// When the session was created (sign-in time).
    pub created_at: Timestamp,
    /// When the row last changed (a sliding refresh bumps it).
    pub updated_at: Timestamp,
    /// Client IP address, if known (Better Auth writes `""` when unknown).
    pub ip_address: Option<String>,
    /// Client `User-Agent`, if known.
    pub user_agent: Option<String>,
    /// The owner.
    pub user_id: String,
    /// 32-character id.
    pub id: String,
}

impl std::fmt::Debug for Session {
    // The token is a bearer credential: whoever reads it from a log is signed in.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("expires_at", &self.expires_at)
            .field("token", &"<redacted>")
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .field("ip_address", &self.ip_address)
            .field("user_agent", &self.user_agent)
            .field("user_id", &self.user_id)
            .field("id", &self.id)
            .finish()
    }
}

impl Session {
    /// True once `now` has reached `expires_at`.
    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.expires_at <= now
    }
}

/// A valid session together with its user: what "signed in" means to the flows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthSession {
    /// The session.
    pub session: Session,
    /// Its user.
    pub user: User,
}

/// Facts about the client that a new session records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInfo {
    /// The client's IP address, when it is known and trustworthy.
    pub ip_address: Option<String>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
}
