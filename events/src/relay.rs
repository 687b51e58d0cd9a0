//! The relay: unsent outbox rows → the bus, in outbox order, each marked sent only after the
//! bus acknowledged it.
//!
//! On PostgreSQL a batch is taken `FOR UPDATE SKIP LOCKED` inside a transaction that stays
//! open while it is published, so several relays share the backlog without publishing the same
//! row at once; if a relay dies mid-batch its transaction rolls back and the rows go to the
//! next relay — the ones it had already published are published again with the same
//! `Nats-Msg-Id` and dropped by the stream. On SQLite there is one writer and one relay.

use std::time::Duration;

use serde_json::Value;
use tokio::sync::watch;

use crate::bus::{Bus, Published};
use crate::error::{Error, Result};
use linkedall_events_schema::envelope::{CONTENT_TYPE, Envelope, SOURCE, SPEC_VERSION};
use linkedall_store::Store;

/// Rows published per transaction.
pub const DEFAULT_BATCH: i64 = 100;

/// An outbox row as the relay and the replay read it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredEvent {
    pub id: String,
    pub kind: String,
    pub subject: String,
    #[sqlx(json)]
    pub payload: Value,
    pub schema_version: i32,
    pub traceparent: Option<String>,
    pub client_ip: Option<String>,
    pub country: Option<String>,
    pub seq: i64,
    pub time: String,
}

impl StoredEvent {
    pub fn into_envelope(self) -> Envelope {
        Envelope {
            dataschema: format!("/api/v1/schemas/{}/v{}", self.kind, self.schema_version),
            id: self.id,
            source: SOURCE.into(),
            kind: self.kind,
            specversion: SPEC_VERSION.into(),
            time: self.time,
            subject: self.subject,
            datacontenttype: CONTENT_TYPE.into(),
            traceparent: self.traceparent,
            sequence: self.seq.to_string(),
            clientip: self.client_ip,
            country: self.country,
            data: self.payload,
        }
    }
}

/// The columns of [`StoredEvent`]; `{time}` is the backend's RFC 3339 rendering of `created_at`.
pub(crate) fn stored_event_columns(store: &Store) -> String {
    let time = match store {
        Store::Postgres(_) => "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
        Store::Sqlite(_) => "created_at",
    };
    format!(
        "CAST(id AS TEXT) AS id, type AS kind, subject, payload, schema_version, traceparent, client_ip, \
         country, seq, {time} AS time"
    )
}

/// How far the relay is behind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lag {
    pub unsent: i64,
    pub oldest_unsent_secs: f64,
}

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
        let db = || Error::db("relaying the outbox");
        let select = format!(
            "SELECT {} FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1",
            stored_event_columns(&self.store)
        );
        match &self.store {
            Store::Postgres(pool) => {
                let mut tx = pool.begin().await.map_err(db())?;
                let rows: Vec<StoredEvent> = sqlx::query_as(&format!("{select} FOR UPDATE SKIP LOCKED"))
                    .bind(self.batch)
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(db())?;
                let (sent, failure) = self.publish_all(rows).await;
                if !sent.is_empty() {
                    sqlx::query("UPDATE outbox SET published_at = now() WHERE CAST(id AS TEXT) = ANY($1)")
                        .bind(&sent)
                        .execute(&mut *tx)
                        .await
                        .map_err(db())?;
                }
                tx.commit().await.map_err(db())?;
                failure.map_or(Ok(sent.len()), Err)
            }
            Store::Sqlite(pool) => {
                let rows: Vec<StoredEvent> =
                    sqlx::query_as(&select).bind(self.batch).fetch_all(pool).await.map_err(db())?;
                let (sent, failure) = self.publish_all(rows).await;
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db())?;
                for id in &sent {
                    sqlx::query(
                        "UPDATE outbox SET published_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = $1",
                    )
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db())?;
                }
                tx.commit().await.map_err(db())?;
                failure.map_or(Ok(sent.len()), Err)
            }
        }
    }

    /// Publishes in order, stopping at the first failure: (ids published, the failure).
    async fn publish_all(&self, rows: Vec<StoredEvent>) -> (Vec<String>, Option<Error>) {
        let mut sent = Vec::with_capacity(rows.len());
        for row in rows {
            let envelope = row.into_envelope();
            match self.bus.publish(&envelope).await {
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
    let db = Error::db("measuring the outbox lag");
    let (unsent, oldest_unsent_secs): (i64, f64) = match store {
        Store::Postgres(pool) => sqlx::query_as(
            "SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 \
             FROM outbox WHERE published_at IS NULL",
        )
        .fetch_one(pool)
        .await
        .map_err(db)?,
        Store::Sqlite(pool) => sqlx::query_as(
            "SELECT count(*), COALESCE((julianday('now') - julianday(min(created_at))) * 86400.0, 0.0) \
             FROM outbox WHERE published_at IS NULL",
        )
        .fetch_one(pool)
        .await
        .map_err(db)?,
    };
    metrics::gauge!("events_outbox_unsent").set(unsent as f64);
    metrics::gauge!("events_outbox_oldest_unsent_seconds").set(oldest_unsent_secs);
    Ok(Lag { unsent, oldest_unsent_secs })
}
