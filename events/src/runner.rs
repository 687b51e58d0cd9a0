//! The consumer runner: reads one consumer's deliveries from the bus and applies them with
//! [`process_batch`] — the deliveries already waiting, up to a batch (64 by default), in one
//! transaction — or [`process`], one at a time (exactly-once effect either way), acknowledging
//! each only after its transaction committed.
//!
//! A batch that fails rolls back as a whole and its events are applied one at a time, so the
//! event at fault fails alone; a redelivered event (one that failed before) is always applied
//! on its own, so a poison event does not roll a batch back on every delivery.
//!
//! A failure is retried with a doubling delay (a NAK with delay on JetStream). On the
//! delivery numbered `max_deliveries` the event becomes a [dead letter](super::dead_letters)
//! with its error and is acknowledged, so one poison event never blocks the others.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::sync::watch;
use tracing::Instrument;

use crate::bus::{Bus, Delivery, Subscription};
use crate::consumer::{Consumer, Outcome, process, process_batch};
use crate::dead_letters;
use linkedall_events_schema::Envelope;
use linkedall_store::Store;

/// How often and how patiently a consumer retries.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Deliveries before an event is dead-lettered (the first delivery counts).
    pub max_deliveries: u32,
    /// Delay before the second delivery; doubled for each one after.
    pub first_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_deliveries: 5,
            first_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The delay after failed delivery number `attempt`.
    pub fn delay(&self, attempt: u32) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(16);
        self.first_delay.saturating_mul(factor).min(self.max_delay)
    }
}

/// Events a consumer applies per transaction unless told otherwise.
pub const DEFAULT_CONSUMER_BATCH: usize = 64;

pub struct Runner {
    store: Store,
    bus: Bus,
    consumer: Arc<dyn Consumer>,
    policy: RetryPolicy,
    batch: usize,
}

impl Runner {
    pub fn new(store: Store, bus: Bus, consumer: Arc<dyn Consumer>, policy: RetryPolicy) -> Runner {
        Runner { store, bus, consumer, policy, batch: DEFAULT_CONSUMER_BATCH }
    }

    /// Applies up to `batch` deliveries already waiting in one transaction (at least 1).
    pub fn with_batch(mut self, batch: usize) -> Runner {
        self.batch = batch.max(1);
        self
    }

    /// Consumes until `stopped` turns true. A bus that cannot be read is retried with backoff.
    pub async fn run(self, mut stopped: watch::Receiver<bool>) {
        let name = self.consumer.name();
        // Dead letters are counted from zero, so "none" is a 0 a dashboard and an alert can
        // read, not a missing series.
        metrics::counter!("events_dead_lettered_total", "consumer" => name).increment(0);
        let mut failures = 0u32;
        'subscribe: loop {
            let mut subscription = match self.bus.subscribe(name, self.policy.max_deliveries).await {
                Ok(subscription) => subscription,
                Err(error) => {
                    failures += 1;
                    let wait = crate::relay::backoff(failures);
                    tracing::warn!(consumer = name, %error, retry_in_ms = wait.as_millis() as u64, "subscribing failed");
                    tokio::select! {
                        _ = stopped.changed() => break 'subscribe,
                        _ = tokio::time::sleep(wait) => continue 'subscribe,
                    }
                }
            };
            tracing::info!(consumer = name, bus = self.bus.name(), batch = self.batch, "consumer started");
            loop {
                let delivery = tokio::select! {
                    _ = stopped.changed() => break 'subscribe,
                    delivery = subscription.next() => delivery,
                };
                let first = match delivery {
                    Some(Ok(delivery)) => delivery,
                    Some(Err(error)) => {
                        tracing::warn!(consumer = name, %error, "receiving a delivery failed");
                        continue;
                    }
                    None => {
                        tracing::warn!(consumer = name, "the bus closed the subscription; subscribing again");
                        continue 'subscribe;
                    }
                };
                failures = 0;
                // Whatever else has already arrived joins the batch; nothing waits for more.
                let mut deliveries = vec![first];
                let mut closed = false;
                while deliveries.len() < self.batch {
                    match subscription.next().now_or_never() {
                        Some(Some(Ok(delivery))) => deliveries.push(delivery),
                        Some(Some(Err(error))) => {
                            tracing::warn!(consumer = name, %error, "receiving a delivery failed");
                            break;
                        }
                        Some(None) => {
                            closed = true;
                            break;
                        }
                        None => break,
                    }
                }
                self.handle(&mut subscription, deliveries).await;
                if closed {
                    tracing::warn!(consumer = name, "the bus closed the subscription; subscribing again");
                    continue 'subscribe;
                }
            }
        }
        tracing::info!(consumer = name, "consumer stopped");
    }

    /// Applies `deliveries`: first-time deliveries together in one transaction, and one at a
    /// time when that fails or for a delivery that failed before (so a poison event is
    /// retried, and dead-lettered, alone, and never rolls the others back twice).
    async fn handle(&self, subscription: &mut Subscription, deliveries: Vec<Delivery>) {
        let name = self.consumer.name();
        let mut fresh = Vec::with_capacity(deliveries.len());
        let mut again = Vec::new();
        for delivery in deliveries {
            let envelope = match &delivery.envelope {
                Ok(envelope) => envelope.clone(),
                Err(error) => {
                    metrics::counter!("events_unreadable_total", "consumer" => name).increment(1);
                    tracing::error!(consumer = name, %error, "an unreadable message was dropped");
                    let _ = delivery.ack().await;
                    continue;
                }
            };
            if delivery.attempt > 1 {
                again.push((delivery, envelope))
            } else {
                fresh.push((delivery, envelope))
            }
        }
        if fresh.len() > 1 {
            let events: Vec<&Envelope> = fresh.iter().map(|(_, envelope)| envelope).collect();
            let span = tracing::info_span!(
                "event_batch", otel.name = %format!("{name} process batch"), consumer = name, size = events.len()
            );
            // Each event's handling is a span in its own trace, open while the batch is applied.
            let handled: Vec<tracing::Span> =
                events.iter().map(|envelope| handling_span(name, envelope, 1)).collect();
            let started = Instant::now();
            match process_batch(&self.store, self.consumer.as_ref(), &events).instrument(span.clone()).await {
                Ok(outcomes) => {
                    metrics::histogram!("events_consumer_batch_size", "consumer" => name)
                        .record(events.len() as f64);
                    metrics::histogram!("events_consumer_batch_seconds", "consumer" => name)
                        .record(started.elapsed().as_secs_f64());
                    // Committed: acknowledge them all at once rather than one round trip each.
                    let acks = fresh.drain(..).zip(outcomes).map(|((delivery, envelope), outcome)| {
                        let span = span.clone();
                        async move { self.processed(delivery, &envelope, outcome).instrument(span).await }
                    });
                    futures_util::future::join_all(acks).await;
                    drop(handled);
                }
                Err(error) => {
                    metrics::counter!("events_batch_fallbacks_total", "consumer" => name).increment(1);
                    tracing::warn!(parent: &span, %error, "the batch failed; applying its events one at a time");
                }
            }
        }
        for (delivery, envelope) in fresh.into_iter().chain(again) {
            let span = handling_span(name, &envelope, delivery.attempt);
            self.handle_one(subscription, delivery, envelope).instrument(span).await;
        }
    }

    /// Counts and acknowledges a delivery whose event was processed (and committed).
    async fn processed(&self, delivery: Delivery, envelope: &Envelope, outcome: Outcome) {
        let name = self.consumer.name();
        metrics::counter!("events_consumed_total", "consumer" => name, "outcome" => outcome.label())
            .increment(1);
        if let Some(lag) = lag_seconds(&envelope.time) {
            metrics::histogram!("events_consumer_lag_seconds", "consumer" => name).record(lag);
        }
        tracing::debug!(event_id = %envelope.id, outcome = outcome.label(), "event processed");
        if let Err(error) = delivery.ack().await {
            tracing::warn!(%error, "acknowledging failed; the event will be redelivered and skipped");
        }
    }

    /// Applies one delivery in a transaction of its own: acknowledged once committed, asked
    /// for again after a failure, dead-lettered after its last delivery.
    async fn handle_one(&self, subscription: &mut Subscription, delivery: Delivery, envelope: Envelope) {
        let name = self.consumer.name();
        match process(&self.store, self.consumer.as_ref(), &envelope).await {
            Ok(outcome) => self.processed(delivery, &envelope, outcome).await,
            Err(error) if delivery.attempt >= self.policy.max_deliveries => {
                let message = error.to_string();
                tracing::error!(error = %message, "event failed its last delivery; dead-lettered");
                let kept =
                    dead_letters::record(&self.store, name, &envelope, &message, delivery.attempt).await;
                let streamed = self.bus.dead_letter(name, &envelope, &message).await;
                match (kept, streamed) {
                    (Ok(()), Ok(())) => {
                        let _ = delivery.ack().await;
                    }
                    (kept, streamed) => {
                        // Not acknowledged: the bus redelivers it and we try again.
                        tracing::error!(?kept, ?streamed, "dead-lettering failed");
                        let _ = subscription.retry(delivery, self.policy.max_delay).await;
                    }
                }
            }
            Err(error) => {
                let delay = self.policy.delay(delivery.attempt);
                metrics::counter!("events_retries_total", "consumer" => name).increment(1);
                tracing::warn!(%error, retry_in_ms = delay.as_millis() as u64, "event failed; will be redelivered");
                if let Err(error) = subscription.retry(delivery, delay).await {
                    tracing::warn!(%error, "asking for a redelivery failed; the ack wait will redeliver it");
                }
            }
        }
    }
}

/// The span of `consumer` handling one event: a child of the span that published it (the
/// message's `traceparent`), so the trace of the request that caused the event goes on here.
fn handling_span(consumer: &'static str, envelope: &Envelope, attempt: u32) -> tracing::Span {
    let span = tracing::info_span!(
        "event",
        otel.name = %format!("{consumer} process {}", envelope.kind),
        otel.kind = "consumer",
        consumer,
        event_id = %envelope.id,
        kind = %envelope.kind,
        traceparent = envelope.traceparent.as_deref().unwrap_or(""),
        attempt,
    );
    linkedall_telemetry::continue_trace(&span, envelope.traceparent.as_deref());
    span
}

/// Seconds from the event's commit to now.
fn lag_seconds(time: &str) -> Option<f64> {
    let at = OffsetDateTime::parse(time, &Rfc3339).ok()?;
    Some((OffsetDateTime::now_utc() - at).as_seconds_f64().max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redelivery_waits_double_each_time_up_to_the_cap() {
        let policy = RetryPolicy {
            max_deliveries: 5,
            first_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
        };
        let delays: Vec<u128> = (1..=6).map(|a| policy.delay(a).as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 800, 1000, 1000]);
    }
}
