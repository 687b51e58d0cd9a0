//! Traces: the process's `tracing` spans exported as OpenTelemetry spans over OTLP/HTTP
//! (protobuf), and the W3C `traceparent` that carries a trace from one process to the next (the
//! edge's request header, the outbox row, the NATS message header).
//!
//! Configured by the standard variables, read once at start-up:
//!
//! - `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as it is) or `OTEL_EXPORTER_OTLP_ENDPOINT`
//!   (`/v1/traces` appended). Neither set: no exporter and no OpenTelemetry layer at all, so the
//!   spans only the traces want (one per SQL statement, publish, …, at `debug`) are disabled
//!   at their call sites and cost nothing.
//! - `OTEL_SERVICE_NAME` (else the process's own name), `OTEL_RESOURCE_ATTRIBUTES`.
//! - `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`: by default parent-based ratio sampling
//!   (`parentbased_traceidratio`, ratio 1.0 unless `OTEL_TRACES_SAMPLER_ARG` says otherwise),
//!   so a process keeps a trace exactly when the process before it did — except that a span
//!   ending in error is exported whatever was decided ([`crate::kept_errors`]).
//! - `OTEL_BSP_*` (the batch processor) and `OTEL_EXPORTER_OTLP_TRACES_HEADERS`/`TIMEOUT`.

use std::sync::OnceLock;

use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::{Level, Metadata, Span, Subscriber};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{FilterFn, Filtered};
use tracing_subscriber::registry::LookupSpan;

const TRACEPARENT: &str = "traceparent";

/// Where and how this process exports its spans.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceExport {
    /// The full OTLP/HTTP traces URL (`…/v1/traces`).
    pub endpoint: String,
    /// `service.name`: `OTEL_SERVICE_NAME`, else the process's own.
    pub service: String,
    /// The ratio of new traces kept (parents decide for continued ones).
    pub ratio: f64,
}

impl TraceExport {
    /// From the `OTEL_*` variables; `None` when no endpoint is set (traces off).
    pub fn from_env(service: &str) -> Option<TraceExport> {
        Self::from_vars(service, |name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    fn from_vars(service: &str, var: impl Fn(&str) -> Option<String>) -> Option<TraceExport> {
        let endpoint = var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").or_else(|| {
            var("OTEL_EXPORTER_OTLP_ENDPOINT").map(|base| format!("{}/v1/traces", base.trim_end_matches('/')))
        })?;
        let ratio = var("OTEL_TRACES_SAMPLER_ARG").and_then(|r| r.parse::<f64>().ok()).unwrap_or(1.0);
        Some(TraceExport {
            endpoint,
            service: var("OTEL_SERVICE_NAME").unwrap_or_else(|| service.to_owned()),
            ratio: ratio.clamp(0.0, 1.0),
        })
    }
}

/// The provider whose batch processor [`flush_traces`] drains at exit.
static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

/// The OpenTelemetry layer of the process's subscriber, exporting to `export`; `None` (with a
/// line on stderr) when the exporter cannot be built, so a bad endpoint never stops a process.
///
/// It sees the shop's own spans down to `debug` (where the per-statement, publish and
/// per-event spans are) and events from `warn` up, which become span events; an `error` event
/// marks its span as failed.
pub fn trace_layer<S>(export: &TraceExport) -> Option<Filtered<impl Layer<S>, FilterFn, S>>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    let provider = provider(export)?;
    let tracer = provider.tracer("linkedall");
    let _ = PROVIDER.set(provider);
    let layer = tracing_opentelemetry::layer()
        .with_tracer(tracer)
        .with_error_events_to_status(true)
        .with_tracked_inactivity(false)
        .with_threads(false);
    Some(layer.with_filter(FilterFn::new(traced)))
}

/// The tracer provider exporting to `export` in batches, with its sampler; `None` (with a line
/// on stderr) when the exporter cannot be built.
#[cfg(feature = "otlp")]
fn provider(export: &TraceExport) -> Option<SdkTracerProvider> {
    use opentelemetry_otlp::WithExportConfig;
    use opentelemetry_sdk::Resource;
    use opentelemetry_sdk::trace::Sampler;
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
        .with_endpoint(export.endpoint.clone())
        .build();
    let exporter = match exporter {
        Ok(exporter) => exporter,
        Err(error) => {
            eprintln!("traces are off: the OTLP exporter to {} cannot be built: {error}", export.endpoint);
            return None;
        }
    };
    use crate::kept_errors::{RecordUnsampled, SampledAndFailed};
    let batch = opentelemetry_sdk::trace::BatchSpanProcessor::builder(exporter).build();
    let mut provider = SdkTracerProvider::builder()
        .with_span_processor(SampledAndFailed(batch))
        .with_resource(Resource::builder().with_service_name(export.service.clone()).build());
    // Without `OTEL_TRACES_SAMPLER` the SDK's default would be "always on": parents decide,
    // and what they would drop is recorded so that a span that fails is still exported.
    if std::env::var("OTEL_TRACES_SAMPLER").is_err() {
        provider = provider.with_sampler(RecordUnsampled(Sampler::ParentBased(Box::new(
            Sampler::TraceIdRatioBased(export.ratio),
        ))));
    }
    Some(provider.build())
}

/// Built without the `otlp` feature: spans are made but never exported.
#[cfg(not(feature = "otlp"))]
fn provider(export: &TraceExport) -> Option<SdkTracerProvider> {
    eprintln!("traces are off: this build has no OTLP exporter (feature `otlp`) for {}", export.endpoint);
    None
}

/// What the OpenTelemetry layer sees: the shop's spans to `debug`, anyone's warnings and errors.
fn traced(metadata: &Metadata<'_>) -> bool {
    if metadata.is_span() {
        metadata.target().starts_with("linkedall") && *metadata.level() <= Level::DEBUG
    } else {
        *metadata.level() <= Level::WARN
    }
}

/// Sends the spans still waiting in the batch; call before the process exits.
pub fn flush_traces() {
    if let Some(provider) = PROVIDER.get() {
        let _ = provider.force_flush();
    }
}

/// Makes `span` continue the trace a W3C `traceparent` names (another process's span: the
/// edge's, the request that wrote an outbox row, the relay's publish). Does nothing when the
/// value is missing or malformed, or traces are off.
pub fn continue_trace(span: &Span, traceparent: Option<&str>) {
    let Some(traceparent) = traceparent.filter(|_| !span.is_disabled()) else { return };
    let parent = TraceContextPropagator::new().extract(&OneHeader(Some(traceparent.to_owned())));
    if parent.span().span_context().is_valid() {
        let _ = span.set_parent(parent);
    }
}

/// The W3C `traceparent` naming `span` as the parent, for the next process; `None` when traces
/// are off (the caller keeps the ids it had).
pub fn traceparent_of(span: &Span) -> Option<String> {
    let context = span.context();
    if !context.span().span_context().is_valid() {
        return None;
    }
    let mut header = OneHeader(None);
    TraceContextPropagator::new().inject_context(&context, &mut header);
    header.0
}

/// A carrier holding only a `traceparent`.
struct OneHeader(Option<String>);

impl Extractor for OneHeader {
    fn get(&self, key: &str) -> Option<&str> {
        (key == TRACEPARENT).then_some(self.0.as_deref()).flatten()
    }
    fn keys(&self) -> Vec<&str> {
        vec![TRACEPARENT]
    }
}

impl Injector for OneHeader {
    fn set(&mut self, key: &str, value: String) {
        if key == TRACEPARENT {
            self.0 = Some(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(set: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| set.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn no_endpoint_no_export() {
        assert_eq!(TraceExport::from_vars("linkedall-origin", vars(&[("OTEL_SERVICE_NAME", "x")])), None);
    }

    #[test]
    fn the_standard_variables_configure_the_export() {
        let export = TraceExport::from_vars(
            "linkedall-origin",
            vars(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318/")]),
        )
        .unwrap();
        assert_eq!(export.endpoint, "http://c:4318/v1/traces");
        assert_eq!(export.service, "linkedall-origin");
        assert_eq!(export.ratio, 1.0);
        let export = TraceExport::from_vars(
            "linkedall-origin",
            vars(&[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"),
                ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://t:4318/traces"),
                ("OTEL_SERVICE_NAME", "api-lagos"),
                ("OTEL_TRACES_SAMPLER_ARG", "0.25"),
            ]),
        )
        .unwrap();
        assert_eq!(export.endpoint, "http://t:4318/traces");
        assert_eq!(export.service, "api-lagos");
        assert_eq!(export.ratio, 0.25);
    }

    #[test]
    fn without_the_layer_spans_have_no_trace_context() {
        let span = tracing::info_span!("request");
        continue_trace(&span, Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        assert_eq!(traceparent_of(&span), None);
    }
}
