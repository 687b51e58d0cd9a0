//! The outbox: events written in the transaction of the change they describe, read in order
//! by the relay that publishes them (`linkedall-events`' `relay.rs`), and kept afterwards as
//! the event store that `origin replay` rebuilds read models from.
//!
//! The relay takes a batch with [`Store::take_unsent`]. Where the backend locks rows
//! (PostgreSQL) the batch is taken `FOR UPDATE SKIP LOCKED` in a transaction that stays open
//! while it is published, so several relays share the backlog without publishing the same row
//! at once; if a relay dies mid-batch its transaction rolls back and the rows go to the next
//! relay. On SQLite there is one writer and one relay: the batch is read without a
//! transaction and marked sent in a short one afterwards.

use serde_json::Value;

use linkedall_events_schema::Event;
use linkedall_events_schema::envelope::{CONTENT_TYPE, Envelope, SOURCE, SPEC_VERSION};

use super::Store;
use crate::cause::Cause;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::timing::QueryTimer;
use crate::write_tx::{Conn, WriteTx};
use crate::{on_conn, on_pool};

/// An outbox row not yet published.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: String,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub subject: String,
    #[sqlx(json)]
    pub payload: Value,
}

/// An outbox row as the relay and the replay read it: everything its envelope carries.
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

/// The columns of [`StoredEvent`], its time rendered as RFC 3339.
fn stored_event_columns(dialect: Dialect) -> String {
    format!(
        "CAST(id AS TEXT) AS id, type AS kind, subject, payload, schema_version, traceparent, client_ip, \
         country, seq, {} AS time",
        dialect.utc_time("created_at")
    )
}

/// Appends `event` on `conn`, inside the caller's transaction, with its cause (the request
/// being served, or the event a consumer reacted to).
pub(crate) async fn record(mut conn: Conn<'_>, event: &Event, cause: &Cause) -> Result<()> {
    let _t = QueryTimer::start(conn.dialect().as_str(), "outbox_record");
    on_conn!(conn, conn => sqlx::query(
        "INSERT INTO outbox (type, subject, payload, schema_version, traceparent, client_ip, country) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(event.kind)
    .bind(&event.subject)
    .bind(sqlx::types::Json(&event.payload))
    .bind(event.version as i32)
    .bind(cause.traceparent.as_deref())
    .bind(cause.client_ip.as_deref())
    .bind(cause.country.as_deref())
    .execute(conn)
    .await
    .map_err(Error::db("writing an outbox event"))?
    .rows_affected());
    // Counted when written; a rolled-back transaction takes its events with it, which the
    // relay's published counter (not this one) reflects.
    metrics::counter!("outbox_events_written_total", "type" => event.kind).increment(1);
    Ok(())
}

/// Unsent events taken by a relay, oldest first; see the module docs for how they are held.
pub struct UnsentBatch {
    pub events: Vec<StoredEvent>,
    /// The transaction holding the rows' locks, where the backend locks rows.
    held: Option<WriteTx>,
    store: Store,
}

impl UnsentBatch {
    /// Marks the events `ids` (published) sent and ends the batch; the others stay unsent.
    pub async fn mark_sent(self, ids: &[String]) -> Result<()> {
        let db = || Error::db("marking outbox events sent");
        let mut tx = match self.held {
            Some(tx) => tx,
            None if ids.is_empty() => return Ok(()),
            None => WriteTx::begin(&self.store).await?,
        };
        if !ids.is_empty() {
            let dialect = tx.dialect();
            let _t = QueryTimer::start(dialect.as_str(), "outbox_mark_sent");
            let ids = serde_json::to_string(ids).map_err(|e| Error::Corrupt(e.to_string()))?;
            let sql = format!(
                "UPDATE outbox SET published_at = {} WHERE {}",
                dialect.now(),
                dialect.uuid_in_json_array("id", "$1")
            );
            on_conn!(&mut tx, conn => sqlx::query(&sql).bind(&ids).execute(&mut *conn).await.map_err(db())?.rows_affected());
        }
        tx.commit().await
    }
}

/// How far the relay is behind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lag {
    pub unsent: i64,
    pub oldest_unsent_secs: f64,
}

impl Store {
    /// Events not yet published, oldest first.
    pub async fn unpublished_events(&self, limit: i64) -> Result<Vec<OutboxRow>> {
        let _t = QueryTimer::start(self.dialect().as_str(), "outbox_unpublished");
        on_pool!(self, pool => sqlx::query_as(
            "SELECT CAST(id AS TEXT) AS id, type, subject, payload FROM outbox \
             WHERE published_at IS NULL ORDER BY seq LIMIT $1",
        )
        .bind(limit)
        .fetch_all(pool)
        .await
        .map_err(Error::db("reading the outbox")))
    }

    /// Takes up to `limit` unsent events for a relay to publish, oldest first.
    pub async fn take_unsent(&self, limit: i64) -> Result<UnsentBatch> {
        let dialect = self.dialect();
        let _t = QueryTimer::start(dialect.as_str(), "outbox_take_unsent");
        let db = || Error::db("relaying the outbox");
        let select = format!(
            "SELECT {} FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1",
            stored_event_columns(dialect)
        );
        if dialect.locks_rows() {
            let mut tx = WriteTx::begin(self).await?;
            let locking = format!("{select} {}", dialect.skip_locked());
            let events = on_conn!(&mut tx, conn => sqlx::query_as(&locking)
                .bind(limit)
                .fetch_all(&mut *conn)
                .await
                .map_err(db())?);
            Ok(UnsentBatch { events, held: Some(tx), store: self.clone() })
        } else {
            let events = on_pool!(self, pool => sqlx::query_as(&select)
                .bind(limit)
                .fetch_all(pool)
                .await
                .map_err(db())?);
            Ok(UnsentBatch { events, held: None, store: self.clone() })
        }
    }

    /// Unsent events and the age of the oldest (0 without any).
    pub async fn outbox_lag(&self) -> Result<Lag> {
        let dialect = self.dialect();
        let _t = QueryTimer::start(dialect.as_str(), "outbox_lag");
        let sql = format!(
            "SELECT count(*), COALESCE({}, 0.0) FROM outbox WHERE published_at IS NULL",
            dialect.seconds_since("min(created_at)")
        );
        let (unsent, oldest_unsent_secs): (i64, f64) = on_pool!(self, pool => sqlx::query_as(&sql)
            .fetch_one(pool)
            .await
            .map_err(Error::db("measuring the outbox lag"))?);
        Ok(Lag { unsent, oldest_unsent_secs })
    }

    /// The event store: up to `limit` events after sequence number `after`, in commit order.
    pub async fn events_after(&self, after: i64, limit: i64) -> Result<Vec<StoredEvent>> {
        let dialect = self.dialect();
        let _t = QueryTimer::start(dialect.as_str(), "outbox_events_after");
        let sql = format!(
            "SELECT {} FROM outbox WHERE seq > $1 ORDER BY seq LIMIT $2",
            stored_event_columns(dialect)
        );
        on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(after)
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(Error::db("reading the event store")))
    }
}

impl WriteTx {
    /// Writes `event` to the outbox in this transaction (a consumer reacting with an event).
    pub async fn emit(&mut self, event: &Event, cause: &Cause) -> Result<()> {
        record(self.conn(), event, cause).await
    }
}
