//! The native host's cache: a bounded in-memory map shared by all worker threads, evicting
//! the least recently used entry when full (what a single edge location's cache does, in
//! miniature).
//!
//! Expired entries are kept until evicted: the edge core decides freshness, and a stale copy
//! is what it serves when the origin fails (stale-if-error).

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use linkedall_edge::{CacheKey, Cached};

pub struct MemoryCache {
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<CacheKey, Slot>,
    /// Keys by the tick of their last use, oldest first: the front is evicted next.
    recency: BTreeMap<u64, CacheKey>,
    /// Increases on every use; never wraps in practice (u64).
    clock: u64,
}

struct Slot {
    entry: Cached,
    last_used: u64,
}

impl Inner {
    /// Marks `key` as just used.
    fn touch(&mut self, key: &CacheKey) {
        self.clock += 1;
        let tick = self.clock;
        if let Some(slot) = self.entries.get_mut(key) {
            self.recency.remove(&slot.last_used);
            slot.last_used = tick;
            self.recency.insert(tick, key.clone());
        }
    }
}

impl MemoryCache {
    /// A cache holding at most `capacity` entries (at least one).
    pub fn new(capacity: usize) -> Self {
        Self { capacity: capacity.max(1), inner: Mutex::default() }
    }

    pub fn get(&self, key: &CacheKey) -> Option<Cached> {
        let mut inner = self.lock();
        let entry = inner.entries.get(key)?.entry.clone();
        inner.touch(key);
        Some(entry)
    }

    pub fn put(&self, key: CacheKey, entry: Cached) {
        let mut inner = self.lock();
        if let Some(slot) = inner.entries.get_mut(&key) {
            slot.entry = entry;
        } else {
            inner.entries.insert(key.clone(), Slot { entry, last_used: 0 });
        }
        inner.touch(&key);
        while inner.entries.len() > self.capacity {
            let Some((_, oldest)) = inner.recency.pop_first() else { break };
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
            purge_seq: 0,
        }
    }

    fn key(name: &str) -> CacheKey {
        CacheKey(name.into())
    }

    #[test]
    fn a_full_cache_drops_the_least_recently_used_entry() {
        let cache = MemoryCache::new(2);
        cache.put(key("a"), entry("a"));
        cache.put(key("b"), entry("b"));
        assert!(cache.get(&key("a")).is_some(), "a is now the most recently used");
        cache.put(key("c"), entry("c"));
        assert_eq!(cache.len(), 2);
        assert!(cache.get(&key("b")).is_none(), "b was the least recently used");
        assert!(cache.get(&key("a")).is_some() && cache.get(&key("c")).is_some());
    }

    #[test]
    fn storing_a_key_again_replaces_its_entry_without_growing() {
        let cache = MemoryCache::new(2);
        cache.put(key("a"), entry("a"));
        cache.put(key("a"), entry("a2"));
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.get(&key("a")).unwrap().body, "a2");
        let zero = MemoryCache::new(0);
        zero.put(key("x"), entry("x"));
        assert_eq!(zero.len(), 1, "a capacity of 0 still holds one entry");
    }
}
