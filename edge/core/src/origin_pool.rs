//! Which origin site a request goes to: the shopper's region's pool in its fallback order
//! (West → Lagos first, East → Nairobi …, see [`Region::origin_pool`]), skipping sites whose
//! circuit breaker is open.
//!
//! A site that fails [`TRIP_AFTER`] times in a row (unreachable, timed out, or answering
//! 502/503/504) is skipped for [`OPEN_MILLIS`]; after that one request tries it again
//! (half-open) and a success closes the breaker. When every site's breaker is open they are
//! all tried anyway, in pool order: skipping them all would turn a hiccup into an outage.
//! Breakers live per edge instance, like the request coalescer: an isolate or worker thread
//! learns from its own failures, and no instance waits on another's.

use std::cell::RefCell;
use std::collections::HashMap;

use linkedall_shared::{OriginSite, Region};

use crate::host::Timestamp;

/// Consecutive failures that open a site's breaker.
pub const TRIP_AFTER: u32 = 3;

/// How long an open breaker keeps a site out of rotation.
pub const OPEN_MILLIS: u64 = 10_000;

#[derive(Debug, Clone, Copy, Default)]
struct Breaker {
    failures: u32,
    open_until: u64,
}

thread_local! {
    static BREAKERS: RefCell<HashMap<OriginSite, Breaker>> = RefCell::new(HashMap::new());
}

/// The sites to try for a shopper in `region`, among those the host can reach, best first.
pub fn order(region: Region, reachable: &[OriginSite], now: Timestamp) -> Vec<OriginSite> {
    let pool: Vec<OriginSite> =
        region.origin_pool().into_iter().filter(|site| reachable.contains(site)).collect();
    let (closed, open): (Vec<OriginSite>, Vec<OriginSite>) =
        BREAKERS.with_borrow(|breakers| pool.iter().partition(|site| !is_open(breakers.get(site), now)));
    closed.into_iter().chain(open).collect()
}

fn is_open(breaker: Option<&Breaker>, now: Timestamp) -> bool {
    breaker.is_some_and(|b| b.failures >= TRIP_AFTER && now.millis() < b.open_until)
}

/// Records that `site` answered.
pub fn succeeded(site: OriginSite) {
    BREAKERS.with_borrow_mut(|breakers| {
        if breakers.remove(&site).is_some_and(|b| b.failures >= TRIP_AFTER) {
            tracing::info!(site = site.name(), "origin site answers again; breaker closed");
            metrics::gauge!("edge_origin_breaker_open", "site" => site.name()).set(0.0);
        }
    });
}

/// Records that `site` failed; opens its breaker after [`TRIP_AFTER`] failures in a row.
pub fn failed(site: OriginSite, now: Timestamp) {
    metrics::counter!("edge_origin_site_failures_total", "site" => site.name()).increment(1);
    BREAKERS.with_borrow_mut(|breakers| {
        let breaker = breakers.entry(site).or_default();
        breaker.failures += 1;
        if breaker.failures >= TRIP_AFTER {
            if now.millis() >= breaker.open_until {
                tracing::warn!(
                    site = site.name(),
                    failures = breaker.failures,
                    "origin site failing; breaker open"
                );
            }
            breaker.open_until = now.millis() + OPEN_MILLIS;
            metrics::gauge!("edge_origin_breaker_open", "site" => site.name()).set(1.0);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use OriginSite::*;

    #[test]
    fn each_region_tries_its_nearest_reachable_site_first() {
        let all = OriginSite::ALL;
        assert_eq!(order(Region::East, &all, Timestamp(0))[0], Nairobi);
        assert_eq!(order(Region::West, &all, Timestamp(0))[0], Lagos);
        assert_eq!(order(Region::Southern, &all, Timestamp(0))[0], Johannesburg);
        assert_eq!(order(Region::North, &all, Timestamp(0))[0], Cairo);
        assert_eq!(order(Region::East, &[Lagos, Cairo], Timestamp(0)), vec![Cairo, Lagos]);
    }

    #[test]
    fn a_failing_site_is_skipped_until_its_breaker_half_opens() {
        let all = [Nairobi, Johannesburg];
        for _ in 0..TRIP_AFTER - 1 {
            failed(Nairobi, Timestamp(1_000));
        }
        assert_eq!(order(Region::East, &all, Timestamp(1_000))[0], Nairobi, "not yet tripped");
        failed(Nairobi, Timestamp(1_000));
        assert_eq!(order(Region::East, &all, Timestamp(1_001)), vec![Johannesburg, Nairobi]);
        assert_eq!(order(Region::East, &all, Timestamp(1_000 + OPEN_MILLIS))[0], Nairobi, "half-open");
        succeeded(Nairobi);
        assert_eq!(order(Region::East, &all, Timestamp(1_001))[0], Nairobi);
    }
}
