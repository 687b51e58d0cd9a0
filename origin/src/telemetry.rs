//! Logs, traces and metrics set-up for the origin's processes, from `linkedall-telemetry`: ECS
//! JSON lines split into application, access, audit and security streams, OpenTelemetry spans
//! over OTLP when the `OTEL_*` variables name an endpoint, and the process-wide Prometheus
//! recorder whose text `/metrics` renders.

pub use linkedall_telemetry::{Dataset, flush_traces, prometheus};

use crate::config::LogFormat;

/// Installs the global subscriber (`service.name` = `linkedall-origin`, unless
/// `OTEL_SERVICE_NAME` names the traces' service). `RUST_LOG` overrides the log's default
/// filter. Calling it twice is harmless.
pub fn init_tracing(format: LogFormat) {
    linkedall_telemetry::init_logs(format, "linkedall-origin", "info,sqlx=warn");
}
