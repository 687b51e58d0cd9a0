//! The log subscriber: one JSON document per line on stderr, in ECS names ([`crate::ecs`]),
//! with the fields of the spans the event happened in (the request's id and trace) and the
//! stream it belongs to ([`Dataset`]). A terminal can ask for compact human lines instead.

use std::io::Write;

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Record};
use tracing::{Event, Id, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;
use tracing_subscriber::registry::LookupSpan;

use crate::Dataset;
use crate::ecs::{ECS_VERSION, place};
use crate::traces::{TraceExport, trace_layer};

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One ECS JSON document per line, for machines (the default).
    #[default]
    Json,
    /// Compact human-readable lines, for a terminal.
    Pretty,
}

/// Installs the process's subscriber: `RUST_LOG` overrides `default_filter`. `service` is
/// `service.name` on every line. Traces are exported too when the `OTEL_*` variables name an
/// endpoint ([`crate::traces`]). A second call does nothing, so tests and binaries can both
/// call it.
pub fn init_logs(format: LogFormat, service: &'static str, default_filter: &str) {
    init_logs_with(format, service, default_filter, TraceExport::from_env(service).as_ref());
}

/// [`init_logs`] with the trace export given rather than read from the environment.
pub fn init_logs_with(
    format: LogFormat,
    service: &'static str,
    default_filter: &str,
    traces: Option<&TraceExport>,
) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    // The filter is the log's own: the trace layer has its own (spans it alone wants cost
    // nothing when it is absent).
    // An error only says a subscriber is already installed.
    match format {
        LogFormat::Json => {
            let _ = tracing_subscriber::registry()
                .with(EcsLayer::new(service, std::io::stderr).with_filter(filter))
                .with(traces.and_then(trace_layer))
                .try_init();
        }
        LogFormat::Pretty => {
            let _ = tracing_subscriber::registry()
                .with(
                    tracing_subscriber::fmt::layer()
                        .with_writer(std::io::stderr)
                        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                        .compact()
                        .with_filter(filter),
                )
                .with(traces.and_then(trace_layer))
                .try_init();
        }
    }
}

/// Writes each event as one ECS document to what `make_writer` makes.
pub struct EcsLayer<W> {
    service: &'static str,
    make_writer: W,
}

impl<W> EcsLayer<W> {
    pub fn new(service: &'static str, make_writer: W) -> Self {
        EcsLayer { service, make_writer }
    }
}

/// A span's fields, kept in its extensions for the events inside it.
struct SpanFields(Vec<(&'static str, Value)>);

impl<S, W> Layer<S> for EcsLayer<W>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + 'static,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanFields(fields.0));
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        values.record(&mut fields);
        if let Some(span) = ctx.span(id)
            && let Some(kept) = span.extensions_mut().get_mut::<SpanFields>()
        {
            kept.0.extend(fields.0);
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let metadata = event.metadata();
        let mut doc = Map::new();
        let now = OffsetDateTime::now_utc();
        let timestamp = now.replace_nanosecond(now.millisecond() as u32 * 1_000_000).unwrap_or(now);
        doc.insert("@timestamp".into(), Value::String(timestamp.format(&Rfc3339).unwrap_or_default()));
        doc.insert("log.level".into(), Value::String(metadata.level().as_str().to_ascii_lowercase()));
        doc.insert("log.logger".into(), Value::String(metadata.target().into()));
        doc.insert(
            "event.dataset".into(),
            Value::String(Dataset::of_target(metadata.target()).as_str().into()),
        );
        doc.insert("service.name".into(), Value::String(self.service.into()));
        doc.insert("ecs.version".into(), Value::String(ECS_VERSION.into()));
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(fields) = span.extensions().get::<SpanFields>() {
                    for (name, value) in &fields.0 {
                        place(&mut doc, name, value.clone());
                    }
                }
            }
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        for (name, value) in fields.0 {
            place(&mut doc, name, value);
        }
        let mut line = serde_json::to_vec(&Value::Object(doc)).unwrap_or_default();
        line.push(b'\n');
        // One write per line, so lines of concurrent requests never interleave.
        let _ = self.make_writer.make_writer_for(metadata).write_all(&line);
    }
}

/// Collects an event's or span's fields as JSON values.
#[derive(Default)]
struct Fields(Vec<(&'static str, Value)>);

impl Fields {
    fn push(&mut self, field: &Field, value: Value) {
        // `otel.name`, `otel.kind` … are for the trace layer, not the log.
        if !field.name().starts_with("otel.") {
            self.0.push((field.name(), value));
        }
    }
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.push(field, Value::String(format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.push(field, Value::String(value.into()));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.push(field, Value::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.push(field, Value::from(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.push(field, Value::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.push(field, Value::from(value));
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.push(field, Value::String(value.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use serde_json::Value;
    use tracing_subscriber::fmt::MakeWriter;
    use tracing_subscriber::prelude::*;

    use super::EcsLayer;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Captured;
        fn make_writer(&'a self) -> Captured {
            self.clone()
        }
    }

    fn lines_of(run: impl FnOnce()) -> Vec<Value> {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::registry().with(EcsLayer::new("test", captured.clone()));
        tracing::subscriber::with_default(subscriber, run);
        let bytes = captured.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }

    #[test]
    fn an_access_line_carries_the_requests_span_in_ecs_names() {
        let lines = lines_of(|| {
            let span = tracing::info_span!("request", request_id = "r-1", method = "GET", path = "/c/3");
            span.in_scope(|| tracing::info!(target: "access", status = 200u16, latency_ms = 2.0, "served"));
        });
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!(line["event.dataset"], "linkedall.access");
        assert_eq!(line["log.level"], "info");
        assert_eq!(line["message"], "served");
        assert_eq!(line["http.request.id"], "r-1");
        assert_eq!(line["http.request.method"], "GET");
        assert_eq!(line["url.path"], "/c/3");
        assert_eq!(line["http.response.status_code"], 200);
        assert_eq!(line["service.name"], "test");
        assert!(line["@timestamp"].as_str().unwrap().ends_with('Z'), "{line}");
    }

    #[test]
    fn streams_are_told_apart_by_target() {
        let lines = lines_of(|| {
            tracing::warn!(target: "security", reason = "bad password", "sign-in refused");
            tracing::info!(target: "audit", action = "purge", "cache purged");
            tracing::info!("started");
        });
        let datasets: Vec<&str> = lines.iter().map(|l| l["event.dataset"].as_str().unwrap()).collect();
        assert_eq!(datasets, ["linkedall.security", "linkedall.audit", "linkedall.application"]);
        assert_eq!(lines[0]["log.level"], "warn");
        assert_eq!(lines[1]["event.action"], "purge");
    }
}
