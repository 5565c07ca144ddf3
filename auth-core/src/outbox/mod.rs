//! The outbox worker: sends the mail the flows committed to the store, retrying with backoff
//! while the mail server is down.
//!
//! Delivery is at least once, made as close to exactly once as SMTP allows: a worker claims a
//! mail for a lease before sending it, so no other worker (in this process or another on the
//! same database) sends it meanwhile, and a mail leaves the outbox only once its send
//! succeeded. Only a crash between the server's `250` and the row's deletion sends a mail twice;
//! it then carries the same `Message-ID`, so mail systems can tell.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::Auth;
use crate::error::Chain;
use crate::mail::{Delivery, MailError, Mailer, QueuedMail};
use crate::store::StoreError;

/// How often the worker deletes expired reset and deletion rows.
const SWEEP_EVERY: Duration = Duration::from_secs(600);

/// Sends what the outbox holds, and deletes expired reset and deletion rows every ten minutes
/// (the email flows' housekeeping). Made by [`Auth::mail_worker`]; run it with
/// [`spawn`](Self::spawn) (or drive it with [`run_once`](Self::run_once) in tests).
///
/// ```
/// use auth_core::{Auth, config::AuthConfig, mail::ConsoleMailer, store::MemoryStore};
/// use auth_core::token::{JwtIssuer, JwtKey};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let config = AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519())?;
/// let auth = Auth::builder()
///     .config(config)
///     .store(MemoryStore::new())
///     .default_hasher()
///     .issuer(issuer)
///     .mailer(ConsoleMailer::new())
///     .build();
/// let worker = auth.mail_worker().expect("a mailer is set").spawn();
/// // ... serve requests ...
/// worker.shutdown().await;
/// # Ok(())
/// # }
/// ```
pub struct MailWorker {
    auth: Auth,
    mailer: Arc<dyn Mailer>,
    wake: Arc<Notify>,
    poll_interval: Duration,
    lease: Duration,
    batch: usize,
    max_backoff: Duration,
}

impl std::fmt::Debug for MailWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailWorker")
            .field("poll_interval", &self.poll_interval)
            .field("lease", &self.lease)
            .field("batch", &self.batch)
            .finish_non_exhaustive()
    }
}

impl Auth {
    /// The worker that sends this `Auth`'s outbox through its mailer; `None` without a mailer.
    /// Run one per process: the claims keep several from sending the same mail.
    pub fn mail_worker(&self) -> Option<MailWorker> {
        let setup = self.inner.mail.as_ref()?;
        Some(MailWorker {
            auth: self.clone(),
            mailer: Arc::clone(&setup.mailer),
            wake: Arc::clone(&setup.wake),
            poll_interval: Duration::from_secs(5),
            lease: Duration::from_secs(120),
            batch: 16,
            max_backoff: Duration::from_secs(300),
        })
    }
}

impl MailWorker {
    /// How often the outbox is looked at besides when this process queues a mail: for mail
    /// other instances queued, and retries coming due (default 5 s).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval.max(Duration::from_millis(10));
        self
    }

    /// How long a claimed mail is held by this worker (default 2 minutes). Keep it well above
    /// the mailer's own timeout: a mail whose lease runs out mid-send may be sent again.
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// The longest wait between two attempts at one mail (default 5 minutes).
    pub fn max_backoff(mut self, max: Duration) -> Self {
        self.max_backoff = max;
        self
    }

    /// Claims the mails that are due and tries each once; returns how many were sent.
    pub async fn run_once(&self) -> Result<usize, StoreError> {
        let store = self.auth.store();
        let claimed = store
            .claim_mail(self.auth.now(), self.lease, self.batch)
            .await?;
        let mut sent = 0;
        for mail in claimed {
            let delivery = self.deliver(&mail).await;
            if delivery == Delivery::Sent {
                sent += 1;
            }
            if !store.finish_mail(&mail.claim, &delivery).await? {
                tracing::warn!(
                    mail_id = %mail.claim.mail_id,
                    "mail claim expired during the send; another worker may send it again"
                );
            }
        }
        Ok(sent)
    }

    async fn deliver(&self, mail: &QueuedMail) -> Delivery {
        let kind = mail.message.kind;
        let id = &mail.claim.mail_id;
        let mut message = mail.message.clone();
        message.id = Some(id.clone());
        match self.mailer.send(&message).await {
            Ok(()) => {
                tracing::info!(mail_id = %id, %kind, attempts = mail.attempts, "mail sent");
                Delivery::Sent
            }
            Err(error @ MailError::Permanent(_)) => {
                tracing::error!(mail_id = %id, %kind, error = %Chain(&error), "mail refused for good");
                Delivery::Failed {
                    at: self.auth.now(),
                    error: Chain(&error).to_string(),
                }
            }
            Err(error) => {
                let wait = self.backoff(mail.attempts);
                tracing::warn!(
                    mail_id = %id,
                    %kind,
                    attempts = mail.attempts,
                    retry_in_ms = wait.as_millis() as u64,
                    error = %Chain(&error),
                    "mail not sent; will retry"
                );
                Delivery::Retry {
                    at: self.auth.now().saturating_add(wait),
                    error: Chain(&error).to_string(),
                }
            }
        }
    }

    /// 1 s, 2 s, 4 s… up to the maximum, each within ±20 % so that instances that failed
    /// together do not retry together.
    fn backoff(&self, attempts: u32) -> Duration {
        let exponent = attempts.saturating_sub(1).min(20);
        let base = Duration::from_secs(1u64 << exponent).min(self.max_backoff);
        base.mul_f64(rand::rngs::OsRng.gen_range(0.8..1.2))
    }

    /// Runs until `stop` is notified: after each round, waits for a mail queued by this
    /// process, the poll interval, or the stop signal. Store errors are logged and retried.
    async fn run(self, stop: Arc<Notify>) {
        let mut next_sweep = tokio::time::Instant::now();
        loop {
            if tokio::time::Instant::now() >= next_sweep {
                next_sweep += SWEEP_EVERY;
                match self
                    .auth
                    .store()
                    .delete_expired_verifications(self.auth.now())
                    .await
                {
                    Ok(0) => {}
                    Ok(n) => tracing::debug!(rows = n, "expired verification rows deleted"),
                    Err(error) => {
                        tracing::warn!(error = %Chain(&error), "could not delete expired verification rows")
                    }
                }
            }
            let pause = match self.run_once().await {
                // A full batch: more may be due at once.
                Ok(n) if n >= self.batch => Duration::ZERO,
                Ok(_) => self.poll_interval,
                Err(error) => {
                    tracing::warn!(error = %Chain(&error), "outbox not readable; retrying");
                    self.poll_interval
                }
            };
            tokio::select! {
                () = stop.notified() => return,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
    }

    /// Starts the worker on the current tokio runtime.
    pub fn spawn(self) -> MailWorkerHandle {
        let stop = Arc::new(Notify::new());
        let task = tokio::spawn(self.run(Arc::clone(&stop)));
        MailWorkerHandle { stop, task }
    }
}

/// A running [`MailWorker`].
#[derive(Debug)]
pub struct MailWorkerHandle {
    stop: Arc<Notify>,
    task: JoinHandle<()>,
}

impl MailWorkerHandle {
    /// Stops the worker after the delivery in progress, if any, and waits for it.
    pub async fn shutdown(self) {
        self.stop.notify_one();
        let _ = self.task.await;
    }
}
