//! [`Host`] for Cloudflare Workers: the Workers Cache API (`caches.default`), `fetch` to the
//! `ORIGIN_URL` variable, geo from `request.cf`, the clock from `Date.now()`. Cache writes run
//! after the response through `ctx.wait_until`, so a miss is not slowed by the store.

use std::rc::Rc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::{Either, select};
use linkedall_edge::{CacheKey, Cached, Geo, Host, OriginError, OriginSite, SigningKeys, Timestamp};
use worker::js_sys::{self, Reflect, Uint8Array};
use worker::wasm_bindgen::JsValue;
use worker::{
    AbortController, Cache, Context, Delay, Env, Fetch, Headers, Method, Request, RequestInit, Response,
    ResponseBuilder,
};

use linkedall_edge::cache_blob;

use crate::convert;

/// Cache API keys must be URLs. They live under the shop's own host name (so Cloudflare's
/// purge-by-URL reaches them), under a path no route of the shop uses.
const CACHE_KEY_PATH: &str = linkedall_edge::EDGE_CACHE_KEY_PATH;
const DEFAULT_ORIGIN_TIMEOUT_MS: u64 = 10_000;

/// Where the origin is, from the worker's variables (`ORIGIN_URL`, `ORIGIN_TIMEOUT_MS`, and
/// per site `ORIGIN_LAGOS`, `ORIGIN_NAIROBI`, `ORIGIN_JOHANNESBURG`, `ORIGIN_CAIRO`), and how
/// long cached pages stand in for it when it does not answer (`MAX_STALE_SECS`).
pub struct OriginConfig {
    /// Base URL without a trailing slash; `None` when the variable is missing.
    base_url: Option<String>,
    timeout_ms: u64,
    /// Base URLs of the origin sites that have a variable; the core routes by region.
    sites: Vec<(OriginSite, String)>,
    max_stale_secs: u64,
    /// Keys verifying signed image URLs: the `IMAGE_SIGNING_KEYS` secret (`kid:secret,…`).
    image_signing_keys: SigningKeys,
    /// The `METRICS_TOKEN` secret opening `/__linkedall/metrics`; none: no metrics served.
    metrics_token: Option<String>,
    /// The `PURGE_FEED_TOKEN` secret the origin's purge feed asks of edges, when it asks one.
    purge_feed_token: Option<String>,
}

impl OriginConfig {
    pub fn from_env(env: &Env) -> OriginConfig {
        let var = |name: &str| env.var(name).ok().map(|v| v.to_string());
        OriginConfig {
            base_url: var("ORIGIN_URL")
                .map(|url| url.trim_end_matches('/').to_string())
                .filter(|url| !url.is_empty()),
            timeout_ms: var("ORIGIN_TIMEOUT_MS")
                .and_then(|ms| ms.parse().ok())
                .unwrap_or(DEFAULT_ORIGIN_TIMEOUT_MS),
            sites: OriginSite::ALL
                .into_iter()
                .filter_map(|site| {
                    let url = var(&format!("ORIGIN_{}", site.name().to_ascii_uppercase()))?;
                    let url = url.trim_end_matches('/').to_string();
                    (!url.is_empty()).then_some((site, url))
                })
                .collect(),
            max_stale_secs: var("MAX_STALE_SECS")
                .and_then(|secs| secs.trim().parse().ok())
                .unwrap_or(linkedall_edge::cache::DEFAULT_MAX_STALE_SECS),
            image_signing_keys: env
                .secret("IMAGE_SIGNING_KEYS")
                .map(|secret| secret.to_string())
                .or_else(|_| env.var("IMAGE_SIGNING_KEYS").map(|var| var.to_string()))
                .ok()
                .map(|keys| {
                    SigningKeys::parse(&keys).unwrap_or_else(|error| {
                        worker::console_warn!("IMAGE_SIGNING_KEYS ignored: {error}");
                        SigningKeys::none()
                    })
                })
                .unwrap_or_default(),
            metrics_token: token(env, "METRICS_TOKEN"),
            purge_feed_token: token(env, "PURGE_FEED_TOKEN"),
        }
    }
}

/// A token from a secret (or, in local development, a plain variable); blank is none.
fn token(env: &Env, name: &str) -> Option<String> {
    env.secret(name)
        .map(|secret| secret.to_string())
        .or_else(|_| env.var(name).map(|var| var.to_string()))
        .ok()
        .map(|token| token.trim().to_owned())
        .filter(|token| !token.is_empty())
}

/// Reads `request.cf` field by field from the raw JS request. `Cf::colo()` (and other getters
/// of the `worker` crate) unwrap and panic when a field is absent — as it is under Miniflare or
/// with a partial `cf` — so fields are read as plain optional JS properties instead.
pub fn geo_from_cf(request: &Request) -> Geo {
    let cf = Reflect::get(request.inner(), &JsValue::from_str("cf")).unwrap_or(JsValue::UNDEFINED);
    if !cf.is_object() {
        return Geo::default();
    }
    let field = |name: &str| {
        Reflect::get(&cf, &JsValue::from_str(name))
            .ok()
            .and_then(|value| value.as_string())
            .filter(|value| !value.is_empty())
    };
    Geo {
        country: field("country").map(|c| c.to_ascii_uppercase()),
        continent: field("continent").map(|c| c.to_ascii_uppercase()),
        colo: field("colo"),
    }
}

pub struct WorkersHost {
    origin: OriginConfig,
    geo: Geo,
    /// Shared with the background revalidation that outlives the response.
    ctx: Rc<Context>,
    /// `https://<the request's host>`: the base of this request's cache keys.
    cache_origin: String,
}

impl WorkersHost {
    pub fn new(origin: OriginConfig, geo: Geo, ctx: Rc<Context>, request_url: &worker::Url) -> WorkersHost {
        let host = request_url.host_str().unwrap_or("localhost");
        WorkersHost { origin, geo, ctx, cache_origin: format!("https://{host}") }
    }

    fn cache_url(&self, key: &CacheKey) -> String {
        let encoded: String = js_sys::encode_uri_component(key.as_str()).into();
        format!("{}{CACHE_KEY_PATH}{encoded}", self.cache_origin)
    }
}

impl Host for WorkersHost {
    async fn cache_get(&self, key: &CacheKey) -> Option<Cached> {
        let mut stored = Cache::default().get(self.cache_url(key), false).await.ok()??;
        let blob = stored.bytes().await.ok()?;
        cache_blob::decode(&blob)
    }

    async fn cache_put(&self, key: &CacheKey, entry: Cached) {
        if entry.ttl_secs == 0 {
            return;
        }
        let url = self.cache_url(key);
        let headers = Headers::new();
        // The Cache API drops the blob once it is too old even to stand in for a failed origin
        // (stale-if-error); freshness itself is the core's decision, from `stored_at`.
        let keep_secs = u64::from(entry.ttl_secs).saturating_add(self.origin.max_stale_secs);
        let stored = headers
            .set("cache-control", &format!("public, max-age={keep_secs}"))
            .and_then(|()| headers.set("content-type", "application/octet-stream"))
            // Cloudflare's purge-by-tag API reaches Cache API entries through this header.
            .and_then(|()| {
                if entry.tags.is_empty() { Ok(()) } else { headers.set("cache-tag", &entry.tags.join(",")) }
            })
            .map(|()| ResponseBuilder::new().with_headers(headers).fixed(cache_blob::encode(&entry)));
        let Ok(stored) = stored else { return };
        self.ctx.wait_until(async move {
            if let Err(error) = Cache::default().put(url, stored).await {
                worker::console_warn!("edge cache put failed: {error}");
            }
        });
    }

    async fn fetch_origin(&self, req: http::Request<Bytes>) -> Result<http::Response<Bytes>, OriginError> {
        let Some(base) = &self.origin.base_url else {
            return Err(OriginError::Unreachable("the ORIGIN_URL variable is not set".into()));
        };
        self.fetch_from(base, req).await
    }

    async fn fetch_origin_at(
        &self,
        site: OriginSite,
        req: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, OriginError> {
        match self.origin.sites.iter().find(|(s, _)| *s == site) {
            Some((_, base)) => self.fetch_from(base, req).await,
            None => self.fetch_origin(req).await,
        }
    }

    fn origin_sites(&self) -> Vec<OriginSite> {
        self.origin.sites.iter().map(|(site, _)| *site).collect()
    }

    fn geo(&self, _req: &http::Request<Bytes>) -> Geo {
        self.geo.clone()
    }

    /// `CF-Connecting-IP`, which Cloudflare sets on every request (a client's own is replaced).
    fn client_ip(&self, req: &http::Request<Bytes>) -> Option<std::net::IpAddr> {
        linkedall_edge::client_address::from_header(req.headers(), "cf-connecting-ip")
    }
    fn now(&self) -> Timestamp {
        Timestamp(js_sys::Date::now() as u64)
    }

    fn max_stale_secs(&self) -> u64 {
        self.origin.max_stale_secs
    }

    fn image_signing_keys(&self) -> SigningKeys {
        self.origin.image_signing_keys.clone()
    }

    fn metrics_token(&self) -> Option<String> {
        self.origin.metrics_token.clone()
    }

    fn purge_feed_token(&self) -> Option<String> {
        self.origin.purge_feed_token.clone()
    }
}

impl WorkersHost {
    /// One request to the origin at `base`, aborted after the configured timeout.
    async fn fetch_from(
        &self,
        base: &str,
        req: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, OriginError> {
        let path = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
        let url = format!("{base}{path}");
        let request = origin_request(&url, req).map_err(|e| OriginError::Unreachable(e.to_string()))?;

        let controller = AbortController::default();
        let signal = controller.signal();
        let fetch = Fetch::Request(request);
        let sent = Box::pin(fetch.send_with_signal(&signal));
        let deadline = Box::pin(Delay::from(Duration::from_millis(self.origin.timeout_ms)));
        let response: Response = match select(sent, deadline).await {
            Either::Left((Ok(response), _)) => response,
            Either::Left((Err(error), _)) => {
                worker::console_warn!("origin request to {url} failed: {error}");
                return Err(OriginError::Unreachable(error.to_string()));
            }
            Either::Right(((), _)) => {
                controller.abort();
                worker::console_warn!("origin request to {url} timed out");
                return Err(OriginError::Timeout(self.origin.timeout_ms));
            }
        };
        convert::response_to_http(response).await.map_err(|e| OriginError::Unreachable(e.to_string()))
    }
}

fn origin_request(url: &str, req: http::Request<Bytes>) -> worker::Result<Request> {
    let (parts, body) = req.into_parts();
    let method = Method::from(parts.method.as_str().to_string());
    let mut init = RequestInit::new();
    init.with_method(method.clone()).with_headers(convert::headers_from_http(&parts.headers)?);
    if !matches!(method, Method::Get | Method::Head) && !body.is_empty() {
        init.with_body(Some(Uint8Array::from(body.as_ref()).into()));
    }
    Request::new_with_init(url, &init)
}
