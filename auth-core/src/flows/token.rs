//! Access tokens: issuing a JWT for a session, and verifying one (optionally checking that its
//! session still exists).

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Auth;
use crate::error::AuthError;
use crate::model::{AuthSession, SessionId, Timestamp, UserId};
use crate::token::revocation::Known;
use crate::token::{AccessToken, Claims, TokenError, TokenIssuer};

impl Auth {
    /// A signed JWT for the current session, valid for `token_ttl` (30 days by default).
    pub fn issue_token(&self, current: &AuthSession) -> Result<AccessToken, AuthError> {
        let now = self.now();
        let issuer = self.issuer();
        let mut claims = Claims::new(
            &current.user,
            &current.session.id,
            now,
            now + self.config().token_ttl(),
            issuer.issuer(),
            issuer.audience(),
        );
        // The payload is the user as the protocol shows it.
        claims.two_factor_enabled = self
            .config()
            .two_factor()
            .map(|_| current.user.two_factor_enabled.unwrap_or(false));
        Ok(issuer.sign(&claims)?)
    }

    /// The JWT get-session hands out with each answer (`set-auth-jwt`): the one issued for
    /// this session within the session cache's TTL when it still describes the user as they
    /// are, else a new one. Signing is most of a cached get-session's cost; a token a few
    /// seconds old is as good (30 days, revocable with its session).
    pub(crate) fn session_jwt(&self, current: &AuthSession) -> Result<AccessToken, AuthError> {
        let now = self.now();
        let caches = &self.inner.caches;
        if let Some(token) = caches.minted(current, now) {
            return Ok(token);
        }
        let token = self.issue_token(current)?;
        caches.remember_minted(current, &token, now);
        Ok(token)
    }

    /// Verifies a JWT: signature, expiry, issuer, audience, and — when the revocation check is
    /// on — that its session (`sid`) still exists and has not expired. Session answers are
    /// cached for the configured TTL, so the hot path seldom reaches the store.
    pub async fn verify_token(&self, token: &str) -> Result<Claims, AuthError> {
        let claims = self
            .with_keys(token, |issuer, now| issuer.verify(token, now))
            .await?;
        let now = self.now();
        self.check_session(claims.sid.as_ref(), &claims.sub, now)
            .await?;
        Ok(claims)
    }

    /// [`Auth::verify_token`] without copying the claims out of the verified-token cache.
    pub(crate) async fn verify_token_shared(&self, token: &str) -> Result<Arc<Claims>, AuthError> {
        let claims = self
            .with_keys(token, |issuer, now| issuer.verify_shared(token, now))
            .await?;
        let now = self.now();
        self.check_session(claims.sid.as_ref(), &claims.sub, now)
            .await?;
        Ok(claims)
    }

    /// Verifies a JWT like [`Auth::verify_token`] and deserialises its whole payload into `T`:
    /// for applications whose tokens carry claims of their own.
    pub async fn verify_token_as<T: DeserializeOwned>(&self, token: &str) -> Result<T, AuthError> {
        let payload = self
            .with_keys(token, |issuer, now| issuer.verify_value(token, now))
            .await?;
        let now = self.now();
        let sid = payload
            .get("sid")
            .and_then(Value::as_str)
            .map(SessionId::from);
        let sub = UserId::new(
            payload
                .get("sub")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        );
        self.check_session(sid.as_ref(), &sub, now).await?;
        serde_json::from_value(payload).map_err(|_| AuthError::InvalidToken(TokenError::Malformed))
    }

    /// Runs `verify`; when the issuer can fetch keys it lacks (a remote JWKS), once more after
    /// fetching them.
    async fn with_keys<T>(
        &self,
        token: &str,
        verify: impl Fn(&dyn TokenIssuer, Timestamp) -> Result<T, TokenError>,
    ) -> Result<T, TokenError> {
        let issuer = self.issuer();
        match verify(issuer, self.now()) {
            Err(error @ (TokenError::UnknownKey | TokenError::KeysUnavailable)) => {
                // An issuer with its keys at hand has given its answer: no second check.
                let Some(refresh) = issuer.refresh_keys(token) else {
                    return Err(error);
                };
                refresh.await;
                verify(issuer, self.now())
            }
            done => done,
        }
    }

    /// In revocation-check mode: the token's session must exist, be unexpired and be `sub`'s.
    pub(crate) async fn check_session(
        &self,
        sid: Option<&SessionId>,
        sub: &UserId,
        now: Timestamp,
    ) -> Result<(), AuthError> {
        if let Some(known) = self.check_session_cached(sid, now) {
            return known;
        }
        let (Some(_), Some(sid)) = (&self.inner.caches.revocation, sid) else {
            return Ok(());
        };
        let session = self.store().find_session_by_id(sid).await?;
        let alive = session.filter(|s| !s.is_expired(now) && &s.user_id == sub);
        self.inner
            .caches
            .record_liveness(sid, alive.as_ref().map(|s| s.expires_at), now);
        match alive {
            Some(_) => Ok(()),
            None => Err(TokenError::Revoked.into()),
        }
    }

    /// [`Auth::check_session`] from the revocation cache alone; `None` when only the store can
    /// answer.
    pub(crate) fn check_session_cached(
        &self,
        sid: Option<&SessionId>,
        now: Timestamp,
    ) -> Option<Result<(), AuthError>> {
        let Some(cache) = &self.inner.caches.revocation else {
            return Some(Ok(()));
        };
        let Some(sid) = sid else {
            return Some(Err(TokenError::Revoked.into()));
        };
        match cache.get(sid, now) {
            Known::Alive => Some(Ok(())),
            Known::Gone => Some(Err(TokenError::Revoked.into())),
            Known::Unknown => None,
        }
    }
}
