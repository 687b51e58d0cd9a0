//! Asking the payment provider for the refunds the store says are due, and retrying the ones
//! it refuses: right after the transaction that decided them (a cancel, a late payment), and
//! then by the [`RefundSweeper`] every origin runs, with exponential backoff, until the
//! provider accepts or [`MAX_ATTEMPTS`] attempts failed — then the refund waits in the admins'
//! queue (`GET /api/v1/admin/refunds/failed`). A refusal is never only logged: it is stored,
//! counted and retried.

use std::time::Duration;

use tokio::sync::watch;

use crate::error::Result;
use crate::payments::PaymentProvider;
use linkedall_store::Store;

/// Attempts before a refund is handed to an admin.
pub const MAX_ATTEMPTS: u32 = 6;
/// How long a claimed refund is left to the one asking the provider before another may.
const LEASE_SECS: i64 = 120;
/// The wait after the first refusal; it doubles with each one after.
const FIRST_BACKOFF_SECS: i64 = 60;
/// The longest wait between two attempts.
const MAX_BACKOFF_SECS: i64 = 6 * 3_600;
/// Refunds claimed per round.
const BATCH: i64 = 100;

/// Seconds to wait after the `attempts`-th refusal: 1 min, 2 min, 4 min … at most 6 h.
pub fn backoff_secs(attempts: u32) -> i64 {
    let doublings = attempts.saturating_sub(1).min(20);
    (FIRST_BACKOFF_SECS << doublings).min(MAX_BACKOFF_SECS)
}

/// What one round of asking did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RefundRound {
    /// Accepted by the provider.
    pub requested: usize,
    /// Refused by the provider (queued ones included).
    pub failed: usize,
    /// Refused for the last time: now in the admins' queue.
    pub queued: usize,
}

/// Asks the provider for every refund due at `now` (unix seconds).
pub async fn request_due_refunds(
    store: &Store,
    provider: &dyn PaymentProvider,
    now: i64,
) -> Result<RefundRound> {
    request(store, provider, None, now).await
}

/// Asks the provider for the refunds of `order` due now, right after the transaction that
/// decided them; what fails here is retried by the sweeper.
pub async fn request_order_refunds(
    store: &Store,
    provider: &dyn PaymentProvider,
    order: i64,
) -> Result<RefundRound> {
    request(store, provider, Some(order), unix_now()).await
}

async fn request(
    store: &Store,
    provider: &dyn PaymentProvider,
    order: Option<i64>,
    now: i64,
) -> Result<RefundRound> {
    let mut round = RefundRound::default();
    for refund in store.claim_due_refunds(order, now, LEASE_SECS, BATCH).await? {
        match provider.refund(&refund.payment_reference, refund.amount).await {
            Ok(()) => {
                store.refund_requested(refund.id).await?;
                round.requested += 1;
                metrics::counter!("refund_requests_total", "outcome" => "accepted").increment(1);
                tracing::info!(refund = refund.id, order = refund.order_id, reference = %refund.payment_reference,
                    amount = %refund.amount, attempts = refund.attempts, "refund requested from the provider");
            }
            Err(error) => {
                round.failed += 1;
                let retry_at = (refund.attempts < MAX_ATTEMPTS).then(|| now + backoff_secs(refund.attempts));
                store.refund_attempt_failed(refund.id, &error.to_string(), retry_at).await?;
                if let Some(retry_at) = retry_at {
                    metrics::counter!("refund_requests_total", "outcome" => "retrying").increment(1);
                    tracing::warn!(refund = refund.id, order = refund.order_id, reference = %refund.payment_reference,
                        attempts = refund.attempts, retry_in_secs = retry_at - now, %error,
                        "the provider refused a refund; it will be retried");
                } else {
                    round.queued += 1;
                    metrics::counter!("refund_requests_total", "outcome" => "queued_for_admin").increment(1);
                    tracing::error!(refund = refund.id, order = refund.order_id, reference = %refund.payment_reference,
                        amount = %refund.amount, attempts = refund.attempts, %error,
                        "the provider refused a refund for the last time; it waits for an admin");
                }
            }
        }
    }
    Ok(round)
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Retries due refunds every `every` until told to stop.
pub struct RefundSweeper {
    store: Store,
    provider: std::sync::Arc<dyn PaymentProvider>,
    every: Duration,
}

/// Tells a running refund sweeper to stop; dropping it does too.
pub struct StopRefunding(watch::Sender<bool>);

impl StopRefunding {
    pub fn stop(self) {
        let _ = self.0.send(true);
    }
}

impl RefundSweeper {
    pub fn new(store: Store, provider: std::sync::Arc<dyn PaymentProvider>, every: Duration) -> Self {
        Self { store, provider, every }
    }

    /// Starts retrying on a task of its own; the handle stops it between rounds.
    pub fn spawn(self) -> (StopRefunding, tokio::task::JoinHandle<()>) {
        let (stop, stopped) = watch::channel(false);
        (StopRefunding(stop), tokio::spawn(self.run(stopped)))
    }

    async fn run(self, mut stopped: watch::Receiver<bool>) {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + self.every, self.every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = stopped.changed() => break,
                _ = ticks.tick() => {}
            }
            if let Err(error) = request_due_refunds(&self.store, self.provider.as_ref(), unix_now()).await {
                tracing::warn!(%error, "retrying refunds failed; retrying next tick");
            }
        }
        tracing::info!("refund sweeper stopped");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_six_hours() {
        let waits: Vec<i64> = (1..=6).map(backoff_secs).collect();
        assert_eq!(waits, vec![60, 120, 240, 480, 960, 1_920]);
        assert_eq!(backoff_secs(40), MAX_BACKOFF_SECS);
    }
}
