//! [`Host`] for Spin: the key-value store as the cache, outbound HTTP to the `origin_url`
//! variable (with the `origin_timeout_ms` deadline), geo from a header the load balancer in front sets (`geo_header` variable), the
//! clock from `wasi:clocks`.
//!
//! The key-value store has no expiry: an entry carries its own `stored_at` and TTL (see
//! `linkedall_edge::cache_blob`) and the core treats a stale one as a miss; the next render overwrites it.

use std::pin::pin;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use futures_util::future::{Either, select};
use linkedall_edge::{CacheKey, Cached, Geo, Host, OriginError, SigningKeys, Timestamp};
use spin_sdk::key_value::Store;
use spin_sdk::variables;

use crate::sleep::Sleep;
use linkedall_edge::cache_blob;

const DEFAULT_ORIGIN_URL: &str = "http://127.0.0.1:8080";
const DEFAULT_GEO_HEADER: &str = "x-linkedall-country";
const DEFAULT_ORIGIN_TIMEOUT_MS: u64 = 5_000;
/// Keys in the shared store are namespaced so other components can use the same store.
const KEY_PREFIX: &str = "edge-cache:";

/// The component's settings, read from Spin variables (`[component.edge.variables]` in
/// spin.toml; overridden at run time with `SPIN_VARIABLE_ORIGIN_URL=…` and the like).
pub struct SpinConfig {
    /// Base URL without a trailing slash.
    origin_url: String,
    /// Lowercase header name carrying the shopper's ISO country code.
    geo_header: String,
    /// How long the origin may take to answer before the shopper gets the error page.
    origin_timeout_ms: u64,
    /// How long past its TTL a cached page stands in for an origin that does not answer.
    max_stale_secs: u64,
    /// Keys verifying signed image URLs (`image_signing_keys`: `kid:secret,…`).
    image_signing_keys: SigningKeys,
    /// Opens `/__linkedall/metrics` (`metrics_token`); none: no metrics served.
    metrics_token: Option<String>,
    /// What the origin's purge feed asks of edges (`purge_feed_token`), when it asks one.
    purge_feed_token: Option<String>,
}

impl SpinConfig {
    pub fn from_variables() -> SpinConfig {
        let var = |name: &str| variables::get(name).ok().filter(|v| !v.trim().is_empty());
        SpinConfig {
            origin_url: var("origin_url")
                .unwrap_or_else(|| DEFAULT_ORIGIN_URL.into())
                .trim_end_matches('/')
                .to_string(),
            geo_header: var("geo_header").unwrap_or_else(|| DEFAULT_GEO_HEADER.into()).to_ascii_lowercase(),
            origin_timeout_ms: var("origin_timeout_ms")
                .and_then(|ms| ms.trim().parse().ok())
                .unwrap_or(DEFAULT_ORIGIN_TIMEOUT_MS),
            max_stale_secs: var("max_stale_secs")
                .and_then(|secs| secs.trim().parse().ok())
                .unwrap_or(linkedall_edge::cache::DEFAULT_MAX_STALE_SECS),
            image_signing_keys: var("image_signing_keys")
                .map(|keys| {
                    SigningKeys::parse(&keys).unwrap_or_else(|error| {
                        eprintln!("image_signing_keys ignored: {error}");
                        SigningKeys::none()
                    })
                })
                .unwrap_or_default(),
            metrics_token: var("metrics_token").map(|token| token.trim().to_owned()),
            purge_feed_token: var("purge_feed_token").map(|token| token.trim().to_owned()),
        }
    }
}

pub struct SpinHost {
    config: SpinConfig,
    /// `None` when the component has no key-value store granted: every lookup is a miss.
    store: Option<Store>,
}

impl SpinHost {
    pub fn new(config: SpinConfig) -> SpinHost {
        let store =
            Store::open_default().inspect_err(|error| eprintln!("edge cache unavailable: {error}")).ok();
        SpinHost { config, store }
    }
}

fn store_key(key: &CacheKey) -> String {
    format!("{KEY_PREFIX}{}", key.as_str())
}

impl Host for SpinHost {
    async fn cache_get(&self, key: &CacheKey) -> Option<Cached> {
        let blob = self.store.as_ref()?.get(&store_key(key)).ok()??;
        cache_blob::decode(&blob)
    }

    async fn cache_put(&self, key: &CacheKey, entry: Cached) {
        if entry.ttl_secs == 0 {
            return;
        }
        if let Some(store) = &self.store
            && let Err(error) = store.set(&store_key(key), &cache_blob::encode(&entry))
        {
            eprintln!("edge cache put failed: {error}");
        }
    }

    async fn fetch_origin(&self, req: http::Request<Bytes>) -> Result<http::Response<Bytes>, OriginError> {
        let (mut parts, body) = req.into_parts();
        let path = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
        let url = format!("{}{path}", self.config.origin_url);
        parts.uri =
            url.parse().map_err(|e| OriginError::Unreachable(format!("bad origin URL {url}: {e}")))?;
        let sent =
            pin!(spin_sdk::http::send::<_, http::Response<Bytes>>(http::Request::from_parts(parts, body)));
        let timeout_ms = self.config.origin_timeout_ms;
        match select(sent, Sleep::new(timeout_ms)).await {
            Either::Left((Ok(response), _)) => Ok(response),
            Either::Left((Err(error), _)) => {
                eprintln!("origin request to {url} failed: {error}");
                Err(OriginError::Unreachable(error.to_string()))
            }
            Either::Right(((), _)) => {
                eprintln!("origin request to {url} timed out after {timeout_ms} ms");
                Err(OriginError::Timeout(timeout_ms))
            }
        }
    }

    fn geo(&self, req: &http::Request<Bytes>) -> Geo {
        let country = req
            .headers()
            .get(self.config.geo_header.as_str())
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()))
            .map(str::to_ascii_uppercase);
        Geo { country, ..Geo::default() }
    }

    /// `spin-client-addr` (`address:port`), which the Spin host sets from the connection.
    fn client_ip(&self, req: &http::Request<Bytes>) -> Option<std::net::IpAddr> {
        linkedall_edge::client_address::from_header(req.headers(), "spin-client-addr")
    }

    fn image_signing_keys(&self) -> SigningKeys {
        self.config.image_signing_keys.clone()
    }

    fn metrics_token(&self) -> Option<String> {
        self.config.metrics_token.clone()
    }

    fn purge_feed_token(&self) -> Option<String> {
        self.config.purge_feed_token.clone()
    }

    /// Spin starts an instance per request: counts go to the key-value store's totals.
    fn keeps_instances(&self) -> bool {
        false
    }

    fn now(&self) -> Timestamp {
        // wasm32-wasip2's SystemTime reads wasi:clocks/wall-clock; it does not panic there.
        let millis = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
        Timestamp(u64::try_from(millis).unwrap_or(u64::MAX))
    }

    fn max_stale_secs(&self) -> u64 {
        self.config.max_stale_secs
    }
}
