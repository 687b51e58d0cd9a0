//! Login rate limiting: a token bucket per (email, client address), so guessing one account's
//! password is slow while other shoppers behind the same address are not locked out.
//!
//! The buckets live in this process's memory: enough for one origin instance. With several
//! instances they belong in Redis (the same bucket arithmetic in a Lua script); that is a
//! follow-up, noted in the issue.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

/// Attempts allowed in a burst.
const BURST: f64 = 5.0;
/// One attempt regained every this often.
const REFILL_EVERY: Duration = Duration::from_secs(12);
/// Buckets are forgotten once full again; the map is swept when it grows past this.
const SWEEP_ABOVE: usize = 10_000;

struct Bucket {
    tokens: f64,
    updated: Instant,
}

#[derive(Default)]
pub struct LoginLimiter {
    buckets: Mutex<HashMap<(String, IpAddr), Bucket>>,
}

impl LoginLimiter {
    /// Takes one attempt from the bucket of (`email`, `ip`); `Err(retry_after)` when empty.
    pub fn attempt(&self, email: &str, ip: IpAddr) -> Result<(), Duration> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() > SWEEP_ABOVE {
            buckets.retain(|_, b| refilled(b, now) < BURST);
        }
        let bucket = buckets.entry((email.to_owned(), ip)).or_insert(Bucket { tokens: BURST, updated: now });
        bucket.tokens = refilled(bucket, now);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(REFILL_EVERY.mul_f64(1.0 - bucket.tokens))
        }
    }
}

fn refilled(bucket: &Bucket, now: Instant) -> f64 {
    let regained = now.duration_since(bucket.updated).as_secs_f64() / REFILL_EVERY.as_secs_f64();
    (bucket.tokens + regained).min(BURST)
}

/// The address of the connected client; unspecified when the server was not started with
/// connect info (an embedded router).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(addr)| addr.ip());
        Ok(ClientIp(ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_refused_per_email_and_address() {
        let limiter = LoginLimiter::default();
        let ip = IpAddr::from([10, 0, 0, 1]);
        for _ in 0..5 {
            limiter.attempt("a@example.com", ip).unwrap();
        }
        let wait = limiter.attempt("a@example.com", ip).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= REFILL_EVERY);
        limiter.attempt("b@example.com", ip).expect("another account is not limited");
        limiter
            .attempt("a@example.com", IpAddr::from([10, 0, 0, 2]))
            .expect("another address is not limited");
    }
}
