//! Sessions: one signed-in device or browser.

use serde::{Deserialize, Serialize};

use super::{SessionId, SessionToken, Timestamp, User, UserId};

/// A session row, as stored in Better Auth's `"session"` table and sent in its JSON.
///
/// The `token` is the bearer secret (the session cookie carries it with an HMAC; its `Debug`
/// prints nothing of it); `id` is what JWTs carry as `sid`, so a leaked JWT never reveals the
/// session token. A store builds one with [`Session::new`] and sets the other fields from its
/// row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Session {
    /// When the session stops being valid.
    pub expires_at: Timestamp,
    /// 32-character random token.
    pub token: SessionToken,
    /// When the session was created (sign-in time).
    pub created_at: Timestamp,
    /// When the row last changed (a sliding refresh bumps it).
    pub updated_at: Timestamp,
    /// Client IP address, if known (Better Auth writes `""` when unknown).
    pub ip_address: Option<String>,
    /// Client `User-Agent`, if known.
    pub user_agent: Option<String>,
    /// The owner.
    pub user_id: UserId,
    /// 32-character id.
    pub id: SessionId,
}

impl Session {
    /// A session of `user_id` created at `created_at`, valid until `expires_at`, with no client
    /// facts recorded.
    pub fn new(
        id: SessionId,
        token: SessionToken,
        user_id: UserId,
        created_at: Timestamp,
        expires_at: Timestamp,
    ) -> Self {
        Self {
            expires_at,
            token,
            created_at,
            updated_at: created_at,
            ip_address: None,
            user_agent: None,
            user_id,
            id,
        }
    }

    /// True once `now` has reached `expires_at`.
    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.expires_at <= now
    }
}

/// A valid session together with its user: what "signed in" means to the flows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuthSession {
    /// The session.
    pub session: Session,
    /// Its user.
    pub user: User,
}

impl AuthSession {
    /// The session and its user.
    pub fn new(session: Session, user: User) -> Self {
        Self { session, user }
    }
}

/// Facts about the client that a new session records.
///
/// ```
/// use auth_core::model::ClientInfo;
///
/// let client = ClientInfo::new(Some("203.0.113.9".into()), Some("curl/8.5".into()));
/// assert_eq!(client.ip_address.as_deref(), Some("203.0.113.9"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientInfo {
    /// The client's IP address, when it is known and trustworthy.
    pub ip_address: Option<String>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
}

impl ClientInfo {
    /// A client with this address and `User-Agent`.
    pub fn new(ip_address: Option<String>, user_agent: Option<String>) -> Self {
        Self {
            ip_address,
            user_agent,
        }
    }
}
