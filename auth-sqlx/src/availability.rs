//! Failing fast while the database is down.
//!
//! sqlx retries a refused connection until the acquire timeout, so without this gate every call
//! made during an outage would wait the whole timeout (5 s by default) before its 503, holding
//! the client and a task all that time. Once a call finds the database unreachable, the gate
//! answers `Unavailable` at once to every call but one at a time: that one (the probe) tries the
//! database for real, and the first probe the database answers opens the gate again. Recovery is
//! as quick as sqlx's reconnect backoff (at most a fifth of the acquire timeout).

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};

use auth_core::store::StoreError;

/// Whether the database answers; shared by a store and its rate-limit counters.
#[derive(Debug)]
pub(crate) struct Availability {
    /// Off for SQLite: a file cannot go down, and a timeout there is contention, which queues.
    enabled: bool,
    down: AtomicBool,
    probing: AtomicBool,
}

impl Availability {
    /// A gate that trips when the database cannot be reached.
    pub(crate) fn new() -> Self {
        Self {
            enabled: true,
            down: AtomicBool::new(false),
            probing: AtomicBool::new(false),
        }
    }

    /// A gate that never trips.
    #[cfg_attr(not(any(feature = "sqlite", test)), allow(dead_code))]
    pub(crate) fn never_down() -> Self {
        Self {
            enabled: false,
            ..Self::new()
        }
    }

    /// Whether the gate is failing calls fast.
    #[cfg(test)]
    fn is_down(&self) -> bool {
        self.down.load(Ordering::Acquire)
    }

    /// Runs one store call through the gate.
    pub(crate) async fn run<T>(
        &self,
        call: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        if !self.enabled {
            return call.await;
        }
        let probe = if self.down.load(Ordering::Acquire) {
            Some(self.take_probe()?)
        } else {
            None
        };
        let result = call.await;
        match &result {
            Err(StoreError::Unavailable(error)) => self.trip(error),
            // Any answer, even a refusal, means the database is back.
            _ if probe.is_some() => self.reopen(),
            _ => {}
        }
        result
    }

    fn trip(&self, error: &dyn std::fmt::Display) {
        if !self.down.swap(true, Ordering::AcqRel) {
            tracing::warn!(%error, "database unreachable: failing fast until it answers");
        }
    }

    fn reopen(&self) {
        if self.down.swap(false, Ordering::AcqRel) {
            tracing::info!("database reachable again");
        }
    }

    fn take_probe(&self) -> Result<Probe<'_>, StoreError> {
        self.probing
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .map(|_| Probe(&self.probing))
            .map_err(|_| {
                StoreError::Unavailable(
                    "the database is unreachable (another call is checking whether it is back)"
                        .into(),
                )
            })
    }
}

/// The one call allowed through while the gate is down; dropping it (done or cancelled) lets
/// the next call probe.
struct Probe<'a>(&'a AtomicBool);

impl Drop for Probe<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unavailable() -> Result<(), StoreError> {
        Err(StoreError::Unavailable("refused".into()))
    }

    #[tokio::test]
    async fn an_outage_fails_the_others_fast_while_one_probes_and_an_answer_reopens() {
        let gate = Availability::new();
        assert!(gate.run(async { Ok(()) }).await.is_ok());
        assert!(gate.run(async { unavailable() }).await.is_err());
        assert!(gate.is_down());

        // While a probe is out, every other call fails without running.
        let (release, wait) = tokio::sync::oneshot::channel::<()>();
        let probe = gate.run(async {
            let _ = wait.await;
            Ok(())
        });
        tokio::pin!(probe);
        assert!(futures_poll_once(probe.as_mut()).await.is_none());
        let mut ran = false;
        let refused = gate
            .run(async {
                ran = true;
                Ok(())
            })
            .await;
        assert!(matches!(refused, Err(StoreError::Unavailable(_))));
        assert!(!ran);

        // The probe's success opens the gate.
        let _ = release.send(());
        assert!(probe.await.is_ok());
        assert!(!gate.is_down());
        assert!(gate.run(async { Ok(()) }).await.is_ok());
    }

    #[tokio::test]
    async fn a_failed_or_cancelled_probe_hands_the_probe_on() {
        let gate = Availability::new();
        let _ = gate.run(async { unavailable() }).await;
        assert!(gate.run(async { unavailable() }).await.is_err());
        assert!(gate.is_down());
        // Cancelled mid-call: the next call may probe.
        let mut cancelled = Box::pin(gate.run(std::future::pending::<Result<(), StoreError>>()));
        assert!(futures_poll_once(cancelled.as_mut()).await.is_none());
        drop(cancelled);
        // A refusal from the database (not an outage) counts as an answer.
        let answered = gate
            .run(async { Err::<(), _>(StoreError::EmailTaken) })
            .await;
        assert!(matches!(answered, Err(StoreError::EmailTaken)));
        assert!(!gate.is_down());
    }

    #[tokio::test]
    async fn a_call_admitted_before_the_outage_does_not_reopen_it() {
        let gate = Availability::new();
        let (release, wait) = tokio::sync::oneshot::channel::<()>();
        let early = gate.run(async {
            let _ = wait.await;
            Ok(())
        });
        tokio::pin!(early);
        assert!(futures_poll_once(early.as_mut()).await.is_none());
        let _ = gate.run(async { unavailable() }).await;
        let _ = release.send(());
        assert!(early.await.is_ok());
        assert!(gate.is_down());
    }

    #[tokio::test]
    async fn never_down_runs_every_call() {
        let gate = Availability::never_down();
        let _ = gate.run(async { unavailable() }).await;
        assert!(gate.run(async { Ok(()) }).await.is_ok());
    }

    /// Polls once; `None` when still pending.
    async fn futures_poll_once<F: Future + Unpin>(mut future: F) -> Option<F::Output> {
        std::future::poll_fn(|cx| {
            std::task::Poll::Ready(match std::pin::Pin::new(&mut future).poll(cx) {
                std::task::Poll::Ready(out) => Some(out),
                std::task::Poll::Pending => None,
            })
        })
        .await
    }
}
