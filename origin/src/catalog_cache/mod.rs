//! The origin-side catalog cache: encoded answers of the public catalog routes (home,
//! categories, product lists, products, vendor storefronts, search), kept as the exact bytes
//! of each representation (JSON or postcard) so that a hit costs neither a query nor an
//! encoding. Redis holds it in production and CI (`LINKEDALL_REDIS_URL`, shared by every
//! origin), this process's memory (an LRU bounded in bytes) in the embedded default.
//!
//! # Why no stale value survives a write
//!
//! Keys are never overwritten or deleted to invalidate them; instead every key carries a
//! *generation* and a write moves the generation on, so that readers stop asking for the
//! old keys (which then expire on their own TTL):
//!
//! - a product page is guarded by that product's generation (`gen:product:{id}`);
//! - everything that lists products (home, categories, lists, storefronts, search) is guarded
//!   by the catalog generation (`gen`).
//!
//! A read looks up the guarding generation and the value under it in one step (a Lua script
//! on Redis, one lock in memory). On a miss it reads the database and stores what it read under
//! the generation it saw *before* the read. A write commits first and only then moves the
//! generations on (`products_changed`), to a fresh number from one ever-increasing sequence.
//! So a reader racing a write either
//!
//! - saw the old generation: whatever it stores (possibly the pre-commit row) lands under a key
//!   nobody asks for once the writer's bump is done — and the bump is done before the writer's
//!   HTTP answer, so any request that starts after a write was acknowledged sees it; or
//! - saw the new generation: the bump came after the commit, so its database read did too.
//!
//! Two details keep that true over time. Product generations expire (there is one per product
//! ever changed), after `ttl + MAX_FILL`; a reader that took longer than [`MAX_FILL`] between
//! its lookup and its store stores nothing, so every value stored under a generation older
//! than the last bump has expired before that bump's generation does, and a product whose
//! generation expired falls back to 0 with nothing left under it. New generations come from a
//! sequence that never repeats, so an expired-and-bumped generation can never meet old values.
//!
//! What is not covered: a bump that fails (Redis unreachable at that moment) leaves what was
//! cached to live out its TTL (default 60 s); the failure is logged at error level and counted
//! in `origin_cache_errors_total{op="invalidate"}`. A Redis that does not answer never fails a
//! request: lookups and stores give up after [`OP_TIMEOUT`] and the database answers.
//!
//! Stock changes (checkout, cancellation, the reservation sweeper) bump the catalog generation
//! too, not only the product's: list and search answers carry each product's stock in units,
//! so every stock change changes their bytes. Bumping only when the shown availability (out of
//! stock / only N left / in stock) changes would need the stock before and after each write
//! reported out of its transaction, which the write side does not do yet.

mod memory;
mod redis;

use std::future::Future;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use linkedall_shared::{PURGE_SEQ_HEADER, ProductId};
use serde::Serialize;

pub use self::memory::MemoryCatalog;
pub use self::redis::RedisCatalog;
use crate::error::{Error, Result};
use crate::negotiate::Format;

/// A reader that took longer than this from its lookup to its store does not store: see the
/// module docs for why this bound keeps expired generations from meeting old values.
pub const MAX_FILL: Duration = Duration::from_secs(10);

/// How long one Redis operation may take before the database is asked instead.
pub const OP_TIMEOUT: Duration = Duration::from_millis(500);

/// How long entries live by default.
pub const DEFAULT_TTL: Duration = Duration::from_secs(60);

/// The memory backend's default capacity.
pub const DEFAULT_MEMORY_BYTES: usize = 64 * 1024 * 1024;

/// The `Cache-Status` cache name (RFC 9211) this cache answers under.
const CACHE_NAME: &str = "linkedall-origin";

/// What is cached: one value per route family, the `cache` label of every metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Home,
    Categories,
    Products,
    Product,
    Vendor,
    Search,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Home => "home",
            Kind::Categories => "categories",
            Kind::Products => "products",
            Kind::Product => "product",
            Kind::Vendor => "vendor",
            Kind::Search => "search",
        }
    }
}

/// Which generation guards a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Guard {
    /// Anything that lists products.
    Catalog,
    /// One product's own page.
    Product(ProductId),
}

/// One cached answer: its kind, its guard and the parsed parameters that select it (never the
/// raw query string, so `?limit=20` and no limit share an entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheKey {
    pub kind: Kind,
    pub guard: Guard,
    params: String,
}

impl CacheKey {
    /// A listing (home, categories, lists, storefronts, search) selected by `params`.
    pub fn listing(kind: Kind, params: impl Into<String>) -> CacheKey {
        CacheKey { kind, guard: Guard::Catalog, params: params.into() }
    }

    /// Product `id`'s page.
    pub fn product(id: ProductId) -> CacheKey {
        CacheKey { kind: Kind::Product, guard: Guard::Product(id), params: id.get().to_string() }
    }

    /// The key's name within its generation, one per representation and value layout:
    /// `search:json:s1:limit=20:q=ankara` (`s1`: values start with their purge position).
    fn name(&self, format: Format) -> String {
        // Postcard is not self-describing: a new wire version must not read an old one's bytes.
        let format = match format {
            Format::Json => "json".to_owned(),
            Format::Postcard => format!("postcard{}", linkedall_shared::wire::WIRE_VERSION),
        };
        format!("{}:{format}:s1:{}", self.kind.as_str(), self.params)
    }
}

/// What a backend found: the guarding generation, and the value under it if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub generation: u64,
    pub value: Option<Bytes>,
}

/// The catalog cache. Cloning shares it.
#[derive(Clone, Debug)]
pub struct CatalogCache {
    backend: Backend,
    ttl: Duration,
}

#[derive(Clone, Debug)]
enum Backend {
    /// Caching switched off (`--catalog-cache-ttl-secs 0`): every read goes to the database.
    Off,
    Memory(MemoryCatalog),
    Redis(RedisCatalog),
}

impl CatalogCache {
    /// A cache in this process's memory, holding at most `capacity_bytes` of values.
    pub fn memory(capacity_bytes: usize, ttl: Duration) -> CatalogCache {
        Self::with_backend(Backend::Memory(MemoryCatalog::new(capacity_bytes)), ttl)
    }

    /// A cache in Redis (see [`RedisCatalog`]).
    pub fn redis(redis: RedisCatalog, ttl: Duration) -> CatalogCache {
        Self::with_backend(Backend::Redis(redis), ttl)
    }

    /// No cache: every read goes to the database.
    pub fn off() -> CatalogCache {
        CatalogCache { backend: Backend::Off, ttl: Duration::ZERO }
    }

    fn with_backend(backend: Backend, ttl: Duration) -> CatalogCache {
        if ttl.is_zero() { Self::off() } else { CatalogCache { backend, ttl } }
    }

    pub fn backend(&self) -> &'static str {
        match self.backend {
            Backend::Off => "off",
            Backend::Memory(_) => "memory",
            Backend::Redis(_) => "redis",
        }
    }

    /// Answers `key` in `format` from the cache, or from `load` (the database) on a miss,
    /// storing the encoded answer. Errors of `load` (404s included) are returned and never
    /// cached; errors of the cache are logged and counted and the database answers.
    ///
    /// `position` is the purge journal's newest position; it is read before `load`, kept with
    /// the stored answer and sent with it in [`PURGE_SEQ_HEADER`], so an edge knows which
    /// purges the answer already reflects — also when it comes from this cache long after.
    pub async fn serve<T, E, Fut>(
        &self,
        key: CacheKey,
        format: Format,
        position: impl Future<Output = Result<u64, linkedall_store::Error>>,
        load: impl FnOnce() -> Fut,
    ) -> Result<Response>
    where
        T: Serialize,
        E: Into<Error>,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Backend::Off = self.backend {
            let seq = position.await?;
            return Ok(respond(
                format,
                seq,
                format.encode(&load().await.map_err(Into::into)?)?,
                "fwd=bypass",
            ));
        }
        let kind = key.kind.as_str();
        let name = key.name(format);
        let looked_up = Instant::now();
        let generation = match self.timed(kind, "lookup", self.lookup(key.guard, &name)).await {
            Ok(Found { value: Some(stored), generation }) => match Stamped::read(&stored) {
                Some(Stamped { seq, body }) => {
                    count(kind, "hit");
                    tracing::debug!(cache = kind, key = %name, generation, "catalog cache hit");
                    return Ok(respond(format, seq, body, "hit"));
                }
                None => {
                    count(kind, "error");
                    tracing::warn!(cache = kind, key = %name, "unreadable cached answer; reading the database");
                    Some(generation)
                }
            },
            Ok(Found { value: None, generation }) => {
                count(kind, "miss");
                Some(generation)
            }
            Err(error) => {
                count(kind, "error");
                self.failed(kind, "lookup", &error);
                None
            }
        };
        let seq = position.await?;
        let bytes = format.encode(&load().await.map_err(Into::into)?)?;
        let Some(generation) = generation else {
            return Ok(respond(format, seq, bytes, "fwd=miss; detail=cache-unavailable"));
        };
        if looked_up.elapsed() > MAX_FILL {
            tracing::warn!(cache = kind, key = %name, "the database read outlasted the fill window; not stored");
            return Ok(respond(format, seq, bytes, "fwd=miss"));
        }
        let stored = Stamped::write(seq, &bytes);
        match self.timed(kind, "store", self.store(key.kind, &name, generation, stored)).await {
            Ok(()) => {
                tracing::debug!(cache = kind, key = %name, generation, "catalog cache miss; stored");
                Ok(respond(format, seq, bytes, "fwd=miss; stored"))
            }
            Err(error) => {
                self.failed(kind, "store", &error);
                Ok(respond(format, seq, bytes, "fwd=miss"))
            }
        }
    }

    /// Call after a commit that changed products `ids` (name, price, stock, images, …): their
    /// pages and every listing are served fresh from the next request on.
    pub async fn products_changed(&self, ids: &[ProductId], why: &'static str) {
        self.bump(ids, why).await;
    }

    /// Call after a commit that added to the catalog without changing an existing product
    /// (a new product): every listing is served fresh from the next request on.
    pub async fn catalog_changed(&self, why: &'static str) {
        self.bump(&[], why).await;
    }

    async fn bump(&self, ids: &[ProductId], why: &'static str) {
        let bumped = match &self.backend {
            Backend::Off => return,
            Backend::Memory(memory) => Ok(memory.bump(ids, self.ttl + MAX_FILL)),
            Backend::Redis(redis) => {
                self.timed("catalog", "invalidate", redis.bump(ids, self.ttl + MAX_FILL)).await
            }
        };
        match bumped {
            Ok(generation) => {
                metrics::counter!("origin_cache_invalidations_total", "reason" => why).increment(1);
                tracing::debug!(products = ?ids, generation, why, "catalog cache invalidated");
            }
            Err(error) => {
                metrics::counter!("origin_cache_errors_total", "cache" => "catalog", "op" => "invalidate")
                    .increment(1);
                tracing::error!(
                    %error, products = ?ids, why,
                    "catalog cache invalidation failed; cached answers may be stale until their TTL"
                );
            }
        }
    }

    async fn lookup(&self, guard: Guard, name: &str) -> Result<Found> {
        match &self.backend {
            Backend::Off => Ok(Found { generation: 0, value: None }),
            Backend::Memory(memory) => Ok(memory.lookup(guard, name)),
            Backend::Redis(redis) => redis.lookup(guard, name).await,
        }
    }

    async fn store(&self, kind: Kind, name: &str, generation: u64, bytes: Bytes) -> Result<()> {
        match &self.backend {
            Backend::Off => Ok(()),
            Backend::Memory(memory) => {
                memory.store(kind, name, generation, bytes, self.ttl);
                Ok(())
            }
            Backend::Redis(redis) => redis.store(name, generation, bytes, self.ttl).await,
        }
    }

    /// Runs one cache operation within [`OP_TIMEOUT`], recording its latency.
    async fn timed<T>(
        &self,
        kind: &'static str,
        op: &'static str,
        work: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        let started = Instant::now();
        let result =
            tokio::time::timeout(OP_TIMEOUT, work).await.unwrap_or_else(|_| Err(self::redis::timed_out()));
        metrics::histogram!(
            "origin_cache_duration_seconds", "cache" => kind, "backend" => self.backend(), "op" => op
        )
        .record(started.elapsed().as_secs_f64());
        result
    }

    fn failed(&self, kind: &'static str, op: &'static str, error: &Error) {
        metrics::counter!("origin_cache_errors_total", "cache" => kind, "op" => op).increment(1);
        tracing::warn!(%error, cache = kind, op, backend = self.backend(), "catalog cache unavailable; answering from the database");
    }
}

fn count(kind: &'static str, result: &'static str) {
    metrics::counter!("origin_cache_total", "cache" => kind, "result" => result).increment(1);
}

/// A stored answer: the purge journal position read before it, then its bytes.
struct Stamped {
    seq: u64,
    body: Bytes,
}

impl Stamped {
    fn write(seq: u64, body: &[u8]) -> Bytes {
        let mut stored = Vec::with_capacity(8 + body.len());
        stored.extend_from_slice(&seq.to_le_bytes());
        stored.extend_from_slice(body);
        Bytes::from(stored)
    }

    fn read(stored: &Bytes) -> Option<Stamped> {
        let seq = u64::from_le_bytes(stored.get(..8)?.try_into().ok()?);
        Some(Stamped { seq, body: stored.slice(8..) })
    }
}

/// The answer with its representation's content type, the purge journal position it reflects
/// and an RFC 9211 `Cache-Status`.
fn respond(format: Format, seq: u64, body: Bytes, status: &'static str) -> Response {
    let mut response = format.respond(body);
    if let Ok(value) = HeaderValue::from_str(&format!("{CACHE_NAME}; {status}")) {
        response.headers_mut().insert("cache-status", value);
    }
    response.headers_mut().insert(PURGE_SEQ_HEADER, HeaderValue::from(seq));
    debug_assert!(response.headers().contains_key(header::CONTENT_TYPE));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_differ_by_representation_and_kind_but_not_by_spelling_of_parameters() {
        let a = CacheKey::listing(Kind::Search, "limit=20:q=ankara");
        assert_eq!(a.name(Format::Json), "search:json:s1:limit=20:q=ankara");
        assert_ne!(a.name(Format::Json), a.name(Format::Postcard));
        assert_ne!(
            a.name(Format::Json),
            CacheKey::listing(Kind::Products, "limit=20:q=ankara").name(Format::Json)
        );
        let product = CacheKey::product(ProductId::new(42));
        assert_eq!(product.guard, Guard::Product(ProductId::new(42)));
        assert_eq!(
            product.name(Format::Postcard),
            format!("product:postcard{}:s1:42", linkedall_shared::wire::WIRE_VERSION)
        );
    }

    #[test]
    fn a_stored_answer_keeps_its_purge_position() {
        let stored = Stamped::write(1234, b"{\"id\":1}");
        let Stamped { seq, body } = Stamped::read(&stored).expect("readable");
        assert_eq!((seq, &body[..]), (1234, &b"{\"id\":1}"[..]));
        assert!(Stamped::read(&Bytes::from_static(b"short")).is_none());
    }

    #[test]
    fn a_zero_ttl_switches_the_cache_off() {
        assert_eq!(CatalogCache::memory(1024, Duration::ZERO).backend(), "off");
        assert_eq!(CatalogCache::memory(1024, DEFAULT_TTL).backend(), "memory");
    }
}
