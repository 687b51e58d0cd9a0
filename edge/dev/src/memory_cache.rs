//! The native host's cache: a bounded in-memory map shared by all worker threads, evicting
//! the least recently stored entry when full (what a single edge location's cache does, in
//! miniature).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use linkedall_edge::{CacheKey, Cached};

pub struct MemoryCache {
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<CacheKey, Cached>,
    /// Keys in the order they were stored; a re-stored key moves to the back.
    order: VecDeque<CacheKey>,
}

impl MemoryCache {
    pub fn new(capacity: usize) -> Self {
        Self { capacity: capacity.max(1), inner: Mutex::default() }
    }

    pub fn get(&self, key: &CacheKey) -> Option<Cached> {
        self.lock().entries.get(key).cloned()
    }

    pub fn put(&self, key: CacheKey, entry: Cached) {
        let mut inner = self.lock();
        if inner.entries.insert(key.clone(), entry).is_some() {
            inner.order.retain(|k| k != &key);
        }
        inner.order.push_back(key);
        while inner.entries.len() > self.capacity {
            let Some(oldest) = inner.order.pop_front() else { break };
            inner.entries.remove(&oldest);
            metrics::counter!("edge_cache_evictions_total").increment(1);
        }
        metrics::gauge!("edge_cache_entries").set(inner.entries.len() as f64);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().entries.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the map half-updated in a way that
        // matters for a cache; keep serving.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkedall_edge::Timestamp;

    fn entry(body: &'static str) -> Cached {
        Cached {
            status: 200,
            headers: vec![],
            body: bytes::Bytes::from_static(body.as_bytes()),
            stored_at: Timestamp(0),
            ttl_secs: 60,
            tags: vec![],
        }
    }

    #[test]
    fn a_full_cache_drops_the_oldest_entry() {
        let cache = MemoryCache::new(2);
        cache.put(CacheKey("a".into()), entry("a"));
        cache.put(CacheKey("b".into()), entry("b"));
        cache.put(CacheKey("a".into()), entry("a2"));
        cache.put(CacheKey("c".into()), entry("c"));
        assert_eq!(cache.len(), 2);
        assert!(cache.get(&CacheKey("b".into())).is_none(), "b was the oldest");
        assert_eq!(cache.get(&CacheKey("a".into())).unwrap().body, "a2");
    }
}
