//! Password hashing: argon2id (m=19 MiB, t=2, p=1) on a fixed pool of threads that reuse their
//! memory (`pool`), never on the async executor. Memory for hashing is fixed whatever the login
//! traffic; the throttle, not this module, decides how many attempts reach it.

mod argon;
mod pool;

use crate::error::AppError;
use pool::{Job, Pool};
use std::sync::Arc;
use tokio::sync::oneshot;
use zeroize::Zeroizing;

pub use pool::THREADS;

#[derive(Clone)]
pub struct PasswordHasher {
    pool: Arc<Pool>,
}

impl Default for PasswordHasher {
    fn default() -> Self {
        Self {
            pool: Arc::new(Pool::start()),
        }
    }
}

impl PasswordHasher {
    pub async fn hash(&self, password: &str) -> Result<String, AppError> {
        let (reply, answer) = oneshot::channel();
        let password = Zeroizing::new(password.to_owned());
        self.pool
            .run(Job::Hash { password, reply })
            .await
            .map_err(AppError::internal)?;
        answer
            .await
            .map_err(AppError::internal)?
            .map_err(|e| AppError::internal(format!("password hashing failed: {e}")))
    }

    /// Verifies against `stored`, or against a decoy when there is no account.
    pub async fn verify(&self, password: &str, stored: Option<String>) -> Result<bool, AppError> {
        let (reply, answer) = oneshot::channel();
        let password = Zeroizing::new(password.to_owned());
        self.pool
            .run(Job::Verify {
                password,
                stored,
                reply,
            })
            .await
            .map_err(AppError::internal)?;
        answer.await.map_err(AppError::internal)
    }

    /// How many password verifications have run (decoys included): what the login throttle
    /// must bound, so tests can count it.
    pub fn verifications(&self) -> u64 {
        self.pool.verifications()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_through_the_pool_and_every_verification_is_counted() {
        let hasher = PasswordHasher::default();
        let hash = hasher.hash("correct horse battery").await.unwrap();
        assert!(hasher
            .verify("correct horse battery", Some(hash.clone()))
            .await
            .unwrap());
        assert!(!hasher.verify("wrong", Some(hash)).await.unwrap());
        assert!(!hasher.verify("anything", None).await.unwrap());
        assert_eq!(hasher.verifications(), 3);
    }
}
