//! [`Caches`]: this instance's in-memory copies of sessions (for get-session and cookie
//! authentication) and of session liveness (for JWT revocation checks), and the marks that make
//! them forget what an [`Invalidation`] names.
//!
//! A copy is good for the TTL at most, and only while nothing it depends on was invalidated
//! after the read that made it began: every copy carries the time its read started, every event
//! leaves a mark with the time it was applied, and a copy older than a mark of its session, of
//! its user, or of everything (a gap in the channel) is not used. Marks and inserts happen under
//! one lock, so a read racing an event cannot leave a stale copy behind; a mark is forgotten
//! once it is older than the TTL, when every copy it could refuse has expired anyway.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use quick_cache::sync::Cache;

use super::Invalidation;
use crate::model::{AuthSession, SessionId, SessionToken, Timestamp, User, UserId};
use crate::token::AccessToken;
use crate::token::revocation::RevocationCache;

/// Marks are swept when a map holds more than this many.
const SWEEP_ABOVE: usize = 4096;

#[derive(Default)]
struct Marks {
    /// Sessions whose copies are stale (ended, or written through this instance).
    sessions: HashMap<SessionId, i64>,
    /// Sessions that ended: their liveness is not recorded from a read that began earlier.
    ended: HashMap<SessionId, i64>,
    users: HashMap<UserId, i64>,
    /// Everything cached before this (unix millis) is stale: the channel had a gap.
    all: i64,
}

impl Marks {
    /// Whether a copy of `session` made by a read that began at `read_at` is still good.
    fn allows(&self, read_at: i64, session: &SessionId, user: &UserId) -> bool {
        read_at > self.all
            && self.sessions.get(session).is_none_or(|at| read_at > *at)
            && self.users.get(user).is_none_or(|at| read_at > *at)
    }

    fn sweep(&mut self, now: i64, ttl: Duration) {
        let ttl = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX);
        let keep = |at: &mut i64| now.saturating_sub(*at) <= ttl;
        if self.sessions.len() > SWEEP_ABOVE {
            self.sessions.retain(|_, at| keep(at));
        }
        if self.ended.len() > SWEEP_ABOVE {
            self.ended.retain(|_, at| keep(at));
        }
        if self.users.len() > SWEEP_ABOVE {
            self.users.retain(|_, at| keep(at));
        }
    }
}

#[derive(Clone)]
struct Copy {
    session: AuthSession,
    read_at: i64,
}

/// A JWT get-session issued for a session, and the user it describes.
#[derive(Clone)]
struct Minted {
    user: User,
    token: AccessToken,
    issued_at: i64,
}

/// The in-memory copies, and what invalidates them.
pub(crate) struct Caches {
    marks: Mutex<Marks>,
    sessions: Option<Cache<SessionToken, Copy>>,
    /// The JWTs get-session handed out, by session: signing one costs more than the rest of
    /// the request, and the claims only change with the user.
    tokens: Option<Cache<SessionId, Minted>>,
    session_ttl: Duration,
    pub(crate) revocation: Option<RevocationCache>,
    /// The longest TTL of the two: how long a mark must be kept.
    mark_ttl: Duration,
    /// Whether the invalidation listener is connected (and proven) right now.
    pub(crate) listening: std::sync::atomic::AtomicBool,
}

impl Caches {
    /// Caches with a session cache of `capacity` copies good for `ttl` (`None`: no session
    /// cache) and the revocation cache given.
    pub(crate) fn new(
        sessions: Option<(usize, Duration)>,
        revocation: Option<(usize, Duration)>,
    ) -> Self {
        let session_ttl = sessions.map(|(_, ttl)| ttl).unwrap_or_default();
        let revocation_ttl = revocation.map(|(_, ttl)| ttl).unwrap_or_default();
        Self {
            marks: Mutex::new(Marks::default()),
            sessions: sessions.map(|(capacity, _)| Cache::new(capacity.max(1))),
            tokens: sessions.map(|(capacity, _)| Cache::new(capacity.max(1))),
            session_ttl,
            revocation: revocation.map(|(capacity, ttl)| RevocationCache::new(capacity, ttl)),
            mark_ttl: session_ttl.max(revocation_ttl),
            listening: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn marks(&self) -> std::sync::MutexGuard<'_, Marks> {
        // The marks are plain data: a panic elsewhere cannot leave them half-written.
        self.marks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The copy of the session behind `token`, if one is good at `now`: younger than the TTL,
    /// not invalidated since, and not past its expiry (an expiry another instance may have
    /// slid forward is checked against the store instead).
    pub(crate) fn session(&self, token: &SessionToken, now: Timestamp) -> Option<AuthSession> {
        let cache = self.sessions.as_ref()?;
        let copy = cache.get(token)?;
        let now_ms = now.unix_millis();
        let age = now_ms.saturating_sub(copy.read_at);
        let young = u128::try_from(age).is_ok_and(|age| age < self.session_ttl.as_millis());
        if !young || copy.session.session.expires_at <= now {
            return None;
        }
        let marks = self.marks();
        marks
            .allows(
                copy.read_at,
                &copy.session.session.id,
                &copy.session.user.id,
            )
            .then_some(copy.session)
    }

    /// Keeps a copy of `session`, read from the store by a read that began at `read_at`,
    /// unless something it depends on was invalidated since.
    pub(crate) fn remember_session(
        &self,
        token: &SessionToken,
        session: &AuthSession,
        read_at: Timestamp,
    ) {
        let Some(cache) = &self.sessions else {
            return;
        };
        let read_at = read_at.unix_millis();
        let marks = self.marks();
        if marks.allows(read_at, &session.session.id, &session.user.id) {
            cache.insert(
                token.clone(),
                Copy {
                    session: session.clone(),
                    read_at,
                },
            );
        }
    }

    /// The JWT get-session issued for `current`'s session less than the TTL ago, if it
    /// describes the user exactly as `current` does (its other claims are the session id and
    /// the times).
    pub(crate) fn minted(&self, current: &AuthSession, now: Timestamp) -> Option<AccessToken> {
        let minted = self.tokens.as_ref()?.get(&current.session.id)?;
        let age = now.unix_millis().saturating_sub(minted.issued_at);
        let young = u128::try_from(age).is_ok_and(|age| age < self.session_ttl.as_millis());
        (young && minted.user == current.user).then_some(minted.token)
    }

    /// Keeps the JWT just issued for `current` at `now`.
    pub(crate) fn remember_minted(
        &self,
        current: &AuthSession,
        token: &AccessToken,
        now: Timestamp,
    ) {
        if let Some(tokens) = &self.tokens {
            tokens.insert(
                current.session.id.clone(),
                Minted {
                    user: current.user.clone(),
                    token: token.clone(),
                    issued_at: now.unix_millis(),
                },
            );
        }
    }

    /// Drops the copy behind `token` (its session was written through this instance).
    pub(crate) fn forget_token(&self, token: &SessionToken) {
        if let Some(cache) = &self.sessions {
            cache.remove(token);
        }
    }

    /// Records what the store said of a session's liveness (for JWT checks), read at
    /// `checked`, unless the session was invalidated since (then it is recorded as gone).
    pub(crate) fn record_liveness(
        &self,
        session: &SessionId,
        alive_until: Option<Timestamp>,
        checked: Timestamp,
    ) {
        let Some(cache) = &self.revocation else {
            return;
        };
        let marks = self.marks();
        let at = checked.unix_millis();
        if at <= marks.all {
            return;
        }
        let ended = marks.ended.get(session).is_some_and(|mark| at <= *mark);
        cache.record(session, if ended { None } else { alive_until }, checked);
    }

    /// Applies events, from this instance's writes or another's, at `now`.
    pub(crate) fn apply(&self, events: &[Invalidation], now: Timestamp) {
        if events.is_empty() {
            return;
        }
        let now_ms = now.unix_millis();
        let mut marks = self.marks();
        for event in events {
            match event {
                Invalidation::Session(id) => {
                    marks.sessions.insert(id.clone(), now_ms);
                    marks.ended.insert(id.clone(), now_ms);
                    if let Some(cache) = &self.revocation {
                        cache.record(id, None, now);
                    }
                }
                Invalidation::User(id) => {
                    marks.users.insert(id.clone(), now_ms);
                }
            }
        }
        marks.sweep(now_ms, self.mark_ttl);
    }

    /// Makes the copies of a session stale without ending it (its expiry was slid forward
    /// through this instance; its tokens stay good).
    pub(crate) fn session_changed(&self, session: &SessionId, now: Timestamp) {
        let mut marks = self.marks();
        marks.sessions.insert(session.clone(), now.unix_millis());
        marks.sweep(now.unix_millis(), self.mark_ttl);
    }

    /// Forgets every copy made before `now` (the channel had a gap: events may have been
    /// missed).
    pub(crate) fn stale_all(&self, now: Timestamp) {
        let mut marks = self.marks();
        marks.all = marks.all.max(now.unix_millis());
        if let Some(cache) = &self.sessions {
            cache.clear();
        }
        if let Some(cache) = &self.tokens {
            cache.clear();
        }
        if let Some(cache) = &self.revocation {
            cache.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Session, User};

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_unix_millis(1_800_000_000_000 + ms).expect("time")
    }

    fn session(id: &str, user: &str) -> AuthSession {
        let user = User::new(UserId::new(user), "Ada", "ada@example.com", at(0));
        let session = Session::new(
            SessionId::new(id),
            SessionToken::new(format!("token-{id}")),
            user.id.clone(),
            at(0),
            at(86_400_000),
        );
        AuthSession::new(session, user)
    }

    fn caches() -> Caches {
        Caches::new(
            Some((100, Duration::from_secs(30))),
            Some((100, Duration::from_secs(30))),
        )
    }

    #[test]
    fn copies_live_for_the_ttl_until_invalidated() {
        let c = caches();
        let s = session("s1", "u1");
        let token = s.session.token.clone();
        c.remember_session(&token, &s, at(1_000));
        assert_eq!(c.session(&token, at(1_001)), Some(s.clone()));
        assert_eq!(c.session(&token, at(30_999)), Some(s.clone()));
        assert_eq!(c.session(&token, at(31_000)), None, "the TTL");

        c.remember_session(&token, &s, at(40_000));
        c.apply(&[Invalidation::User(UserId::new("u2"))], at(40_001));
        assert!(
            c.session(&token, at(40_002)).is_some(),
            "another user's event"
        );
        c.apply(&[Invalidation::User(UserId::new("u1"))], at(40_003));
        assert_eq!(c.session(&token, at(40_004)), None, "its user's event");

        c.remember_session(&token, &s, at(50_000));
        c.apply(&[Invalidation::Session(SessionId::new("s1"))], at(50_000));
        assert_eq!(
            c.session(&token, at(50_001)),
            None,
            "an event in the same millisecond"
        );
    }

    #[test]
    fn a_read_that_began_before_an_event_leaves_no_copy() {
        let c = caches();
        let s = session("s1", "u1");
        let token = s.session.token.clone();
        // The read begins, the session ends elsewhere, the read's answer arrives.
        c.apply(&[Invalidation::Session(SessionId::new("s1"))], at(2_000));
        c.remember_session(&token, &s, at(1_999));
        assert_eq!(c.session(&token, at(2_001)), None);
        // A later read is kept.
        c.remember_session(&token, &s, at(2_001));
        assert!(c.session(&token, at(2_002)).is_some());
    }

    #[test]
    fn liveness_racing_an_event_is_recorded_as_gone() {
        use crate::token::revocation::Known;
        let c = caches();
        let id = SessionId::new("s1");
        c.apply(&[Invalidation::Session(id.clone())], at(5_000));
        c.record_liveness(&id, Some(at(90_000)), at(4_999));
        let revocation = c.revocation.as_ref().expect("on");
        assert_eq!(revocation.get(&id, at(5_001)), Known::Gone);
        c.record_liveness(&id, Some(at(90_000)), at(5_001));
        assert_eq!(revocation.get(&id, at(5_002)), Known::Alive);
    }

    #[test]
    fn a_gap_forgets_everything_cached_before_it() {
        use crate::token::revocation::Known;
        let c = caches();
        let s = session("s1", "u1");
        let token = s.session.token.clone();
        c.remember_session(&token, &s, at(1_000));
        c.record_liveness(&s.session.id, Some(at(90_000)), at(1_000));
        c.stale_all(at(2_000));
        assert_eq!(c.session(&token, at(2_001)), None);
        let revocation = c.revocation.as_ref().expect("on");
        assert_eq!(revocation.get(&s.session.id, at(2_001)), Known::Unknown);
        // Reads that began before the gap ended are not kept either.
        c.remember_session(&token, &s, at(1_500));
        c.record_liveness(&s.session.id, Some(at(90_000)), at(1_500));
        assert_eq!(c.session(&token, at(2_001)), None);
        assert_eq!(revocation.get(&s.session.id, at(2_001)), Known::Unknown);
    }

    #[test]
    fn an_expired_copy_is_not_used_and_marks_are_swept() {
        let c = caches();
        let mut s = session("s1", "u1");
        s.session.expires_at = at(1_500);
        let token = s.session.token.clone();
        c.remember_session(&token, &s, at(1_000));
        assert!(c.session(&token, at(1_499)).is_some());
        assert_eq!(c.session(&token, at(1_500)), None);

        for i in 0..=SWEEP_ABOVE {
            c.apply(&[Invalidation::User(UserId::new(format!("u{i}")))], at(0));
        }
        c.apply(&[Invalidation::User(UserId::new("late"))], at(60_000));
        assert_eq!(
            c.marks().users.len(),
            1,
            "marks older than the TTL are swept"
        );
    }
}
