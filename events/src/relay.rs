//! The relay: unsent outbox rows → the bus, in outbox order, each marked sent only after the
//! bus acknowledged it.
//!
//! On PostgreSQL a batch stays locked (`FOR UPDATE SKIP LOCKED`, see the store's `outbox.rs`)
//! while it is published, so several relays share the backlog without publishing the same row
//! at once; if a relay dies mid-batch its transaction rolls back and the rows go to the next
//! relay — the ones it had already published are published again with the same `Nats-Msg-Id`
//! and dropped by the stream. On SQLite there is one writer and one relay.

use std::time::Duration;

use tokio::sync::watch;
use tracing::Instrument;

use crate::bus::{Bus, Published};
use crate::error::{Error, Result};
use linkedall_store::Store;

/// Rows published per transaction.
pub const DEFAULT_BATCH: i64 = 100;

pub use linkedall_store::outbox::{Lag, StoredEvent};

pub struct Relay {
    store: Store,
    bus: Bus,
    batch: i64,
}

impl Relay {
    pub fn new(store: Store, bus: Bus) -> Relay {
        Relay { store, bus, batch: DEFAULT_BATCH }
    }

    pub fn with_batch(mut self, batch: i64) -> Relay {
        self.batch = batch.max(1);
        self
    }

    /// Publishes one batch; how many rows it marked sent. An error after some rows were
    /// published leaves those marked sent and the rest for the next batch.
    pub async fn relay_batch(&self) -> Result<usize> {
        let mut batch = self.store.take_unsent(self.batch).await?;
        let (sent, failure) = self.publish_all(std::mem::take(&mut batch.events)).await;
        batch.mark_sent(&sent).await?;
        failure.map_or(Ok(sent.len()), Err)
    }

    /// Publishes in order, stopping at the first failure: (ids published, the failure).
    async fn publish_all(&self, rows: Vec<StoredEvent>) -> (Vec<String>, Option<Error>) {
        let mut sent = Vec::with_capacity(rows.len());
        for row in rows {
            let mut envelope = row.into_envelope();
            // A span in the trace of the request that wrote the row; the message carries the
            // span on, so each consumer's handling is its child.
            let span = tracing::debug_span!(
                "publish",
                otel.name = %format!("publish {}", envelope.kind),
                otel.kind = "producer",
                messaging.system = self.bus.name(),
                messaging.destination.name = %envelope.kind,
                messaging.message.id = %envelope.id,
            );
            linkedall_telemetry::continue_trace(&span, envelope.traceparent.as_deref());
            if let Some(traceparent) = linkedall_telemetry::traceparent_of(&span) {
                envelope.traceparent = Some(traceparent);
            }
            match self.bus.publish(&envelope).instrument(span).await {
                Ok(published) => {
                    if published == Published::Duplicate {
                        // Published before by a relay that died before marking it sent.
                        metrics::counter!("events_publish_duplicates_total").increment(1);
                        tracing::info!(event_id = %envelope.id, "the bus already had this event; marking it sent");
                    }
                    metrics::counter!("events_published_total", "type" => envelope.kind.clone()).increment(1);
                    sent.push(envelope.id);
                }
                Err(error) => {
                    metrics::counter!("events_publish_failures_total", "bus" => self.bus.name()).increment(1);
                    return (sent, Some(error));
                }
            }
        }
        (sent, None)
    }

    /// Unsent rows and the age of the oldest, also recorded as gauges.
    pub async fn lag(&self) -> Result<Lag> {
        lag(&self.store).await
    }

    /// Relays until `stopped` turns true: batch after batch while there is a backlog, then
    /// every `poll_every`; after a failure, waits with a doubling delay (up to 30 s).
    pub async fn run(self, poll_every: Duration, mut stopped: watch::Receiver<bool>) {
        tracing::info!(bus = self.bus.name(), batch = self.batch, "outbox relay started");
        let mut failures = 0u32;
        loop {
            let wait = match self.relay_batch().await {
                Ok(sent) => {
                    failures = 0;
                    if sent > 0 {
                        tracing::debug!(sent, "outbox batch relayed");
                    }
                    if sent as i64 == self.batch { Duration::ZERO } else { poll_every }
                }
                Err(error) => {
                    failures += 1;
                    let wait = backoff(failures);
                    tracing::warn!(%error, retry_in_ms = wait.as_millis() as u64, "relaying the outbox failed");
                    wait
                }
            };
            if let Err(error) = self.lag().await {
                tracing::warn!(%error, "measuring the outbox lag failed");
            }
            if *stopped.borrow() {
                break;
            }
            tokio::select! {
                _ = stopped.changed() => break,
                _ = tokio::time::sleep(wait) => {}
            }
        }
        tracing::info!("outbox relay stopped");
    }
}

/// 100 ms, 200 ms, 400 ms … capped at 30 s.
pub fn backoff(failures: u32) -> Duration {
    Duration::from_millis(100u64.saturating_mul(1 << failures.saturating_sub(1).min(9)))
        .min(Duration::from_secs(30))
}

/// Unsent outbox rows and the age of the oldest, recorded as gauges.
pub async fn lag(store: &Store) -> Result<Lag> {
    let lag = store.outbox_lag().await?;
    metrics::gauge!("events_outbox_unsent").set(lag.unsent as f64);
    metrics::gauge!("events_outbox_oldest_unsent_seconds").set(lag.oldest_unsent_secs);
    Ok(lag)
}
