//! What a consumer is, and how one event is applied to it exactly once.
//!
//! [`process`] opens a transaction, records (consumer, event id) in `processed_events` and
//! applies the event in that same transaction: if the id was already there (a redelivery, a
//! replayed dead letter that had succeeded meanwhile) nothing is applied, and if the effect
//! fails the record rolls back with it, so the event is tried again.
//!
//! [`process_batch`] does the same for several events in one transaction — the throughput
//! path: one commit (one fsync) for up to a batch of events instead of one each. It succeeds
//! or fails as a whole; the runner then falls back to [`process`], one event at a time.

use futures_util::future::BoxFuture;

use crate::Cause;
use crate::error::Result;
use linkedall_events_schema::Envelope;
use linkedall_store::Store;
use linkedall_store::write_tx::WriteTx;

/// A reaction to events. Its `name` is its durable identity: the JetStream consumer's name
/// and the key of its processed ids, so renaming a consumer makes it start over.
pub trait Consumer: Send + Sync + 'static {
    fn name(&self) -> &'static str;

    /// Whether this consumer reacts to events of `kind`; others are acknowledged untouched.
    fn wants(&self, kind: &str) -> bool;

    /// Applies `event` inside `tx`. Work outside the database (an edge purge) must be
    /// idempotent: it is repeated if the transaction then fails to commit.
    fn apply<'a>(&'a self, tx: &'a mut WriteTx, event: &'a Envelope) -> BoxFuture<'a, Result<()>>;
}

/// What [`process`] did with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Applied,
    /// Processed before: changed nothing.
    AlreadyProcessed,
    /// Not a type this consumer reacts to.
    NotWanted,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::AlreadyProcessed => "duplicate",
            Outcome::NotWanted => "skipped",
        }
    }
}

/// Applies `event` to `consumer` at most once (see the module docs).
/// The cause of an event a consumer writes while handling `event` (a low-stock alert, an
/// order held for review): the trace goes on from the consumer's handling span, so the
/// follow-on event's parent is the span that decided to write it; with traces off, the
/// handled event's own trace context.
pub fn follow_on_cause(event: &Envelope) -> Cause {
    let traceparent =
        linkedall_telemetry::traceparent_of(&tracing::Span::current()).or_else(|| event.traceparent.clone());
    Cause { traceparent, ..Cause::default() }
}

pub async fn process(store: &Store, consumer: &dyn Consumer, event: &Envelope) -> Result<Outcome> {
    if !consumer.wants(&event.kind) {
        return Ok(Outcome::NotWanted);
    }
    let mut tx = WriteTx::begin(store).await?;
    if !tx.mark_processed(consumer.name(), &event.id).await? {
        return Ok(Outcome::AlreadyProcessed);
    }
    consumer.apply(&mut tx, event).await?;
    tx.commit().await?;
    Ok(Outcome::Applied)
}

/// Applies each of `events` to `consumer` at most once, all in one transaction: the outcome
/// of each, in order, once committed. If any effect fails nothing is applied (the caller
/// retries them one by one to find the event at fault).
pub async fn process_batch(
    store: &Store,
    consumer: &dyn Consumer,
    events: &[&Envelope],
) -> Result<Vec<Outcome>> {
    let mut outcomes = vec![Outcome::NotWanted; events.len()];
    if !events.iter().any(|event| consumer.wants(&event.kind)) {
        return Ok(outcomes);
    }
    let mut tx = WriteTx::begin(store).await?;
    for (event, outcome) in events.iter().zip(&mut outcomes) {
        if !consumer.wants(&event.kind) {
            continue;
        }
        if !tx.mark_processed(consumer.name(), &event.id).await? {
            *outcome = Outcome::AlreadyProcessed;
            continue;
        }
        consumer.apply(&mut tx, event).await?;
        *outcome = Outcome::Applied;
    }
    tx.commit().await?;
    Ok(outcomes)
}
