//! Request coalescing: while one request for a page is fetching it from the origin, other
//! requests for the same page in this edge instance wait for that answer instead of sending
//! their own. A cold popular page costs the origin one request, not one per shopper.
//!
//! "Instance" is one isolate: the registry is thread-local, and every host runs the edge core
//! single-threaded (one per worker thread on the native host).

use std::cell::RefCell;
use std::collections::HashMap;

use futures_channel::oneshot;

use crate::host::{CacheKey, Cached};

/// What the leader got (a fresh page, a stale stand-in or an error page), replayed to every
/// follower; `cache_status` is the leader's own (followers report `collapsed`).
#[derive(Clone)]
pub struct Outcome {
    pub entry: Cached,
    pub cache_status: String,
}

thread_local! {
    static IN_FLIGHT: RefCell<HashMap<CacheKey, Vec<oneshot::Sender<Outcome>>>> = RefCell::new(HashMap::new());
}

pub enum Turn {
    /// Nobody is fetching this page: fetch it, then [`Leader::finish`].
    Lead(Leader),
    /// Someone is: wait for their outcome. `Err` means the leader went away without one
    /// (its shopper disconnected); fetch it yourself then.
    Wait(oneshot::Receiver<Outcome>),
}

/// Leads the fetch of `key` if nobody is fetching it; `None` otherwise. For background
/// revalidation, where nobody waits: a page already being fetched needs no second fetch.
pub fn lead_if_idle(key: &CacheKey) -> Option<Leader> {
    IN_FLIGHT.with(|in_flight| {
        let mut in_flight = in_flight.borrow_mut();
        if in_flight.contains_key(key) {
            return None;
        }
        in_flight.insert(key.clone(), Vec::new());
        Some(Leader { key: key.clone() })
    })
}

/// Decides whether this request fetches `key` or waits for the request already doing so.
pub fn turn(key: &CacheKey) -> Turn {
    IN_FLIGHT.with(|in_flight| {
        let mut in_flight = in_flight.borrow_mut();
        match in_flight.get_mut(key) {
            Some(waiters) => {
                let (sender, receiver) = oneshot::channel();
                waiters.push(sender);
                Turn::Wait(receiver)
            }
            None => {
                in_flight.insert(key.clone(), Vec::new());
                Turn::Lead(Leader { key: key.clone() })
            }
        }
    })
}

/// The request fetching a page for everyone. Dropping it without [`Leader::finish`] releases
/// the waiters to fetch for themselves.
pub struct Leader {
    key: CacheKey,
}

impl Leader {
    /// Hands the outcome to every waiting request; returns how many there were.
    pub fn finish(self, outcome: &Outcome) -> usize {
        let waiters = self.take_waiters();
        let count = waiters.len();
        for waiter in waiters {
            let _ = waiter.send(outcome.clone());
        }
        count
    }

    fn take_waiters(&self) -> Vec<oneshot::Sender<Outcome>> {
        IN_FLIGHT.with(|in_flight| in_flight.borrow_mut().remove(&self.key)).unwrap_or_default()
    }
}

impl Drop for Leader {
    fn drop(&mut self) {
        // After `finish` the key is already gone and this does nothing.
        drop(self.take_waiters());
    }
}
