//! The catalog cache in this process's memory, for the embedded default: one LRU list bounded
//! in bytes (keys and values), and the generations, all behind one lock so that a lookup reads
//! a generation and the value under it atomically.
//!
//! Entries of generations nobody asks for any more are not swept: they age to the cold end of
//! the LRU list and are the first evicted when the cache is full.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use hashlink::LruCache;
use linkedall_shared::ProductId;

use super::{Found, Guard, Kind};

/// Product generations are swept of expired ones when there are more than this.
const SWEEP_ABOVE: usize = 100_000;

/// The memory backend. Cloning shares it.
#[derive(Clone)]
pub struct MemoryCatalog(Arc<Mutex<State>>);

impl std::fmt::Debug for MemoryCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        f.debug_struct("MemoryCatalog")
            .field("entries", &state.entries.len())
            .field("bytes", &state.bytes)
            .field("capacity", &state.capacity)
            .finish()
    }
}

struct State {
    /// Where new generations come from; never repeats.
    sequence: u64,
    catalog: u64,
    /// A product's generation and when it expires (see the module docs of `catalog_cache`).
    products: HashMap<ProductId, (u64, Instant)>,
    entries: LruCache<String, Entry>,
    bytes: usize,
    capacity: usize,
}

struct Entry {
    value: Bytes,
    kind: Kind,
    expires: Instant,
}

impl State {
    fn generation(&self, guard: Guard, now: Instant) -> u64 {
        match guard {
            Guard::Catalog => self.catalog,
            Guard::Product(id) => {
                self.products.get(&id).filter(|(_, expires)| *expires > now).map_or(0, |(g, _)| *g)
            }
        }
    }

    fn remove(&mut self, key: &str) {
        if let Some(entry) = self.entries.remove(key) {
            self.bytes -= key.len() + entry.value.len();
        }
    }
}

impl MemoryCatalog {
    /// An empty cache that holds at most `capacity` bytes of keys and values.
    pub fn new(capacity: usize) -> MemoryCatalog {
        MemoryCatalog(Arc::new(Mutex::new(State {
            sequence: 0,
            catalog: 0,
            products: HashMap::new(),
            entries: LruCache::new_unbounded(),
            bytes: 0,
            capacity,
        })))
    }

    /// How many entries are held (tests watch evictions with it).
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(super) fn lookup(&self, guard: Guard, name: &str) -> Found {
        let now = Instant::now();
        let mut state = self.lock();
        let generation = state.generation(guard, now);
        let key = format!("g{generation}:{name}");
        let value = match state.entries.get(&key) {
            Some(entry) if entry.expires > now => Some(entry.value.clone()),
            Some(_) => {
                state.remove(&key);
                None
            }
            None => None,
        };
        Found { generation, value }
    }

    pub(super) fn store(&self, kind: Kind, name: &str, generation: u64, value: Bytes, ttl: Duration) {
        let key = format!("g{generation}:{name}");
        let size = key.len() + value.len();
        let mut state = self.lock();
        if size > state.capacity {
            tracing::debug!(
                cache = kind.as_str(),
                size,
                "answer larger than the whole memory cache; not stored"
            );
            return;
        }
        state.remove(&key);
        state.entries.insert(key, Entry { value, kind, expires: Instant::now() + ttl });
        state.bytes += size;
        while state.bytes > state.capacity {
            let Some((evicted, entry)) = state.entries.remove_lru() else { break };
            state.bytes -= evicted.len() + entry.value.len();
            metrics::counter!("origin_cache_evictions_total", "cache" => entry.kind.as_str()).increment(1);
        }
        metrics::gauge!("origin_cache_bytes", "backend" => "memory").set(state.bytes as f64);
    }

    /// Moves the catalog's generation, and those of `products`, to a new one; product
    /// generations live `keep`.
    pub(super) fn bump(&self, products: &[ProductId], keep: Duration) -> u64 {
        let now = Instant::now();
        let mut state = self.lock();
        state.sequence += 1;
        let generation = state.sequence;
        state.catalog = generation;
        if state.products.len() > SWEEP_ABOVE {
            state.products.retain(|_, (_, expires)| *expires > now);
        }
        for id in products {
            state.products.insert(*id, (generation, now + keep));
        }
        generation
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TTL: Duration = Duration::from_secs(60);

    #[test]
    fn a_value_stored_under_an_old_generation_is_never_found_again() {
        let cache = MemoryCatalog::new(1 << 20);
        let product = Guard::Product(ProductId::new(7));
        let seen = cache.lookup(product, "product:json:7");
        assert_eq!(seen, Found { generation: 0, value: None });
        // The write commits and bumps while the reader is still reading the old row.
        cache.bump(&[ProductId::new(7)], TTL);
        cache.store(Kind::Product, "product:json:7", seen.generation, Bytes::from_static(b"old"), TTL);
        let after = cache.lookup(product, "product:json:7");
        assert_eq!(after.value, None, "the old row is not served after the write");
        cache.store(Kind::Product, "product:json:7", after.generation, Bytes::from_static(b"new"), TTL);
        assert_eq!(cache.lookup(product, "product:json:7").value, Some(Bytes::from_static(b"new")));
    }

    #[test]
    fn a_product_change_moves_listings_on_but_leaves_other_products_alone() {
        let cache = MemoryCatalog::new(1 << 20);
        for (guard, name) in
            [(Guard::Catalog, "home:json:"), (Guard::Product(ProductId::new(2)), "product:json:2")]
        {
            let generation = cache.lookup(guard, name).generation;
            cache.store(Kind::Home, name, generation, Bytes::from_static(b"x"), TTL);
        }
        cache.bump(&[ProductId::new(1)], TTL);
        assert_eq!(cache.lookup(Guard::Catalog, "home:json:").value, None);
        assert!(cache.lookup(Guard::Product(ProductId::new(2)), "product:json:2").value.is_some());
    }

    #[test]
    fn the_least_recently_used_answers_go_first_when_full() {
        // Each entry is 4 bytes of key (`g0:a`) and 28 of value: three fit in 100 bytes, four do not.
        let cache = MemoryCatalog::new(100);
        for name in ["a", "b", "c"] {
            cache.store(Kind::Search, name, 0, Bytes::from(vec![0u8; 28]), TTL);
        }
        assert!(cache.lookup(Guard::Catalog, "a").value.is_some(), "touch a, so b is the coldest");
        cache.store(Kind::Search, "d", 0, Bytes::from(vec![0u8; 28]), TTL);
        assert_eq!(cache.len(), 3);
        assert!(cache.lookup(Guard::Catalog, "b").value.is_none());
        for name in ["a", "c", "d"] {
            assert!(cache.lookup(Guard::Catalog, name).value.is_some(), "{name} is kept");
        }
        cache.store(Kind::Search, "huge", 0, Bytes::from(vec![0u8; 200]), TTL);
        assert!(cache.lookup(Guard::Catalog, "huge").value.is_none(), "larger than the cache: not stored");
        assert_eq!(cache.len(), 3);
    }

    #[test]
    fn expired_answers_are_not_served() {
        let cache = MemoryCatalog::new(1 << 20);
        cache.store(Kind::Home, "home:json:", 0, Bytes::from_static(b"x"), Duration::ZERO);
        assert_eq!(cache.lookup(Guard::Catalog, "home:json:").value, None);
        assert!(cache.is_empty());
    }
}
