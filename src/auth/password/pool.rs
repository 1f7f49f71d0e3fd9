//! The hashing threads: a fixed number of them, each with one argon2 `Memory` made on its first
//! job and reused for every later one, fed through a bounded queue. What hashing costs in memory
//! is therefore fixed (threads × 19 MiB) whatever the login traffic. On tokio's blocking pool a
//! hash ran on any of up to 512 threads, each allocating its own buffer, and the allocator kept
//! those pages per thread: memory grew with failed logins.

use super::argon::{self, Memory};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
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

/// The queue into the threads. Dropping the last sender ends the threads, and with them their
/// memory (a test process starts many servers).
pub(super) struct Pool {
    jobs: mpsc::Sender<Job>,
    verifications: Arc<AtomicU64>,
}

impl Pool {
    pub(super) fn start() -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        let verifications = Arc::new(AtomicU64::new(0));
        for n in 0..THREADS {
            let (queue, verifications) = (queue.clone(), verifications.clone());
            let spawned = std::thread::Builder::new()
                .name(format!("envkeep-argon2-{n}"))
                .spawn(move || work(&queue, &verifications));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a password-hashing thread");
            }
        }
        Self {
            jobs,
            verifications,
        }
    }

    pub(super) async fn run(&self, job: Job) -> Result<(), String> {
        self.jobs
            .send(job)
            .await
            .map_err(|_| String::from("the password-hashing threads have stopped"))
    }

    pub(super) fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }
}

/// One thread: takes jobs until every sender is gone. The lock is held only while waiting for
/// a job, so the other thread computes meanwhile.
fn work(queue: &Mutex<mpsc::Receiver<Job>>, verifications: &AtomicU64) {
    let mut buffer: Option<Memory> = None;
    loop {
        let job = queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .blocking_recv();
        let Some(job) = job else {
            return;
        };
        let memory = buffer.get_or_insert_with(Memory::new);
        match job {
            Job::Hash { password, reply } => {
                let _ = reply.send(argon::hash(memory, password.as_bytes()));
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
                let _ = reply.send(ok);
            }
        }
    }
}

/// A hash to verify against when the account does not exist.
fn decoy(memory: &mut Memory) -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| argon::hash(memory, b"envkeep-decoy-password").unwrap_or_default())
}
