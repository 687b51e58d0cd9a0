//! `Server-Timing` on every answer the edge gives, so a developer sees in the browser's
//! DevTools where a request's time went: the cache's verdict (`cache;desc=hit|miss|stale`),
//! the time spent waiting for the origin (`origin;dur=`), and the rest — routing, rendering,
//! resizing — as the edge's own (`edge;dur=`).
//!
//! The origin's share is added up by [`crate::origin::send`] into the request's
//! [`OriginTime`], which every clone of the request's context shares.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use http::{HeaderMap, HeaderValue};

pub const SERVER_TIMING: &str = "server-timing";

/// Milliseconds this request spent waiting for the origin, over every fetch it made.
#[derive(Debug, Clone, Default)]
pub struct OriginTime(Arc<AtomicU64>);

impl OriginTime {
    pub fn add(&self, millis: u64) {
        self.0.fetch_add(millis, Ordering::Relaxed);
    }

    pub fn millis(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Two contexts are the same request whatever their clocks say.
impl PartialEq for OriginTime {
    fn eq(&self, _: &OriginTime) -> bool {
        true
    }
}

impl Eq for OriginTime {}

/// Sets `Server-Timing` on `headers` for a request that took `total_millis`, of which
/// `origin_millis` waiting for the origin. The cache's verdict is read from the answer's
/// `Cache-Status`, when it has one.
pub fn apply(headers: &mut HeaderMap, total_millis: u64, origin_millis: u64) {
    let verdict = headers.get("cache-status").and_then(|v| v.to_str().ok()).map(verdict);
    let own = total_millis.saturating_sub(origin_millis);
    let mut value = String::with_capacity(64);
    if let Some(verdict) = verdict {
        value.push_str("cache;desc=");
        value.push_str(verdict);
        value.push_str(", ");
    }
    if origin_millis > 0 {
        value.push_str(&format!("origin;dur={origin_millis}, "));
    }
    value.push_str(&format!("edge;dur={own}"));
    if let Ok(value) = HeaderValue::from_str(&value) {
        headers.insert(SERVER_TIMING, value);
    }
}

/// `hit`, `stale` or `miss` from a `Cache-Status` value (`linkedall-edge; hit; ttl=30`).
fn verdict(cache_status: &str) -> &'static str {
    let mut params = cache_status.split(';').map(str::trim).skip(1);
    let first = params.next().unwrap_or_default();
    let stale = cache_status.contains("ttl=-");
    match first {
        "hit" if stale => "stale",
        "hit" => "hit",
        _ => "miss",
    }
}

#[cfg(test)]
mod tests {
    use http::{HeaderMap, HeaderValue};

    use super::{OriginTime, apply};

    fn timing(cache_status: Option<&'static str>, total: u64, origin: u64) -> String {
        let mut headers = HeaderMap::new();
        if let Some(status) = cache_status {
            headers.insert("cache-status", HeaderValue::from_static(status));
        }
        apply(&mut headers, total, origin);
        headers["server-timing"].to_str().unwrap().to_owned()
    }

    #[test]
    fn a_cached_page_names_the_hit_and_the_edges_time_only() {
        assert_eq!(timing(Some("linkedall-edge; hit; ttl=30"), 3, 0), "cache;desc=hit, edge;dur=3");
    }

    #[test]
    fn a_miss_splits_the_time_between_origin_and_edge() {
        assert_eq!(
            timing(Some("linkedall-edge; fwd=miss; stored"), 40, 31),
            "cache;desc=miss, origin;dur=31, edge;dur=9"
        );
    }

    #[test]
    fn a_stale_copy_is_told_apart_from_a_fresh_hit() {
        let value = timing(Some("linkedall-edge; hit; ttl=-12; detail=stale-if-error"), 5, 0);
        assert!(value.starts_with("cache;desc=stale"), "{value}");
    }

    #[test]
    fn answers_without_a_cache_verdict_give_the_times_only() {
        assert_eq!(timing(None, 12, 10), "origin;dur=10, edge;dur=2");
    }

    #[test]
    fn every_clone_of_a_requests_context_adds_to_one_origin_time() {
        let time = OriginTime::default();
        let copy = time.clone();
        time.add(5);
        copy.add(7);
        assert_eq!(time.millis(), 12);
    }
}
