//! Password hashing: argon2id at OWASP's parameters (m = 19456 KiB, t = 2, p = 1), run
//! on the blocking pool so that hashing never stalls the async workers, and through a
//! bounded queue so that a flood of sign-ins or sign-ups cannot exhaust the machine: as
//! many hashes run at once as there are cores, a few more per core may wait, and beyond
//! that the answer is "busy, try again" ([`PasswordError::Busy`]) at once.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("the hashing task failed")]
    Task,
    /// Every slot of the hashing queue is taken: try again in a moment.
    #[error("too many password checks at once")]
    Busy,
}

/// How many hashes may wait for a core, per core.
const WAITING_PER_CORE: usize = 16;

struct Queue {
    running: tokio::sync::Semaphore,
    /// Running and waiting together.
    admitted: std::sync::atomic::AtomicUsize,
    capacity: usize,
}

impl Queue {
    fn new(cores: usize) -> Self {
        Queue {
            running: tokio::sync::Semaphore::new(cores),
            admitted: std::sync::atomic::AtomicUsize::new(0),
            capacity: cores * (1 + WAITING_PER_CORE),
        }
    }
}

/// The process's queue, sized to its cores.
fn queue() -> &'static Queue {
    static QUEUE: std::sync::OnceLock<Queue> = std::sync::OnceLock::new();
    QUEUE.get_or_init(|| {
        Queue::new(std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get))
    })
}

/// Runs `work` on the blocking pool once a core is free; `Busy` at once when the queue
/// is full.
async fn queued<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, PasswordError> + Send + 'static,
) -> Result<T, PasswordError> {
    queued_in(queue(), work).await
}

async fn queued_in<T: Send + 'static>(
    q: &Queue,
    work: impl FnOnce() -> Result<T, PasswordError> + Send + 'static,
) -> Result<T, PasswordError> {
    use std::sync::atomic::Ordering;
    if q.admitted.fetch_add(1, Ordering::AcqRel) >= q.capacity {
        q.admitted.fetch_sub(1, Ordering::AcqRel);
        return Err(PasswordError::Busy);
    }
    // Leaves the queue however this ends (even if the request is dropped meanwhile).
    struct Admitted<'a>(&'a Queue);
    impl Drop for Admitted<'_> {
        fn drop(&mut self) {
            self.0.admitted.fetch_sub(1, Ordering::AcqRel);
        }
    }
    let _admitted = Admitted(q);
    let _permit = q.running.acquire().await.map_err(|_| PasswordError::Task)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| PasswordError::Task)?
}

fn hasher() -> Result<Argon2<'static>, PasswordError> {
    let params = Params::new(19_456, 2, 1, None).map_err(|e| PasswordError::Hash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password into a PHC string, off the async threads.
pub async fn hash(password: String) -> Result<String, PasswordError> {
    queued(move || hash_blocking(&password)).await
}

/// Hashes synchronously; for the CLI and the demo seed.
pub fn hash_blocking(password: &str) -> Result<String, PasswordError> {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    let salt = SaltString::encode_b64(&bytes).map_err(|e| PasswordError::Hash(e.to_string()))?;
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `password` matches the stored PHC string, off the async threads.
pub async fn verify(password: String, phc: String) -> Result<bool, PasswordError> {
    queued(move || {
        let parsed = PasswordHash::new(&phc).map_err(|e| PasswordError::Hash(e.to_string()))?;
        Ok(hasher()?
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_flood_of_hashes_is_answered_busy_beyond_the_queue() {
        // A queue of its own, so that other tests hashing meanwhile are not told "busy".
        let q: &'static Queue = Box::leak(Box::new(Queue::new(2)));
        let capacity = q.capacity;
        let flood: Vec<_> = (0..capacity * 4)
            .map(|i| {
                let password = format!("password number {i}");
                tokio::spawn(queued_in(q, move || hash_blocking(&password)))
            })
            .collect();
        let (mut done, mut busy) = (0, 0);
        for h in flood {
            match h.await.expect("join") {
                Ok(_) => done += 1,
                Err(PasswordError::Busy) => busy += 1,
                Err(e) => panic!("{e}"),
            }
        }
        assert!(
            done >= 1 && done <= capacity,
            "{done} hashed of {capacity} slots"
        );
        assert!(busy >= capacity * 3, "{busy} told to try again");
        // Once the flood has passed, hashing works again.
        assert!(queued_in(q, || hash_blocking("after the flood"))
            .await
            .is_ok());
    }

    #[tokio::test]
    async fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let phc = hash("correct horse battery".into()).await.expect("hashes");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery".into(), phc.clone())
            .await
            .expect("verifies"));
        assert!(!verify("wrong horse battery".into(), phc)
            .await
            .expect("verifies"));
    }
}
