//! The consumer runner: reads one consumer's deliveries from the bus and applies each with
//! [`process`] (exactly-once effect), acknowledging only afterwards.
//!
//! A failure is retried with a doubling delay (a NAK with delay on JetStream). On the
//! delivery numbered `max_deliveries` the event becomes a [dead letter](super::dead_letters)
//! with its error and is acknowledged, so one poison event never blocks the others.

use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::sync::watch;

use crate::events::bus::Bus;
use crate::events::consumer::{Consumer, process};
use crate::events::dead_letters;
use crate::store::Store;

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

pub struct Runner {
    store: Store,
    bus: Bus,
    consumer: Arc<dyn Consumer>,
    policy: RetryPolicy,
}

impl Runner {
    pub fn new(store: Store, bus: Bus, consumer: Arc<dyn Consumer>, policy: RetryPolicy) -> Runner {
        Runner { store, bus, consumer, policy }
    }

    /// Consumes until `stopped` turns true. A bus that cannot be read is retried with backoff.
    pub async fn run(self, mut stopped: watch::Receiver<bool>) {
        let name = self.consumer.name();
        let mut failures = 0u32;
        'subscribe: loop {
            let mut subscription = match self.bus.subscribe(name, self.policy.max_deliveries).await {
                Ok(subscription) => subscription,
                Err(error) => {
                    failures += 1;
                    let wait = crate::events::relay::backoff(failures);
                    tracing::warn!(consumer = name, %error, retry_in_ms = wait.as_millis() as u64, "subscribing failed");
                    tokio::select! {
                        _ = stopped.changed() => break 'subscribe,
                        _ = tokio::time::sleep(wait) => continue 'subscribe,
                    }
                }
            };
            tracing::info!(consumer = name, bus = self.bus.name(), "consumer started");
            loop {
                let delivery = tokio::select! {
                    _ = stopped.changed() => break 'subscribe,
                    delivery = subscription.next() => delivery,
                };
                let delivery = match delivery {
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
                let envelope = match &delivery.envelope {
                    Ok(envelope) => envelope.clone(),
                    Err(error) => {
                        metrics::counter!("events_unreadable_total", "consumer" => name).increment(1);
                        tracing::error!(consumer = name, %error, "an unreadable message was dropped");
                        let _ = delivery.ack().await;
                        continue;
                    }
                };
                let span = tracing::info_span!(
                    "event", consumer = name, event_id = %envelope.id, kind = %envelope.kind,
                    traceparent = envelope.traceparent.as_deref().unwrap_or(""), attempt = delivery.attempt
                );
                let _entered = span.enter();
                match process(&self.store, self.consumer.as_ref(), &envelope).await {
                    Ok(outcome) => {
                        metrics::counter!("events_consumed_total", "consumer" => name, "outcome" => outcome.label())
                            .increment(1);
                        if let Some(lag) = lag_seconds(&envelope.time) {
                            metrics::histogram!("events_consumer_lag_seconds", "consumer" => name)
                                .record(lag);
                        }
                        tracing::debug!(outcome = outcome.label(), "event processed");
                        if let Err(error) = delivery.ack().await {
                            tracing::warn!(%error, "acknowledging failed; the event will be redelivered and skipped");
                        }
                    }
                    Err(error) if delivery.attempt >= self.policy.max_deliveries => {
                        let message = error.to_string();
                        tracing::error!(error = %message, "event failed its last delivery; dead-lettered");
                        let kept =
                            dead_letters::record(&self.store, name, &envelope, &message, delivery.attempt)
                                .await;
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
        tracing::info!(consumer = name, "consumer stopped");
    }
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
