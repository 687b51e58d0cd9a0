//! The process-wide Prometheus recorder. Every component of a process (origin roles, the edge
//! host, both in the demo) records into it, and `/metrics` renders it. Latency histograms
//! (`*_seconds`) share the edge's and origin's bucket list, so the SLO's 0.2 s bucket exists
//! everywhere.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Bucket bounds of `edge_rum_cls`, around Web Vitals' 0.1 (good) and 0.25 (poor).
pub const CLS_BUCKETS: [f64; 8] = [0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0];

/// The recorder, installed on first use.
pub fn prometheus() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Suffix("_seconds".into()),
                    &linkedall_shared::LATENCY_BUCKETS,
                )
                .expect("bucket list is not empty")
                // Layout shift scores (real users): good up to 0.1, poor beyond 0.25.
                .set_buckets_for_metric(Matcher::Full("edge_rum_cls".into()), &CLS_BUCKETS)
                .expect("bucket list is not empty")
                .build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!(
                    "a metrics recorder was already installed; /metrics shows only this handle's view"
                );
            }
            handle
        })
        .clone()
}
