//! Settings of the native edge host.

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
        }
    }
}
