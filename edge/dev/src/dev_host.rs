//! [`Host`] for the native dev host: the shared in-memory cache, a hyper client to the origin
//! with a timeout, geo from a header, the system clock.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use linkedall_edge::{CacheKey, Cached, Geo, Host, OriginError, Timestamp};
use linkedall_shared::OriginSite;
use linkedall_shared::image_signature::SigningKeys;

use crate::memory_cache::MemoryCache;

pub struct DevHost {
    pub cache: Arc<MemoryCache>,
    pub client: Client<HttpConnector, Full<Bytes>>,
    /// `scheme://authority` of the origin, no trailing slash.
    pub origin: String,
    /// `scheme://authority` per origin site, when the edge routes by region.
    pub sites: Arc<Vec<(OriginSite, String)>>,
    pub geo_header: http::HeaderName,
    pub timeout: Duration,
    /// Seconds past its TTL a cached page may stand in for origins that do not answer.
    pub max_stale_secs: u64,
    pub image_signing_keys: SigningKeys,
    /// Sent when reading the origin's purge journal.
    pub purge_feed_token: Option<String>,
}

impl DevHost {
    pub fn client() -> Client<HttpConnector, Full<Bytes>> {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        Client::builder(TokioExecutor::new()).pool_idle_timeout(Duration::from_secs(30)).build(connector)
    }
}

impl Host for DevHost {
    async fn cache_get(&self, key: &CacheKey) -> Option<Cached> {
        self.cache.get(key)
    }

    async fn cache_put(&self, key: &CacheKey, entry: Cached) {
        self.cache.put(key.clone(), entry);
    }

    async fn fetch_origin(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, OriginError> {
        self.fetch_from(&self.origin, request).await
    }

    async fn fetch_origin_at(
        &self,
        site: OriginSite,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, OriginError> {
        match self.sites.iter().find(|(s, _)| *s == site) {
            Some((_, base)) => self.fetch_from(base, request).await,
            None => self.fetch_origin(request).await,
        }
    }

    fn origin_sites(&self) -> Vec<OriginSite> {
        self.sites.iter().map(|(site, _)| *site).collect()
    }

    /// The TCP peer, which the server put in the request's extensions.
    fn client_ip(&self, request: &http::Request<Bytes>) -> Option<std::net::IpAddr> {
        request.extensions().get::<linkedall_edge::client_address::PeerAddr>().map(|peer| peer.0)
    }

    fn geo(&self, request: &http::Request<Bytes>) -> Geo {
        let country = request
            .headers()
            .get(&self.geo_header)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()))
            .map(str::to_ascii_uppercase);
        Geo { country, ..Geo::default() }
    }

    fn now(&self) -> Timestamp {
        Timestamp(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64))
    }

    fn max_stale_secs(&self) -> u64 {
        self.max_stale_secs
    }

    fn purge_feed_token(&self) -> Option<String> {
        self.purge_feed_token.clone()
    }

    fn image_signing_keys(&self) -> SigningKeys {
        self.image_signing_keys.clone()
    }
}

impl DevHost {
    /// One request to the origin at `base`, bounded by the timeout end to end.
    async fn fetch_from(
        &self,
        base: &str,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, OriginError> {
        let (mut parts, body) = request.into_parts();
        let path = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
        parts.uri = format!("{base}{path}")
            .parse()
            .map_err(|e| OriginError::Unreachable(format!("bad origin URL: {e}")))?;
        let send = self.client.request(http::Request::from_parts(parts, Full::new(body)));
        let response = tokio::time::timeout(self.timeout, send)
            .await
            .map_err(|_| OriginError::Timeout(self.timeout.as_millis() as u64))?
            .map_err(|e| OriginError::Unreachable(e.to_string()))?;
        let (parts, body) = response.into_parts();
        let body = tokio::time::timeout(self.timeout, body.collect())
            .await
            .map_err(|_| OriginError::Timeout(self.timeout.as_millis() as u64))?
            .map_err(|e| OriginError::Unreachable(e.to_string()))?
            .to_bytes();
        Ok(http::Response::from_parts(parts, body))
    }
}
