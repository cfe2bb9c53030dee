//! Password hashing: argon2id at OWASP's parameters (m = 19456 KiB, t = 2, p = 1), run
//! on the blocking pool so that hashing never stalls the async workers, and through a
//! bounded queue so that a flood of sign-ins or sign-ups cannot exhaust the machine: as
//! many hashes run at once as there are cores, a few more per core may wait, and beyond
//! that the answer is "busy, try again" ([`PasswordError::Busy`]) at once.
//!
//! Each running hash works in one of a fixed set of 19 MiB buffers, one per core, kept
//! for the life of the process: allocating a fresh buffer per hash (what `argon2` does by
//! default) leaves the allocator holding hundreds of MiB after a burst.

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

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

/// Memory for one running hash.
type Blocks = Vec<Block>;

struct Queue {
    running: tokio::sync::Semaphore,
    /// Running and waiting together.
    admitted: std::sync::atomic::AtomicUsize,
    capacity: usize,
    /// The buffers of the hashes not running now (at most one per core).
    buffers: std::sync::Mutex<Vec<Blocks>>,
}

impl Queue {
    fn new(cores: usize) -> Self {
        Queue {
            running: tokio::sync::Semaphore::new(cores),
            admitted: std::sync::atomic::AtomicUsize::new(0),
            capacity: cores * (1 + WAITING_PER_CORE),
            buffers: std::sync::Mutex::new(Vec::with_capacity(cores)),
        }
    }

    fn take_buffer(&self) -> Blocks {
        self.buffers
            .lock()
            .map(|mut free| free.pop())
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    fn give_back(&self, buffer: Blocks) {
        if let Ok(mut free) = self.buffers.lock() {
            free.push(buffer);
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

/// Runs `work` on the blocking pool, with a hashing buffer, once a core is free; `Busy`
/// at once when the queue is full.
async fn queued<T: Send + 'static>(
    work: impl FnOnce(&mut Blocks) -> Result<T, PasswordError> + Send + 'static,
) -> Result<T, PasswordError> {
    queued_in(queue(), work).await
}

async fn queued_in<T: Send + 'static>(
    q: &Queue,
    work: impl FnOnce(&mut Blocks) -> Result<T, PasswordError> + Send + 'static,
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
    let mut buffer = q.take_buffer();
    let (buffer, result) = tokio::task::spawn_blocking(move || {
        let result = work(&mut buffer);
        (buffer, result)
    })
    .await
    .map_err(|_| PasswordError::Task)?;
    q.give_back(buffer);
    result
}

fn hash_error(e: impl std::fmt::Display) -> PasswordError {
    PasswordError::Hash(e.to_string())
}

fn params() -> Result<Params, PasswordError> {
    Params::new(19_456, 2, 1, None).map_err(hash_error)
}

/// Hashes `password` with `salt` in `buffer` (grown to what `params` need), into a PHC
/// string.
fn hash_with(
    password: &[u8],
    salt: SaltString,
    params: Params,
    buffer: &mut Blocks,
) -> Result<String, PasswordError> {
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let output = compute(&argon2, password, &salt, Params::DEFAULT_OUTPUT_LEN, buffer)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(hash_error)?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// The argon2 output for `password` and `salt` (its B64 text decoded, as `argon2` does),
/// computed in `buffer`.
fn compute(
    argon2: &Argon2<'_>,
    password: &[u8],
    salt: &SaltString,
    output_len: usize,
    buffer: &mut Blocks,
) -> Result<Output, PasswordError> {
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt
        .as_salt()
        .decode_b64(&mut salt_bytes)
        .map_err(hash_error)?;
    let needed = argon2.params().block_count();
    if buffer.len() < needed {
        buffer.resize(needed, Block::default());
    }
    Output::init_with(output_len, |out| {
        argon2
            .hash_password_into_with_memory(password, salt_bytes, out, &mut buffer[..])
            .map_err(|_| argon2::password_hash::Error::Crypto)
    })
    .map_err(hash_error)
}

/// Hashes a password into a PHC string, off the async threads.
pub async fn hash(password: String) -> Result<String, PasswordError> {
    queued(move |buffer| hash_in(&password, buffer)).await
}

/// Hashes synchronously; for the CLI and the demo seed.
pub fn hash_blocking(password: &str) -> Result<String, PasswordError> {
    hash_in(password, &mut Blocks::new())
}

fn hash_in(password: &str, buffer: &mut Blocks) -> Result<String, PasswordError> {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    let salt = SaltString::encode_b64(&bytes).map_err(hash_error)?;
    hash_with(password.as_bytes(), salt, params()?, buffer)
}

/// Whether `password` matches the stored PHC string, off the async threads.
pub async fn verify(password: String, phc: String) -> Result<bool, PasswordError> {
    queued(move |buffer| verify_in(&password, &phc, buffer)).await
}

/// Recomputes the stored hash with its own parameters and compares in constant time.
fn verify_in(password: &str, phc: &str, buffer: &mut Blocks) -> Result<bool, PasswordError> {
    let parsed = PasswordHash::new(phc).map_err(hash_error)?;
    let algorithm = Algorithm::try_from(parsed.algorithm).map_err(hash_error)?;
    let version = parsed
        .version
        .map(Version::try_from)
        .transpose()
        .map_err(hash_error)?
        .unwrap_or_default();
    let params = Params::try_from(&parsed).map_err(hash_error)?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(PasswordError::Hash(
            "the stored hash has no salt or output".into(),
        ));
    };
    let salt = SaltString::from_b64(salt.as_str()).map_err(hash_error)?;
    let argon2 = Argon2::new(algorithm, version, params);
    let computed = compute(&argon2, password.as_bytes(), &salt, expected.len(), buffer)?;
    Ok(computed == expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::PasswordHasher;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_flood_of_hashes_is_answered_busy_beyond_the_queue() {
        // A queue of its own, so that other tests hashing meanwhile are not told "busy".
        let q: &'static Queue = Box::leak(Box::new(Queue::new(2)));
        let capacity = q.capacity;
        let flood: Vec<_> = (0..capacity * 4)
            .map(|i| {
                let password = format!("password number {i}");
                tokio::spawn(queued_in(q, move |buffer| hash_in(&password, buffer)))
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
        // The hashes ran in the queue's buffers: no more than one per core was made.
        let kept = q.buffers.lock().expect("lock").len();
        assert!((1..=2).contains(&kept), "{kept} buffers kept");
        // Once the flood has passed, hashing works again.
        assert!(queued_in(q, |buffer| hash_in("after the flood", buffer))
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

    #[test]
    fn hashes_match_the_argon2_crate_both_ways() {
        // Same password and salt: the pooled path writes what `argon2` itself writes, and
        // verifies hashes `argon2` wrote (stored hashes keep working), including ones made
        // with other parameters.
        let salt = SaltString::encode_b64(b"sixteen byte slt").expect("salt");
        let theirs = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            params().expect("params"),
        )
        .hash_password(b"a long enough password", &salt)
        .expect("hash")
        .to_string();
        let ours = hash_with(
            b"a long enough password",
            salt.clone(),
            params().expect("params"),
            &mut Blocks::new(),
        )
        .expect("hash");
        assert_eq!(ours, theirs);
        let lighter = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8_192, 1, 1, None).expect("params"),
        )
        .hash_password(b"a long enough password", &salt)
        .expect("hash")
        .to_string();
        let mut buffer = Blocks::new();
        assert!(verify_in("a long enough password", &lighter, &mut buffer).expect("verifies"));
        assert!(!verify_in("another password", &lighter, &mut buffer).expect("verifies"));
        assert!(verify_in("a long enough password", &theirs, &mut buffer).expect("verifies"));
    }
}
