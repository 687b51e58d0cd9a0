//! Dead letters: events a consumer failed on at every allowed delivery. Each is kept in the
//! `dead_letters` table with its error (and, on JetStream, in the dead-letter stream), listed
//! by the admin API (the store's `Store::dead_letters`) and replayed through the same
//! exactly-once path once the cause is fixed.

use serde::Serialize;

use crate::consumer::{Consumer, Outcome, process};
use crate::error::{Error, Result};
use linkedall_events_schema::Envelope;
use linkedall_store::Store;
use linkedall_store::dead_letters::WaitingLetter;

/// Keeps `envelope` as a dead letter of `consumer` (again, if it had died before).
pub async fn record(
    store: &Store,
    consumer: &str,
    envelope: &Envelope,
    error: &str,
    deliveries: u32,
) -> Result<()> {
    store.record_dead_letter(consumer, envelope, error, deliveries).await?;
    metrics::counter!("events_dead_lettered_total", "consumer" => consumer.to_owned()).increment(1);
    Ok(())
}

/// The outcome of replaying one dead letter.
#[derive(Debug, Clone, Serialize)]
pub struct Replayed {
    pub id: String,
    pub consumer: String,
    pub event_id: String,
    /// `applied`, or `duplicate` when the event had meanwhile been processed.
    pub outcome: &'static str,
}

/// Applies dead letter `id` to its consumer again. Succeeds → marked replayed; fails → the
/// error is stored and returned (422), the letter stays.
pub async fn replay(store: &Store, consumers: &[std::sync::Arc<dyn Consumer>], id: &str) -> Result<Replayed> {
    let Some(WaitingLetter { consumer: consumer_name, envelope: body }) =
        store.waiting_dead_letter(id).await?
    else {
        return Err(Error::NotFound { what: format!("dead letter {id} waiting for replay") });
    };
    let consumer = consumers.iter().find(|c| c.name() == consumer_name).ok_or_else(|| {
        Error::Unprocessable(format!("no consumer named {consumer_name} runs in this origin"))
    })?;
    let envelope = Envelope::from_json(body.as_bytes())?;
    let outcome = match process(store, consumer.as_ref(), &envelope).await {
        Ok(outcome) => outcome,
        Err(error) => {
            let message = error.to_string();
            store.dead_letter_failed_again(id, &message).await?;
            tracing::warn!(dead_letter = id, consumer = %consumer_name, error = %message, "dead letter replay failed");
            return Err(Error::Unprocessable(format!("the replay failed again: {message}")));
        }
    };
    store.mark_dead_letter_replayed(id).await?;
    metrics::counter!("events_dead_letters_replayed_total", "consumer" => consumer_name.clone()).increment(1);
    tracing::info!(dead_letter = id, consumer = %consumer_name, event_id = %envelope.id, outcome = outcome.label(), "dead letter replayed");
    Ok(Replayed {
        id: id.to_owned(),
        consumer: consumer_name,
        event_id: envelope.id,
        outcome: match outcome {
            Outcome::AlreadyProcessed => "duplicate",
            _ => "applied",
        },
    })
}
