//! Metrics where no Prometheus exporter runs: the wasm hosts. The edge core counts through the
//! `metrics` facade everywhere; the native host installs `metrics-exporter-prometheus` and
//! serves `/metrics` itself, while the Workers and Spin adapters install [`install`]'s
//! recorder, which keeps every series in this instance's memory. [`METRICS_PATH`] renders
//! them in Prometheus' text format for whoever holds the host's metrics token (see
//! [`serve`]).
//!
//! - Workers: one isolate serves many requests, so its series are that isolate's since it
//!   started (a scrape reaches one isolate; counters restart with it, which Prometheus'
//!   `rate()` handles as a reset).
//! - Spin starts an instance per request ([`crate::Host::keeps_instances`] is false): after
//!   each request the instance adds what it counted to a running total in the host's cache
//!   ([`TOTALS_KEY`]) and the endpoint shows that. Two instances finishing at the same moment
//!   may each read the total before the other writes it, losing one's increments: fine for
//!   watching rates, not for accounting.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;
use metrics::{Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit};
use serde::{Deserialize, Serialize};

use crate::host::{CacheKey, Cached, Host};
use crate::problem::Problem;

/// Where the wasm hosts serve their metrics.
pub const METRICS_PATH: &str = "/__linkedall/metrics";

/// Where hosts without per-instance memory keep the running totals.
pub const TOTALS_KEY: &str = "linkedall-edge-metrics";

/// Histogram bucket bounds in seconds (request and origin fetch latencies), as at the origin.
const BOUNDS: [f64; 15] = linkedall_shared::LATENCY_BUCKETS;

/// A series: metric name and its labels in order.
type SeriesKey = (String, Vec<(String, String)>);

#[derive(Default)]
struct Registry {
    counters: BTreeMap<SeriesKey, Arc<AtomicU64>>,
    gauges: BTreeMap<SeriesKey, Arc<AtomicU64>>,
    histograms: BTreeMap<SeriesKey, Arc<Mutex<Buckets>>>,
}

/// One histogram's counts per bucket (not cumulative), sum and count.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Buckets {
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Buckets {
    fn record(&mut self, value: f64) {
        if self.counts.len() != BOUNDS.len() {
            self.counts = vec![0; BOUNDS.len()];
        }
        if let Some(bucket) = BOUNDS.iter().position(|bound| value <= *bound) {
            self.counts[bucket] += 1;
        }
        self.sum += value;
        self.count += 1;
    }

    fn add(&mut self, other: &Buckets) {
        if self.counts.len() != BOUNDS.len() {
            self.counts = vec![0; BOUNDS.len()];
        }
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.sum += other.sum;
        self.count += other.count;
    }
}

fn registry() -> &'static Mutex<Registry> {
    static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();
    REGISTRY.get_or_init(Mutex::default)
}

fn series_key(key: &Key) -> SeriesKey {
    (
        key.name().to_owned(),
        key.labels().map(|label| (label.key().to_owned(), label.value().to_owned())).collect(),
    )
}

struct CounterCell(Arc<AtomicU64>);
impl metrics::CounterFn for CounterCell {
    fn increment(&self, value: u64) {
        self.0.fetch_add(value, Ordering::Relaxed);
    }
    fn absolute(&self, value: u64) {
        self.0.fetch_max(value, Ordering::Relaxed);
    }
}

struct GaugeCell(Arc<AtomicU64>);
impl GaugeCell {
    fn update(&self, change: impl Fn(f64) -> f64) {
        let _ = self.0.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |bits| {
            Some(change(f64::from_bits(bits)).to_bits())
        });
    }
}
impl metrics::GaugeFn for GaugeCell {
    fn increment(&self, value: f64) {
        self.update(|current| current + value);
    }
    fn decrement(&self, value: f64) {
        self.update(|current| current - value);
    }
    fn set(&self, value: f64) {
        self.0.store(value.to_bits(), Ordering::Relaxed);
    }
}

struct HistogramCell(Arc<Mutex<Buckets>>);
impl metrics::HistogramFn for HistogramCell {
    fn record(&self, value: f64) {
        if let Ok(mut buckets) = self.0.lock() {
            buckets.record(value);
        }
    }
}

/// The recorder the wasm adapters install.
pub struct InstanceRecorder;

impl Recorder for InstanceRecorder {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}

    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        let mut registry = registry().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let cell = registry.counters.entry(series_key(key)).or_default().clone();
        Counter::from_arc(Arc::new(CounterCell(cell)))
    }

    fn register_gauge(&self, key: &Key, _: &Metadata<'_>) -> Gauge {
        let mut registry = registry().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let cell = registry.gauges.entry(series_key(key)).or_default().clone();
        Gauge::from_arc(Arc::new(GaugeCell(cell)))
    }

    fn register_histogram(&self, key: &Key, _: &Metadata<'_>) -> Histogram {
        let mut registry = registry().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let cell = registry.histograms.entry(series_key(key)).or_default().clone();
        Histogram::from_arc(Arc::new(HistogramCell(cell)))
    }
}

/// Installs [`InstanceRecorder`] as the process's recorder, once; a no-op when another
/// recorder (the native host's exporter) is installed already.
pub fn install() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let _ = metrics::set_global_recorder(InstanceRecorder);
    });
}

/// Every series' value at one moment; what Spin instances add up in the host's cache.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    counters: BTreeMap<SeriesKey, u64>,
    gauges: BTreeMap<SeriesKey, f64>,
    histograms: BTreeMap<SeriesKey, Buckets>,
}

impl Snapshot {
    /// This instance's series now; with `reset`, counters and histograms start again from
    /// zero (what was taken is handed on, e.g. added to the host's totals).
    pub fn of_instance(reset: bool) -> Snapshot {
        let registry = registry().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let counter = |cell: &AtomicU64| {
            if reset { cell.swap(0, Ordering::Relaxed) } else { cell.load(Ordering::Relaxed) }
        };
        Snapshot {
            counters: registry.counters.iter().map(|(key, cell)| (key.clone(), counter(cell))).collect(),
            gauges: registry
                .gauges
                .iter()
                .map(|(key, cell)| (key.clone(), f64::from_bits(cell.load(Ordering::Relaxed))))
                .collect(),
            histograms: registry
                .histograms
                .iter()
                .map(|(key, cell)| {
                    let mut buckets = cell.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                    if reset {
                        (key.clone(), std::mem::take(&mut *buckets))
                    } else {
                        (key.clone(), buckets.clone())
                    }
                })
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.counters.values().all(|v| *v == 0)
            && self.histograms.values().all(|h| h.count == 0)
            && self.gauges.is_empty()
    }

    /// Adds `other`'s counters and histograms to these; its gauges replace these.
    pub fn add(&mut self, other: &Snapshot) {
        for (key, value) in &other.counters {
            *self.counters.entry(key.clone()).or_default() += value;
        }
        for (key, value) in &other.gauges {
            self.gauges.insert(key.clone(), *value);
        }
        for (key, value) in &other.histograms {
            self.histograms.entry(key.clone()).or_default().add(value);
        }
    }

    /// The Prometheus text exposition format (version 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        let typed = |out: &mut String, name: &str, kind: &str, last: &mut String| {
            if last != name {
                out.push_str(&format!("# TYPE {name} {kind}\n"));
                *last = name.to_owned();
            }
        };
        let mut last = String::new();
        for ((name, labels), value) in &self.counters {
            typed(&mut out, name, "counter", &mut last);
            out.push_str(&format!("{name}{} {value}\n", label_set(labels, None)));
        }
        for ((name, labels), value) in &self.gauges {
            typed(&mut out, name, "gauge", &mut last);
            out.push_str(&format!("{name}{} {value}\n", label_set(labels, None)));
        }
        for ((name, labels), buckets) in &self.histograms {
            typed(&mut out, name, "histogram", &mut last);
            let mut cumulative = 0;
            for (bound, count) in BOUNDS.iter().zip(buckets.counts.iter().chain(std::iter::repeat(&0))) {
                cumulative += count;
                let le = bound.to_string();
                out.push_str(&format!("{name}_bucket{} {cumulative}\n", label_set(labels, Some(&le))));
            }
            out.push_str(&format!("{name}_bucket{} {}\n", label_set(labels, Some("+Inf")), buckets.count));
            out.push_str(&format!("{name}_sum{} {}\n", label_set(labels, None), buckets.sum));
            out.push_str(&format!("{name}_count{} {}\n", label_set(labels, None), buckets.count));
        }
        out
    }
}

fn label_set(labels: &[(String, String)], le: Option<&str>) -> String {
    let mut parts: Vec<String> = labels
        .iter()
        .map(|(key, value)| {
            format!("{key}=\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n"))
        })
        .collect();
    if let Some(le) = le {
        parts.push(format!("le=\"{le}\""));
    }
    if parts.is_empty() { String::new() } else { format!("{{{}}}", parts.join(",")) }
}

/// On a host without per-instance memory: adds what this instance counted to the totals in
/// the host's cache (read, add, write).
pub async fn hand_on<H: Host>(host: &H) {
    let taken = Snapshot::of_instance(true);
    if taken.is_empty() {
        return;
    }
    let key = CacheKey(TOTALS_KEY.into());
    let mut totals =
        host.cache_get(&key).await.and_then(|entry| entry.read_state::<Snapshot>()).unwrap_or_default();
    totals.add(&taken);
    // Kept a year: totals are replaced on every request, never left to expire.
    if let Some(entry) = Cached::state(&totals, host.now(), 365 * 24 * 3600) {
        host.cache_put(&key, entry).await;
    }
}

/// `GET /__linkedall/metrics` with `Authorization: Bearer <the host's metrics token>`: this
/// instance's series (or, on hosts without per-instance memory, the totals). 404 when the host
/// has no token configured (the path does not exist), 401 without the right token.
pub async fn serve<H: Host>(request: &http::Request<Bytes>, host: &H) -> http::Response<Bytes> {
    let respond = |status: u16, content_type: &'static str, body: String| {
        let mut response = http::Response::new(Bytes::from(body));
        *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
        response
            .headers_mut()
            .insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(content_type));
        response
            .headers_mut()
            .insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
        response
    };
    let Some(token) = host.metrics_token() else {
        return Problem::new(
            404,
            "no-metrics",
            "this edge host serves no metrics (no metrics token is configured)",
        )
        .response();
    };
    if !bears_token(request.headers(), &token) {
        return Problem::new(
            401,
            "unauthenticated",
            "send the edge's metrics token as `Authorization: Bearer <token>`",
        )
        .response();
    }
    let snapshot = if host.keeps_instances() {
        Snapshot::of_instance(false)
    } else {
        let mut totals = host
            .cache_get(&CacheKey(TOTALS_KEY.into()))
            .await
            .and_then(|entry| entry.read_state::<Snapshot>())
            .unwrap_or_default();
        totals.add(&Snapshot::of_instance(false));
        totals
    };
    respond(200, "text/plain; version=0.0.4; charset=utf-8", snapshot.render())
}

/// Whether `headers` carry `Authorization: Bearer <token>` (compared in constant time): how
/// every host opens its metrics.
pub fn bears_token(headers: &http::HeaderMap, token: &str) -> bool {
    let offered = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    same_secret(offered.trim().as_bytes(), token.as_bytes())
}

/// Compares secrets in time independent of where they differ.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str, labels: &[(&str, &str)]) -> SeriesKey {
        (name.to_owned(), labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    #[test]
    fn snapshots_add_up_and_render_as_prometheus_text() {
        let mut totals = Snapshot::default();
        let mut one = Snapshot::default();
        one.counters.insert(key("edge_cache_total", &[("route", "product"), ("result", "hit")]), 3);
        one.gauges.insert(key("edge_purge_journal_position", &[]), 7.0);
        let mut latency = Buckets::default();
        latency.record(0.003);
        latency.record(0.2);
        one.histograms.insert(key("edge_origin_fetch_seconds", &[("site", "origin")]), latency);
        totals.add(&one);
        totals.add(&one);
        let text = totals.render();
        assert!(
            text.contains(
                "# TYPE edge_cache_total counter\nedge_cache_total{route=\"product\",result=\"hit\"} 6\n"
            ),
            "{text}"
        );
        assert!(text.contains("edge_purge_journal_position 7\n"), "{text}");
        assert!(
            text.contains("edge_origin_fetch_seconds_bucket{site=\"origin\",le=\"0.005\"} 2\n"),
            "{text}"
        );
        assert!(text.contains("edge_origin_fetch_seconds_bucket{site=\"origin\",le=\"0.1\"} 2\n"), "{text}");
        assert!(text.contains("edge_origin_fetch_seconds_bucket{site=\"origin\",le=\"0.2\"} 4\n"), "{text}");
        assert!(text.contains("edge_origin_fetch_seconds_count{site=\"origin\"} 4\n"), "{text}");
        assert!(text.contains("edge_origin_fetch_seconds_bucket{site=\"origin\",le=\"+Inf\"} 4\n"), "{text}");
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label_set(&[("q".into(), "a\"b\\c".into())], None), r#"{q="a\"b\\c"}"#);
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"token", b"token"));
        assert!(!same_secret(b"token", b"tokeN"));
        assert!(!same_secret(b"tok", b"token"));
    }
}
