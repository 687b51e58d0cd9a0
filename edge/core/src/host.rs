//! The one seam between the edge app and the runtime it runs in.
//!
//! Every edge runtime (the native dev host, Cloudflare Workers, Spin) implements [`Host`] in a
//! thin adapter that only translates types; everything else — routing, caching decisions,
//! rendering — lives in this crate and is tested natively. Futures need not be `Send`: wasm
//! hosts are single-threaded and the native host runs one single-threaded executor per core.

use bytes::Bytes;
use linkedall_shared::OriginSite;
use linkedall_shared::image_signature::SigningKeys;

/// Milliseconds since the Unix epoch, as the host's clock reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub u64);

impl Timestamp {
    pub const fn millis(self) -> u64 {
        self.0
    }

    pub const fn plus_secs(self, secs: u64) -> Timestamp {
        Timestamp(self.0.saturating_add(secs.saturating_mul(1000)))
    }
}

/// The normalised key of a cached response (path, allowed query params, variant).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey(pub String);

impl CacheKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The page address in the key (`/c/fashion?cursor=4`): what URL and prefix purges match.
    /// Keys are `version|path|variant`; a key of another shape is its own path.
    pub fn path(&self) -> &str {
        self.0.split('|').nth(1).unwrap_or(&self.0)
    }
}

/// A response held in the host's cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cached {
    pub status: u16,
    /// Response headers to replay, lowercase names.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    pub stored_at: Timestamp,
    /// Seconds after `stored_at` during which the entry is fresh.
    pub ttl_secs: u32,
    /// Purge tags, e.g. `product:42`, `category:3`, `home`.
    pub tags: Vec<String>,
    /// The newest purge journal entry this edge had applied when it stored the entry: any
    /// later purge that matches the entry makes it a miss (see [`crate::purge_journal`]).
    pub purge_seq: u64,
}

impl Cached {
    /// An edge's own state (purge journal, exchange rates, warming list) kept in the host's
    /// cache beside the pages: `value` as postcard, untagged, kept `ttl_secs`.
    pub fn state<T: serde::Serialize>(value: &T, stored_at: Timestamp, ttl_secs: u32) -> Option<Cached> {
        Some(Cached {
            status: 200,
            headers: Vec::new(),
            body: Bytes::from(postcard::to_allocvec(value).ok()?),
            stored_at,
            ttl_secs,
            tags: Vec::new(),
            purge_seq: 0,
        })
    }

    /// The value [`Cached::state`] stored, if it still reads as `T`.
    pub fn read_state<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        postcard::from_bytes(&self.body).ok()
    }

    pub fn is_fresh(&self, now: Timestamp) -> bool {
        now < self.stored_at.plus_secs(u64::from(self.ttl_secs))
    }

    pub fn age_secs(&self, now: Timestamp) -> u64 {
        now.0.saturating_sub(self.stored_at.0) / 1000
    }
}

/// Where the shopper is, as far as the host knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Geo {
    /// ISO 3166-1 alpha-2, uppercase (`cf.country` on Workers, a header elsewhere).
    pub country: Option<String>,
    /// Two-letter continent code (`AF`, `EU` …) when the host knows it.
    pub continent: Option<String>,
    /// The edge location that served the request (`cf.colo` on Workers), when known.
    pub colo: Option<String>,
}

/// Why the origin gave no usable answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OriginError {
    #[error("the origin could not be reached: {0}")]
    Unreachable(String),
    #[error("the origin did not answer within {0} ms")]
    Timeout(u64),
}

/// What an edge runtime provides to the edge app.
#[allow(async_fn_in_trait)]
pub trait Host {
    async fn cache_get(&self, key: &CacheKey) -> Option<Cached>;
    async fn cache_put(&self, key: &CacheKey, entry: Cached);
    /// Sends a request to the origin. The URI is origin-relative (path and query); the host
    /// knows the origin's base URL.
    async fn fetch_origin(&self, req: http::Request<Bytes>) -> Result<http::Response<Bytes>, OriginError>;
    /// Sends a request to the origin at `site`. A host with one origin for every site keeps
    /// this default, which ignores the site.
    async fn fetch_origin_at(
        &self,
        site: OriginSite,
        req: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, OriginError> {
        let _ = site;
        self.fetch_origin(req).await
    }
    /// The origin sites this host has an address for; empty for a host with one origin.
    fn origin_sites(&self) -> Vec<OriginSite> {
        Vec::new()
    }
    fn geo(&self, req: &http::Request<Bytes>) -> Geo;
    /// The shopper's address, from what this host's platform says and clients cannot forge
    /// (never from `X-Forwarded-For` a client sent); sent to the origin in
    /// [`crate::client_address::CLIENT_IP`]. The default, `None`, sends no address.
    fn client_ip(&self, req: &http::Request<Bytes>) -> Option<std::net::IpAddr> {
        let _ = req;
        None
    }
    fn now(&self) -> Timestamp;
    /// How long past its TTL a cached page may stand in for origins that do not answer
    /// (read-only mode); configured per host.
    fn max_stale_secs(&self) -> u64 {
        crate::cache::DEFAULT_MAX_STALE_SECS
    }

    /// The bearer token that opens this host's metrics ([`crate::instance_metrics`]); `None`
    /// (the default) serves none. The native host serves `/metrics` itself.
    fn metrics_token(&self) -> Option<String> {
        None
    }

    /// The token this host sends (`Authorization: Bearer`) when reading the origin's purge
    /// journal, which the origin does not serve to the public ([`crate::purge_journal`]).
    /// `None` (the default) sends none: enough for an origin on the same machine (the demo).
    fn purge_feed_token(&self) -> Option<String> {
        None
    }

    /// Whether an instance serves many requests (native threads, Workers isolates) and so
    /// can keep counts and state in memory; Spin starts one per request.
    fn keeps_instances(&self) -> bool {
        true
    }

    /// Keys that verify signed image URLs (`/cdn-cgi/image/…?sig=`), from the host's
    /// configuration. The default has none: only preset sizes are served.
    fn image_signing_keys(&self) -> SigningKeys {
        SigningKeys::none()
    }
}
