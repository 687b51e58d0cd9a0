//! Dead letters: events a consumer failed on at every allowed delivery. Each is kept in the
//! `dead_letters` table with its error (and, on JetStream, in the dead-letter stream), listed
//! by the admin API and replayed through the same exactly-once path once the cause is fixed.

use serde::Serialize;

use crate::consumer::{Consumer, Outcome, process};
use crate::error::{Error, Result};
use linkedall_events_schema::Envelope;
use linkedall_store::Store;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DeadLetter {
    pub id: String,
    pub consumer: String,
    pub event_id: String,
    pub event_type: String,
    pub error: String,
    pub deliveries: i32,
    pub created_at: String,
    pub replayed_at: Option<String>,
}

/// Keeps `envelope` as a dead letter of `consumer` (again, if it had died before).
pub async fn record(
    store: &Store,
    consumer: &str,
    envelope: &Envelope,
    error: &str,
    deliveries: u32,
) -> Result<()> {
    let sql = "INSERT INTO dead_letters (id, consumer, event_id, event_type, envelope, error, deliveries) \
               VALUES ($1, $2, $3, $4, $5, $6, $7) \
               ON CONFLICT (consumer, event_id) DO UPDATE SET error = excluded.error, \
               deliveries = excluded.deliveries, envelope = excluded.envelope, replayed_at = NULL";
    let id = uuid::Uuid::new_v4().to_string();
    let body = String::from_utf8(envelope.to_json()).unwrap_or_default();
    let db = Error::db("recording a dead letter");
    macro_rules! insert {
        ($pool:expr) => {
            sqlx::query(sql)
                .bind(&id)
                .bind(consumer)
                .bind(&envelope.id)
                .bind(&envelope.kind)
                .bind(&body)
                .bind(error)
                .bind(deliveries as i32)
                .execute($pool)
                .await
                .map_err(db)?
                .rows_affected()
        };
    }
    match store {
        Store::Postgres(pool) => insert!(pool),
        Store::Sqlite(pool) => insert!(pool),
    };
    metrics::counter!("events_dead_lettered_total", "consumer" => consumer.to_owned()).increment(1);
    Ok(())
}

fn columns(store: &Store) -> &'static str {
    match store {
        Store::Postgres(_) => {
            "id, consumer, event_id, event_type, error, deliveries, CAST(created_at AS TEXT) AS created_at, \
             CAST(replayed_at AS TEXT) AS replayed_at"
        }
        Store::Sqlite(_) => "id, consumer, event_id, event_type, error, deliveries, created_at, replayed_at",
    }
}

/// Dead letters, newest first; without `include_replayed` only those still waiting.
pub async fn list(store: &Store, include_replayed: bool, limit: i64) -> Result<Vec<DeadLetter>> {
    let filter = if include_replayed { "" } else { "WHERE replayed_at IS NULL" };
    let sql =
        format!("SELECT {} FROM dead_letters {filter} ORDER BY created_at DESC, id LIMIT $1", columns(store));
    let db = Error::db("listing dead letters");
    match store {
        Store::Postgres(pool) => sqlx::query_as(&sql).bind(limit).fetch_all(pool).await.map_err(db),
        Store::Sqlite(pool) => sqlx::query_as(&sql).bind(limit).fetch_all(pool).await.map_err(db),
    }
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
    let db = || Error::db("reading a dead letter");
    let sql = "SELECT consumer, envelope FROM dead_letters WHERE id = $1 AND replayed_at IS NULL";
    let row: Option<(String, String)> = match store {
        Store::Postgres(pool) => sqlx::query_as(sql).bind(id).fetch_optional(pool).await.map_err(db())?,
        Store::Sqlite(pool) => sqlx::query_as(sql).bind(id).fetch_optional(pool).await.map_err(db())?,
    };
    let Some((consumer_name, body)) = row else {
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
            let sql = "UPDATE dead_letters SET error = $2 WHERE id = $1";
            match store {
                Store::Postgres(pool) => {
                    sqlx::query(sql).bind(id).bind(&message).execute(pool).await.map(|_| ())
                }
                Store::Sqlite(pool) => {
                    sqlx::query(sql).bind(id).bind(&message).execute(pool).await.map(|_| ())
                }
            }
            .map_err(Error::db("updating a dead letter"))?;
            tracing::warn!(dead_letter = id, consumer = %consumer_name, error = %message, "dead letter replay failed");
            return Err(Error::Unprocessable(format!("the replay failed again: {message}")));
        }
    };
    let mark = match store {
        Store::Postgres(_) => "UPDATE dead_letters SET replayed_at = now() WHERE id = $1",
        Store::Sqlite(_) => {
            "UPDATE dead_letters SET replayed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = $1"
        }
    };
    match store {
        Store::Postgres(pool) => sqlx::query(mark).bind(id).execute(pool).await.map(|_| ()),
        Store::Sqlite(pool) => sqlx::query(mark).bind(id).execute(pool).await.map(|_| ()),
    }
    .map_err(Error::db("marking a dead letter replayed"))?;
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
