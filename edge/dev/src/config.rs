//! Settings of the native edge host.

use linkedall_shared::OriginSite;
use linkedall_shared::image_signature::SigningKeys;
use metrics_exporter_prometheus::PrometheusHandle;

#[derive(Clone)]
pub struct EdgeDevConfig {
    /// Base URL of the origin, e.g. `http://127.0.0.1:8080`.
    pub origin_url: String,
    /// Request header the load balancer in front sets to the shopper's ISO country code.
    pub geo_header: String,
    /// Most pages held in the in-memory cache.
    pub cache_capacity: usize,
    /// Worker threads, each a single-threaded runtime (like isolates at an edge location).
    pub workers: usize,
    /// How long an origin request may take before the shopper gets the "unavailable" page.
    pub origin_timeout_ms: u64,
    /// Where `/metrics` reads from. `None` installs a process-wide recorder on first use;
    /// pass the origin's handle when both run in one process, so one page shows both.
    pub metrics: Option<PrometheusHandle>,
    /// Origin base URLs per site (`nairobi=http://…`): shoppers go to their region's nearest
    /// healthy site. Empty: every request goes to `origin_url`.
    pub origin_sites: Vec<(OriginSite, String)>,
    /// Seconds past its TTL a cached page may still be served, read-only, when no origin
    /// answers.
    pub max_stale_secs: u64,
    /// Keys that verify signed image URLs (`kid:secret,…`); none: only preset sizes are served.
    pub image_signing_keys: SigningKeys,
    /// The bearer token that opens `/metrics`. Without one, `/metrics` answers loopback
    /// clients only (the demo on one machine); set it wherever the edge listens beyond.
    pub metrics_token: Option<String>,
    /// The token sent (`Authorization: Bearer`) when reading the origin's purge journal,
    /// which the origin keeps from the public: its `LINKEDALL_PURGE_FEED_TOKEN`.
    pub purge_feed_token: Option<String>,
}

/// Parses `site=url` (`nairobi=http://10.0.0.5:8080`), as `--origin-site` takes it.
pub fn parse_origin_site(raw: &str) -> Result<(OriginSite, String), String> {
    let (name, url) = raw
        .split_once('=')
        .ok_or_else(|| format!("{raw:?}: expected site=url, e.g. nairobi=http://127.0.0.1:8081"))?;
    let site =
        OriginSite::ALL.into_iter().find(|site| site.name() == name.trim().to_ascii_lowercase()).ok_or_else(
            || format!("{name:?} is not an origin site: expected lagos, nairobi, johannesburg or cairo"),
        )?;
    Ok((site, url.trim().to_owned()))
}

impl Default for EdgeDevConfig {
    fn default() -> Self {
        Self {
            origin_url: "http://127.0.0.1:8080".into(),
            geo_header: "x-linkedall-country".into(),
            cache_capacity: 10_000,
            workers: std::thread::available_parallelism().map_or(2, usize::from),
            origin_timeout_ms: 5_000,
            metrics: None,
            origin_sites: Vec::new(),
            max_stale_secs: linkedall_edge::cache::DEFAULT_MAX_STALE_SECS,
            image_signing_keys: SigningKeys::none(),
            metrics_token: None,
            purge_feed_token: None,
        }
    }
}
