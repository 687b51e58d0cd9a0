//! Who can sign in, and how their passwords are kept: roles, emails parsed once at the edge of
//! the system, and argon2id hashes computed off the async runtime.

use argon2::password_hash::{
    PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;

pub use linkedall_store::account::{Email, NO_PASSWORD, Role};

use crate::error::{Error, Result};

/// A password a new account chose: 8 to 128 characters.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(value: String) -> Result<NewPassword> {
        let length = value.chars().count();
        if (8..=128).contains(&length) {
            Ok(NewPassword(value))
        } else {
            Err(Error::InvalidParameter { name: "password", message: "expected 8 to 128 characters".into() })
        }
    }
}

/// How expensive a password hash is. Production uses OWASP's argon2id baseline; tests use the
/// cheapest parameters argon2 allows so that registering 64 buyers takes milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCost {
    Standard,
    TestOnly,
}

/// How many password hashes may run at once, and how long a request waits for a turn.
///
/// Each argon2id hash holds 19 MiB and a core for tens of milliseconds: unbounded, a burst of
/// sign-ins took the origin from 246 MB to 1.37 GB. Beyond the bound a request waits up to
/// `wait`, then is refused with 503 and `Retry-After` ([`Error::HashingBusy`]).
#[derive(Debug, Clone, Copy)]
pub struct HashingLimit {
    pub permits: usize,
    pub wait: Duration,
}

impl Default for HashingLimit {
    /// One hash per core, and a one-second queue.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Self { permits: cores, wait: Duration::from_secs(1) }
    }
}

/// Hashes running now, and the most that ever ran at once (what the bound is checked by).
#[derive(Debug, Default)]
pub struct HashingGauge {
    running: AtomicUsize,
    peak: AtomicUsize,
}

impl HashingGauge {
    /// The most hashes that ran at the same time so far.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    fn enter(&self) {
        let running = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(running, Ordering::SeqCst);
        metrics::gauge!("password_hashes_running").set(running as f64);
    }

    fn leave(&self) {
        let running = self.running.fetch_sub(1, Ordering::SeqCst) - 1;
        metrics::gauge!("password_hashes_running").set(running as f64);
    }
}

/// Hashes and verifies passwords with argon2id, on the blocking thread pool (a hash takes
/// tens of milliseconds of CPU, which must not stall the requests sharing a runtime thread),
/// at most [`HashingLimit::permits`] at a time.
#[derive(Debug, Clone)]
pub struct Passwords {
    cost: PasswordCost,
    permits: Arc<Semaphore>,
    wait: Duration,
    gauge: Arc<HashingGauge>,
    /// Verified in place of a stored hash when the email is unknown, so that a wrong email
    /// costs one hash, like a wrong password, and takes as long. Made once, with `cost`.
    dummy: Arc<str>,
}

impl Passwords {
    pub fn new(cost: PasswordCost) -> Self {
        Self::with_limit(cost, HashingLimit::default())
    }

    pub fn with_limit(cost: PasswordCost, limit: HashingLimit) -> Self {
        let salt = SaltString::generate(&mut OsRng);
        let dummy = argon2(cost)
            .hash_password(b"not-a-password", &salt)
            .expect("hashing a constant with a fresh salt succeeds")
            .to_string();
        Self {
            cost,
            permits: Arc::new(Semaphore::new(limit.permits.max(1))),
            wait: limit.wait,
            gauge: Arc::default(),
            dummy: Arc::from(dummy),
        }
    }

    /// How many hashes ran at once, for tests and operators.
    pub fn gauge(&self) -> Arc<HashingGauge> {
        self.gauge.clone()
    }

    /// Runs `work` on the blocking pool once a hashing permit is free, or refuses when none
    /// frees up within the wait.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(Argon2<'static>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let permit = match tokio::time::timeout(self.wait, self.permits.clone().acquire_owned()).await {
            Ok(Ok(permit)) => permit,
            Ok(Err(_)) | Err(_) => {
                metrics::counter!("password_hashing_refused_total", "reason" => "busy").increment(1);
                tracing::warn!(
                    wait_ms = self.wait.as_millis() as u64,
                    "every password hashing permit is taken; request refused"
                );
                return Err(Error::HashingBusy);
            }
        };
        let (cost, gauge) = (self.cost, self.gauge.clone());
        tokio::task::spawn_blocking(move || {
            gauge.enter();
            let result = work(argon2(cost));
            gauge.leave();
            drop(permit);
            result
        })
        .await
        .map_err(|e| Error::Corrupt(format!("password hashing task failed: {e}")))?
    }

    pub async fn hash(&self, password: NewPassword) -> Result<String> {
        self.run(move |argon2| {
            let salt = SaltString::generate(&mut OsRng);
            argon2
                .hash_password(password.0.as_bytes(), &salt)
                .map(|hash| hash.to_string())
                .map_err(|e| Error::Corrupt(format!("hashing a password failed: {e}")))
        })
        .await
    }

    /// True when `password` matches `stored`. With no stored hash (unknown email) the dummy
    /// hash is verified instead: one hash, as long as for a known email.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool> {
        // An account without a password of ours is verified like an unknown email.
        let stored = stored.filter(|hash| hash != NO_PASSWORD);
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| self.dummy.to_string());
        self.run(move |argon2| {
            let parsed = PasswordHash::new(&stored)
                .map_err(|e| Error::Corrupt(format!("a stored password hash is malformed: {e}")))?;
            Ok(argon2.verify_password(password.as_bytes(), &parsed).is_ok() && known)
        })
        .await
    }
}

fn argon2(cost: PasswordCost) -> Argon2<'static> {
    let params = match cost {
        // 19 MiB, 2 passes, 1 lane: OWASP's first recommended configuration.
        PasswordCost::Standard => Params::new(19 * 1024, 2, 1, None),
        PasswordCost::TestOnly => Params::new(Params::MIN_M_COST, 1, 1, None),
    }
    .expect("argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_obvious_typos_refused() {
        assert_eq!(Email::parse("  Amina@Example.COM ").unwrap().as_str(), "amina@example.com");
        for bad in
            ["", "amina", "amina@", "@example.com", "a@b", "a b@example.com", "a@@example.com", "a@.com"]
        {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let passwords = Passwords::new(PasswordCost::TestOnly);
        let hash = passwords.hash(NewPassword::parse("correct horse".into()).unwrap()).await.unwrap();
        assert!(passwords.verify("correct horse".into(), Some(hash.clone())).await.unwrap());
        assert!(!passwords.verify("wrong horse".into(), Some(hash)).await.unwrap());
        assert!(!passwords.verify("correct horse".into(), None).await.unwrap());
        assert!(!passwords.verify("not-a-password".into(), None).await.unwrap(), "the dummy opens nothing");
    }

    #[tokio::test]
    async fn beyond_the_bound_a_hash_waits_then_is_refused() {
        let passwords = Passwords::with_limit(
            PasswordCost::TestOnly,
            HashingLimit { permits: 1, wait: Duration::from_millis(20) },
        );
        let held = passwords.permits.clone().acquire_owned().await.unwrap();
        let refused = passwords.verify("x".into(), None).await;
        assert!(matches!(refused, Err(Error::HashingBusy)), "{refused:?}");
        drop(held);
        assert!(!passwords.verify("x".into(), None).await.unwrap(), "a freed permit is taken");
        assert_eq!(passwords.gauge().peak(), 1);
    }
}
