//! `HashPool`: a bounded set of threads for password hashing, away from the async runtime.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;

use tokio::sync::oneshot;

use super::HashError;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed set of dedicated threads that run password hashing and verification.
///
/// Hashing is deliberately slow (tens of milliseconds of CPU and ~19 MiB of memory for
/// argon2id); run on the async runtime it would stall every request on that worker. The pool
/// bounds both how many hashes run at once (`threads`) and how many may wait (`queue`): when
/// the queue is full, [`HashPool::run`] fails at once with [`HashError::Overloaded`] rather than
/// letting latency and memory grow without bound. Its threads are plain OS threads named
/// `auth-hash-N`, outside any Tokio runtime.
///
/// Clones share the same threads; they stop when the last clone is dropped.
#[derive(Clone, Debug)]
pub struct HashPool {
    sender: SyncSender<Job>,
    threads: usize,
    queue: usize,
    admitted: Arc<AtomicUsize>,
}

/// Room for one flow's hashing, reserved by [`HashPool::admit`] (or
/// [`PasswordHasher::admit`](super::PasswordHasher::admit)) before the flow does anything else;
/// released when dropped.
#[derive(Debug)]
#[must_use = "the room is released when the admission is dropped"]
pub struct Admission(Option<Arc<AtomicUsize>>);

impl Admission {
    /// An admission that reserves nothing, for hashers without a bound.
    pub fn unbounded() -> Self {
        Self(None)
    }
}

impl Drop for Admission {
    fn drop(&mut self) {
        if let Some(admitted) = &self.0 {
            admitted.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

impl HashPool {
    /// A pool of `threads` threads (at least one) with room for `queue` waiting jobs. With a
    /// queue of zero a job is accepted only when a thread is idle and waiting for one.
    ///
    /// # Panics
    ///
    /// If the operating system cannot start a thread, as [`std::thread::spawn`] does.
    pub fn new(threads: usize, queue: usize) -> Self {
        let threads = threads.max(1);
        let (sender, receiver) = sync_channel::<Job>(queue);
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..threads {
            let receiver = Arc::clone(&receiver);
            thread::Builder::new()
                .name(format!("auth-hash-{n}"))
                .spawn(move || worker(&receiver))
                .expect("the OS refused to start a password hashing thread");
        }
        Self {
            sender,
            threads,
            queue,
            admitted: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// A pool with one thread per available core and a queue of 64 jobs per thread.
    pub fn with_defaults() -> Self {
        let cores = thread::available_parallelism().map_or(1, usize::from);
        Self::new(cores, 64 * cores)
    }

    /// The process's shared pool ([`HashPool::with_defaults`], started on first use and kept
    /// for the life of the process): the hashers of several `Auth`s in one process share one
    /// bound on the CPU that hashing may take, instead of each starting threads of its own.
    pub fn shared() -> Self {
        static SHARED: OnceLock<HashPool> = OnceLock::new();
        SHARED.get_or_init(Self::with_defaults).clone()
    }

    /// How many jobs run at once.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// How many jobs may wait.
    pub fn queue(&self) -> usize {
        self.queue
    }

    /// Reserves room for one flow's hashing (as many flows as there are threads and queue
    /// places), so that a sign-in, sign-up or password change is refused with
    /// [`HashError::Overloaded`] before it queries the database, not after: under a storm the
    /// refusals stay cheap and the threads keep hashing. Fails at once when the room is taken.
    pub fn admit(&self) -> Result<Admission, HashError> {
        let limit = self.threads + self.queue;
        self.admitted
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < limit).then_some(n + 1)
            })
            .map_err(|_| HashError::Overloaded)?;
        Ok(Admission(Some(Arc::clone(&self.admitted))))
    }

    /// Runs `job` on a pool thread and waits for its result without blocking the runtime.
    ///
    /// Fails at once with [`HashError::Overloaded`] when the queue is full. A job that panics
    /// gives [`HashError::Panicked`]; the thread survives it.
    pub async fn run<F, R>(&self, job: F) -> Result<R, HashError>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.submit(job)?.await
    }

    /// Queues `job` now and returns a future of its result: the queueing decision
    /// (accepted or [`HashError::Overloaded`]) is made before this returns.
    pub fn submit<F, R>(
        &self,
        job: F,
    ) -> Result<impl Future<Output = Result<R, HashError>> + Send + 'static, HashError>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move || {
            // If the caller went away the result is simply dropped.
            let _ = tx.send(job());
        });
        match self.sender.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(HashError::Overloaded),
            Err(TrySendError::Disconnected(_)) => return Err(HashError::Stopped),
        }
        // The sender is dropped without a result only when the job panicked.
        Ok(async move { rx.await.map_err(|_| HashError::Panicked) })
    }
}

fn worker(receiver: &Mutex<Receiver<Job>>) {
    loop {
        // Hold the lock only while taking a job, never while running it.
        let next = match receiver.lock() {
            Ok(guard) => guard.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        let Ok(job) = next else {
            return; // every sender is gone: the pool was dropped
        };
        if catch_unwind(AssertUnwindSafe(job)).is_err() {
            tracing::error!("a password hashing job panicked");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;

    #[test]
    fn admissions_are_bounded_by_threads_and_queue_and_released_on_drop() {
        let pool = HashPool::new(2, 1);
        let held: Vec<Admission> = (0..3).map(|_| pool.admit().expect("room")).collect();
        assert!(matches!(pool.admit(), Err(HashError::Overloaded)));
        drop(held);
        let again: Vec<Admission> = (0..3).map(|_| pool.admit().expect("room again")).collect();
        assert_eq!(again.len(), 3);
        // Clones share the count.
        assert!(matches!(pool.clone().admit(), Err(HashError::Overloaded)));
    }

    #[test]
    fn the_shared_pool_is_started_once() {
        let a = HashPool::shared();
        let b = HashPool::shared();
        // Clones of one pool share their admission count.
        let _held = a.admit().expect("room");
        assert!(Arc::ptr_eq(&a.admitted, &b.admitted));
    }

    #[tokio::test]
    async fn runs_jobs_off_the_runtime() {
        let pool = HashPool::new(2, 4);
        let (name, in_runtime) = pool
            .run(|| {
                let name = thread::current().name().map(str::to_owned);
                (name, tokio::runtime::Handle::try_current().is_ok())
            })
            .await
            .expect("ran");
        assert!(name.expect("named").starts_with("auth-hash-"));
        assert!(
            !in_runtime,
            "the job must not run inside a Tokio runtime context"
        );
    }

    #[tokio::test]
    async fn a_full_queue_is_overloaded_at_once() {
        // One thread, room for one waiting job. Job A occupies the thread until released;
        // job B waits in the queue; job C finds the queue full.
        let pool = HashPool::new(1, 1);
        let (started_tx, started_rx) = mpsc::channel::<()>();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let a = pool
            .submit(move || {
                let _ = started_tx.send(());
                let _ = release_rx.recv();
                "a"
            })
            .expect("A accepted");
        tokio::task::spawn_blocking(move || started_rx.recv())
            .await
            .expect("join")
            .expect("A started");
        let b = pool.submit(|| "b").expect("B fits in the queue");
        assert!(matches!(pool.submit(|| "c"), Err(HashError::Overloaded)));
        release_tx.send(()).expect("release A");
        assert_eq!(a.await.expect("A ran"), "a");
        assert_eq!(b.await.expect("B ran"), "b");
        // With the queue drained, work is accepted again.
        assert_eq!(pool.run(|| "d").await.expect("D ran"), "d");
    }

    #[tokio::test]
    async fn a_panicking_job_is_an_error_and_the_thread_survives() {
        let pool = HashPool::new(1, 1);
        let result = pool.run(|| -> u8 { panic!("boom") }).await;
        assert!(matches!(result, Err(HashError::Panicked)));
        assert_eq!(pool.run(|| 7).await.expect("still works"), 7);
    }
}
