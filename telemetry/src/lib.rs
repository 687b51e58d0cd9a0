//! `linkedall-telemetry`: what every native process of the shop (the origin's roles, the native
//! edge host, the demo stack) uses to be observed.
//!
//! - [`logs`]: JSON lines named after the Elastic Common Schema (`@timestamp`, `log.level`,
//!   `trace.id`, `http.request.method`, `event.dataset` …), so Filebeat, Elasticsearch or Loki
//!   ingest them as they are, split into four [`Dataset`]s by the event's `tracing` target:
//!   application, access, audit and security.
//! - [`metrics`]: the process-wide Prometheus recorder whose text `/metrics` renders.
//! - [`traces`]: OpenTelemetry spans over OTLP/HTTP when the `OTEL_*` variables ask for them,
//!   and the W3C `traceparent` that carries a trace from one process to the next; failed spans
//!   are kept whatever the sampling ratio ([`kept_errors`]).
//!
//! It sits beside the layers (it knows nothing of the shop's data), so the origin and the edge
//! host can both depend on it.

pub mod dataset;
pub mod ecs;
pub mod kept_errors;
pub mod logs;
pub mod metrics;
pub mod traces;

pub use dataset::Dataset;
pub use logs::{LogFormat, init_logs, init_logs_with};
pub use metrics::prometheus;
pub use traces::{TraceExport, continue_trace, flush_traces, traceparent_of};
