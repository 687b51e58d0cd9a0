//! The outbox: events written in the transaction of the change they describe, read in order
//! by the relay that publishes them (`events/relay.rs`), and kept afterwards as the event store
//! that `origin replay` rebuilds read models from.

use serde_json::Value;

use super::Store;
use crate::error::Result;

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

macro_rules! outbox_queries {
    ($pool:ty, $conn:ty, $backend:literal) => {
        use crate::error::{Error, Result};
        use crate::cause::Cause;
use linkedall_events_schema::Event;
        use crate::outbox::OutboxRow;
        use crate::timing::QueryTimer;

        /// Appends `event` inside the caller's transaction, caused by the request being served.
        pub async fn record(conn: &mut $conn, event: &Event) -> Result<()> {
            record_caused(conn, event, &Cause::current()).await
        }

        /// Appends `event` inside the caller's transaction with an explicit cause (a consumer
        /// reacting to another event carries that event's trace on).
        pub async fn record_caused(conn: &mut $conn, event: &Event, cause: &Cause) -> Result<()> {
            let _t = QueryTimer::start($backend, "outbox_record");
            sqlx::query(
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
            .map_err(Error::db("writing an outbox event"))?;
            // Counted when written; a rolled-back transaction takes its events with it, which
            // the relay's published counter (not this one) reflects.
            metrics::counter!("outbox_events_written_total", "type" => event.kind).increment(1);
            Ok(())
        }

        pub async fn unpublished(pool: &$pool, limit: i64) -> Result<Vec<OutboxRow>> {
            let _t = QueryTimer::start($backend, "outbox_unpublished");
            sqlx::query_as(
                "SELECT CAST(id AS TEXT) AS id, type, subject, payload FROM outbox \
                 WHERE published_at IS NULL ORDER BY seq LIMIT $1",
            )
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(Error::db("reading the outbox"))
        }
    };
}

pub(crate) use outbox_queries;

impl Store {
    /// Events not yet published, oldest first.
    pub async fn unpublished_events(&self, limit: i64) -> Result<Vec<OutboxRow>> {
        on_backend!(self, outbox::unpublished(limit))
    }
}
