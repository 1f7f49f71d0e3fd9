//! The hashing threads: a fixed number of them, fed through a bounded queue, computing in argon2
//! `Memory` buffers that are made once and reused, never freed while the server runs. What
//! hashing costs in memory is therefore at most one buffer per thread (19 MiB each) whatever the
//! login traffic. On tokio's blocking pool a hash ran on any of up to 512 threads, each
//! allocating its own buffer, and the allocator kept those pages per thread: memory grew with
//! failed logins.
//!
//! The buffers are a shared stack rather than one per thread: jobs that come one at a time (the
//! usual logins) reuse the same buffer whichever thread runs them, so a quiet server holds one
//! buffer, and a second is made only when two hashes run at once.

use super::argon::{self, Memory};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use tokio::sync::{mpsc, oneshot};
use zeroize::Zeroizing;

pub const THREADS: usize = 2;
/// Jobs waiting for a thread; a request beyond this waits to enqueue (holding no hash memory).
const QUEUE: usize = 64;

pub(super) enum Job {
    Hash {
        password: Zeroizing<String>,
        reply: oneshot::Sender<Result<String, String>>,
    },
    /// Verifies against `stored`, or against a decoy hash when there is no account, so the
    /// answer takes as long either way.
    Verify {
        password: Zeroizing<String>,
        stored: Option<String>,
        reply: oneshot::Sender<bool>,
    },
}

/// What the threads share: the queue (locked only while a thread waits for a job), the spare
/// buffers, and the count of verifications.
struct Shared {
    queue: Mutex<mpsc::Receiver<Job>>,
    spare: Mutex<Vec<Memory>>,
    verifications: AtomicU64,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// The queue into the threads. Dropping it ends the threads, and with them their memory (a
/// test process starts many servers).
pub(super) struct Pool {
    jobs: mpsc::Sender<Job>,
    shared: Arc<Shared>,
}

impl Pool {
    pub(super) fn start() -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE);
        let shared = Arc::new(Shared {
            queue: Mutex::new(queue),
            spare: Mutex::new(Vec::with_capacity(THREADS)),
            verifications: AtomicU64::new(0),
        });
        for n in 0..THREADS {
            let shared = shared.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("envkeep-argon2-{n}"))
                .spawn(move || work(&shared));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a password-hashing thread");
            }
        }
        Self { jobs, shared }
    }

    pub(super) async fn run(&self, job: Job) -> Result<(), String> {
        self.jobs
            .send(job)
            .await
            .map_err(|_| String::from("the password-hashing threads have stopped"))
    }

    pub(super) fn verifications(&self) -> u64 {
        self.shared.verifications.load(Ordering::Relaxed)
    }
}

/// One thread: takes jobs until the sender is gone.
fn work(shared: &Shared) {
    loop {
        let job = lock(&shared.queue).blocking_recv();
        let Some(job) = job else {
            return;
        };
        // At most THREADS buffers ever exist: one per job running at a time. The buffer goes
        // back before the answer does, so the caller's next job finds it.
        let mut memory = lock(&shared.spare).pop().unwrap_or_else(Memory::new);
        let done = run(job, &mut memory, &shared.verifications);
        lock(&shared.spare).push(memory);
        done.deliver();
    }
}

/// A job's answer, computed and not yet sent.
enum Done {
    Hashed(
        oneshot::Sender<Result<String, String>>,
        Result<String, String>,
    ),
    Verified(oneshot::Sender<bool>, bool),
}

impl Done {
    fn deliver(self) {
        // A caller whose request was cancelled needs no answer.
        match self {
            Done::Hashed(reply, hash) => {
                let _ = reply.send(hash);
            }
            Done::Verified(reply, ok) => {
                let _ = reply.send(ok);
            }
        }
    }
}

fn run(job: Job, memory: &mut Memory, verifications: &AtomicU64) -> Done {
    match job {
        Job::Hash { password, reply } => {
            Done::Hashed(reply, argon::hash(memory, password.as_bytes()))
        }
        Job::Verify {
            password,
            stored,
            reply,
        } => {
            verifications.fetch_add(1, Ordering::Relaxed);
            let ok = match stored {
                Some(hash) => argon::verify(memory, password.as_bytes(), &hash),
                None => {
                    let decoy = decoy(memory);
                    argon::verify(memory, password.as_bytes(), decoy);
                    false
                }
            };
            Done::Verified(reply, ok)
        }
    }
}

/// A hash to verify against when the account does not exist.
fn decoy(memory: &mut Memory) -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| argon::hash(memory, b"envkeep-decoy-password").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn hash(pool: &Pool) -> String {
        let (reply, answer) = oneshot::channel();
        let password = Zeroizing::new(String::from("pw"));
        pool.run(Job::Hash { password, reply }).await.unwrap();
        answer.await.unwrap().unwrap()
    }

    #[tokio::test]
    async fn hashes_one_at_a_time_share_one_buffer_and_parallel_ones_at_most_two() {
        let pool = Arc::new(Pool::start());
        for _ in 0..3 {
            hash(&pool).await;
        }
        assert_eq!(lock(&pool.shared.spare).len(), 1);
        let parallel: Vec<_> = (0..6)
            .map(|_| {
                let pool = pool.clone();
                tokio::spawn(async move { hash(&pool).await })
            })
            .collect();
        for hashing in parallel {
            hashing.await.unwrap();
        }
        assert!(lock(&pool.shared.spare).len() <= THREADS);
    }
}
