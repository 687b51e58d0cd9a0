//! Sign-in and registration rate limits, keyed so that nobody can lock someone else out.
//!
//! - Failed sign-ins are counted per client address ([`ClientAddress`]): an address that
//!   keeps guessing is refused (429) until its bucket refills, whatever accounts it tries.
//! - Failed sign-ins are also counted per account, from every address; they never refuse,
//!   they only slow each further attempt on that account (up to [`MAX_ACCOUNT_DELAY`]), so
//!   the owner signing in from their own address still gets in, a little later.
//! - Registrations are counted per client address.
//!
//! The buckets live in this process's memory: enough for one origin instance. With several
//! instances they belong in Redis (the same bucket arithmetic in a Lua script).
//!
//! [`ClientAddress`]: crate::client_address::ClientAddress

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed sign-ins one address may make in a burst before it is refused.
const ADDRESS_FAILURES: f64 = 10.0;
/// One failure forgiven every this often.
const REFILL_EVERY: Duration = Duration::from_secs(12);
/// Failures on one account (from anywhere) before its attempts are slowed.
const ACCOUNT_FREE_FAILURES: f64 = 5.0;
/// Failures on one account remembered at most (enough to reach [`MAX_ACCOUNT_DELAY`]).
const ACCOUNT_REMEMBERED: f64 = 15.0;
/// The added wait per failure beyond the free ones.
const ACCOUNT_DELAY_STEP: Duration = Duration::from_millis(200);
/// The longest an account's attempts are slowed: a delay, never a refusal.
pub const MAX_ACCOUNT_DELAY: Duration = Duration::from_secs(2);
/// Buckets are forgotten once full again; a map is swept when it grows past this.
const SWEEP_ABOVE: usize = 10_000;

/// How many accounts one client address may open in a burst, and how fast that refills.
#[derive(Debug, Clone, Copy)]
pub struct RegistrationLimit {
    pub burst: u32,
    pub refill_every: Duration,
}

impl Default for RegistrationLimit {
    /// Ten accounts at once, then one every six minutes.
    fn default() -> Self {
        Self { burst: 10, refill_every: Duration::from_secs(360) }
    }
}

/// Token buckets by key: `tokens` is what is left; full buckets are forgotten on sweep.
struct Buckets<K> {
    burst: f64,
    refill_every: Duration,
    map: Mutex<HashMap<K, (f64, Instant)>>,
}

impl<K: Hash + Eq> Buckets<K> {
    fn new(burst: f64, refill_every: Duration) -> Self {
        Self { burst, refill_every, map: Mutex::new(HashMap::new()) }
    }

    /// Applies `change` to the refilled bucket of `key`; returns what `change` returns.
    fn with<T>(&self, key: K, change: impl FnOnce(&mut f64) -> T) -> T {
        let now = Instant::now();
        let mut map = self.map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if map.len() > SWEEP_ABOVE {
            map.retain(|_, (tokens, at)| self.refilled(*tokens, *at, now) < self.burst);
        }
        let (tokens, at) = map.entry(key).or_insert((self.burst, now));
        *tokens = self.refilled(*tokens, *at, now);
        *at = now;
        change(tokens)
    }

    fn refilled(&self, tokens: f64, at: Instant, now: Instant) -> f64 {
        let regained = now.duration_since(at).as_secs_f64() / self.refill_every.as_secs_f64();
        (tokens + regained).min(self.burst)
    }

    /// The wait until one token is back, for `Retry-After`.
    fn wait(&self, tokens: f64) -> Duration {
        self.refill_every.mul_f64((1.0 - tokens).max(0.0))
    }
}

/// The sign-in limits and the registration limit of one origin.
pub struct LoginLimiter {
    failures_by_address: Buckets<IpAddr>,
    failures_by_account: Buckets<String>,
    registrations: Buckets<IpAddr>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        Self::new(RegistrationLimit::default())
    }
}

impl LoginLimiter {
    pub fn new(registrations: RegistrationLimit) -> Self {
        Self {
            failures_by_address: Buckets::new(ADDRESS_FAILURES, REFILL_EVERY),
            failures_by_account: Buckets::new(ACCOUNT_REMEMBERED, REFILL_EVERY),
            registrations: Buckets::new(f64::from(registrations.burst.max(1)), registrations.refill_every),
        }
    }

    /// Before a sign-in from `ip` to `email`: `Err(retry_after)` when this address has failed
    /// too often, else how long to slow this attempt because the account is being guessed.
    pub fn before_sign_in(&self, email: &str, ip: IpAddr) -> Result<Duration, Duration> {
        let refused = self.failures_by_address.with(ip, |tokens| (*tokens < 1.0).then_some(*tokens));
        if let Some(tokens) = refused {
            return Err(self.failures_by_address.wait(tokens));
        }
        let left = self.failures_by_account.with(email.to_owned(), |tokens| *tokens);
        let beyond_free = (ACCOUNT_REMEMBERED - left - ACCOUNT_FREE_FAILURES).max(0.0);
        Ok(ACCOUNT_DELAY_STEP.mul_f64(beyond_free.ceil()).min(MAX_ACCOUNT_DELAY))
    }

    /// Counts a wrong password from `ip` for `email`.
    pub fn failed(&self, email: &str, ip: IpAddr) {
        self.failures_by_address.with(ip, |tokens| *tokens = (*tokens - 1.0).max(0.0));
        self.failures_by_account.with(email.to_owned(), |tokens| *tokens = (*tokens - 1.0).max(0.0));
    }

    /// Takes one costly account action (a registration, a reset mail: each costs a hash or a
    /// mail) from `ip`'s allowance, or refuses it with a 429: the refusal is counted by
    /// `count_refusal` and written to the security stream as `action`.
    pub fn allow_costly(
        &self,
        ip: IpAddr,
        action: &'static str,
        count_refusal: impl FnOnce(),
    ) -> Result<(), crate::error::Error> {
        self.register(ip).map_err(|wait| {
            count_refusal();
            tracing::warn!(target: "security", action, outcome = "failure", client_ip = %ip, "{action} from this address rate limited");
            crate::error::Error::TooManyAttempts { retry_after_secs: wait.as_secs().max(1) }
        })
    }

    /// Takes one registration from `ip`'s allowance; `Err(retry_after)` when it is spent.
    pub fn register(&self, ip: IpAddr) -> Result<(), Duration> {
        let left = self.registrations.with(ip, |tokens| {
            if *tokens >= 1.0 {
                *tokens -= 1.0;
                None
            } else {
                Some(*tokens)
            }
        });
        left.map_or(Ok(()), |tokens| Err(self.registrations.wait(tokens)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_refuse_their_address_and_only_slow_the_account() {
        let limiter = LoginLimiter::default();
        let attacker = IpAddr::from([10, 0, 0, 1]);
        let owner = IpAddr::from([10, 0, 0, 2]);
        for _ in 0..10 {
            limiter.before_sign_in("a@example.com", attacker).unwrap();
            limiter.failed("a@example.com", attacker);
        }
        let wait = limiter.before_sign_in("b@example.com", attacker).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= REFILL_EVERY, "the address is refused for any account");
        let delay = limiter.before_sign_in("a@example.com", owner).expect("the owner is not refused");
        assert!(delay > Duration::ZERO && delay <= MAX_ACCOUNT_DELAY, "only slowed: {delay:?}");
        assert_eq!(limiter.before_sign_in("b@example.com", owner), Ok(Duration::ZERO));
    }

    #[test]
    fn registrations_are_limited_per_address() {
        let limiter =
            LoginLimiter::new(RegistrationLimit { burst: 2, refill_every: Duration::from_secs(60) });
        let ip = IpAddr::from([10, 0, 0, 1]);
        limiter.register(ip).unwrap();
        limiter.register(ip).unwrap();
        assert!(limiter.register(ip).is_err());
        limiter.register(IpAddr::from([10, 0, 0, 2])).expect("another address may register");
    }
}
