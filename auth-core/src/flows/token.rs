//! Access tokens: issuing a JWT for a session, and verifying one (optionally checking that its
//! session still exists).

use crate::Auth;
use crate::error::AuthError;
use crate::model::AuthSession;
use crate::token::revocation::Known;
use crate::token::{Claims, TokenError};

impl Auth {
    /// A signed JWT for the current session, valid for `token_ttl` (30 days by default).
    pub fn issue_token(&self, current: &AuthSession) -> Result<String, AuthError> {
        let now = self.now();
        let issuer = &self.inner.issuer;
        let claims = Claims::new(
            &current.user,
            &current.session.id,
            now,
            now + self.config().token_ttl(),
            issuer.issuer(),
            issuer.audience(),
        );
        Ok(issuer.sign(&claims)?)
    }

    /// Verifies a JWT: signature, expiry, issuer, audience, and — when the revocation check is
    /// on — that its session (`sid`) still exists and has not expired. Session answers are
    /// cached for the configured TTL, so the hot path seldom reaches the store.
    pub async fn verify_token(&self, token: &str) -> Result<Claims, AuthError> {
        let now = self.now();
        let claims = self.inner.issuer.verify(token, now)?;
        let Some(cache) = &self.inner.revocation else {
            return Ok(claims);
        };
        let sid = claims.sid.as_deref().ok_or(TokenError::Revoked)?;
        match cache.get(sid, now) {
            Known::Alive => return Ok(claims),
            Known::Gone => return Err(TokenError::Revoked.into()),
            Known::Unknown => {}
        }
        let session = self.inner.store.find_session_by_id(sid).await?;
        let alive = session.filter(|s| !s.is_expired(now) && s.user_id == claims.sub);
        cache.record(sid, alive.as_ref().map(|s| s.expires_at));
        match alive {
            Some(_) => Ok(claims),
            None => Err(TokenError::Revoked.into()),
        }
    }
}
