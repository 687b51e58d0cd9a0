//! Errors are kept whatever the sampling ratio. A head sampler decides when a span starts,
//! before anyone knows it will fail, so ratio sampling alone would drop most failed requests
//! at a low ratio — the ones an operator most needs.
//!
//! Two pieces do it in the process itself (no tail-sampling collector needed): the sampler
//! [`RecordUnsampled`] turns every "drop" of the sampler it wraps into "record only" (the span
//! is built, with the unsampled flag, and the next process sees that flag in `traceparent`);
//! the processor [`SampledAndFailed`] passes on to the exporter's processor the spans that were
//! sampled, and those that were not but ended in error — marked sampled, so the exporter keeps
//! them — and drops the rest. A failed span is exported without its unsampled parents: enough
//! to see what failed, where, with its attributes and events. The cost: every span is recorded
//! (attributes and events collected) even when it is then dropped.

use std::time::Duration;

use opentelemetry::trace::{
    Link, SamplingDecision, SamplingResult, SpanContext, SpanKind, Status, TraceFlags, TraceId,
};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{ShouldSample, Span, SpanData, SpanProcessor};

/// A sampler that records what the sampler it wraps would drop.
#[derive(Debug, Clone)]
pub struct RecordUnsampled<S>(pub S);

impl<S: ShouldSample + Clone + 'static> ShouldSample for RecordUnsampled<S> {
    fn should_sample(
        &self,
        parent_context: Option<&Context>,
        trace_id: TraceId,
        name: &str,
        span_kind: &SpanKind,
        attributes: &[KeyValue],
        links: &[Link],
    ) -> SamplingResult {
        let mut result = self.0.should_sample(parent_context, trace_id, name, span_kind, attributes, links);
        if result.decision == SamplingDecision::Drop {
            result.decision = SamplingDecision::RecordOnly;
        }
        result
    }
}

/// A span processor passing on sampled spans, and unsampled ones that ended in error.
#[derive(Debug)]
pub struct SampledAndFailed<P>(pub P);

impl<P: SpanProcessor> SpanProcessor for SampledAndFailed<P> {
    fn on_start(&self, span: &mut Span, cx: &Context) {
        self.0.on_start(span, cx);
    }

    fn on_end(&self, mut span: SpanData) {
        if span.span_context.is_sampled() {
            return self.0.on_end(span);
        }
        if !matches!(span.status, Status::Error { .. }) {
            return;
        }
        let context = &span.span_context;
        span.span_context = SpanContext::new(
            context.trace_id(),
            context.span_id(),
            context.trace_flags() | TraceFlags::SAMPLED,
            context.is_remote(),
            context.trace_state().clone(),
        );
        metrics::counter!("traces_failed_spans_kept_total").increment(1);
        self.0.on_end(span);
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.0.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.0.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.0.set_resource(resource);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
    use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};

    use super::*;

    /// Keeps what it is handed.
    #[derive(Debug, Clone, Default)]
    struct Kept(Arc<Mutex<Vec<SpanData>>>);

    impl SpanProcessor for Kept {
        fn on_start(&self, _span: &mut Span, _cx: &Context) {}
        fn on_end(&self, span: SpanData) {
            self.0.lock().unwrap().push(span);
        }
        fn force_flush(&self) -> OTelSdkResult {
            Ok(())
        }
        fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
            Ok(())
        }
    }

    fn names(kept: &Kept) -> Vec<(String, bool)> {
        kept.0.lock().unwrap().iter().map(|s| (s.name.to_string(), s.span_context.is_sampled())).collect()
    }

    #[test]
    fn at_ratio_zero_only_failed_spans_reach_the_exporter_marked_sampled() {
        let kept = Kept::default();
        let provider = SdkTracerProvider::builder()
            .with_sampler(RecordUnsampled(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(0.0)))))
            .with_span_processor(SampledAndFailed(kept.clone()))
            .build();
        let tracer = provider.tracer("test");
        let mut fine = tracer.start("GET /c/phones");
        assert!(fine.is_recording() && !fine.span_context().is_sampled(), "recorded, not sampled");
        fine.end();
        let mut failed = tracer.start("POST /api/v1/orders");
        failed.set_status(Status::error("the database refused"));
        failed.end();
        assert_eq!(names(&kept), vec![("POST /api/v1/orders".to_owned(), true)]);
    }

    #[test]
    fn at_ratio_one_every_span_passes_as_before() {
        let kept = Kept::default();
        let provider = SdkTracerProvider::builder()
            .with_sampler(RecordUnsampled(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(1.0)))))
            .with_span_processor(SampledAndFailed(kept.clone()))
            .build();
        let tracer = provider.tracer("test");
        tracer.start("GET /").end();
        let mut failed = tracer.start("GET /boom");
        failed.set_status(Status::error("boom"));
        failed.end();
        assert_eq!(names(&kept), vec![("GET /".to_owned(), true), ("GET /boom".to_owned(), true)]);
    }
}
