//! One consumer transaction on either backend. A consumer's effect, the record that it
//! processed the event, and any event it emits in reaction commit together, or not at all.
//!
//! Consumer SQL is written once with `$n` placeholders (both backends accept them) inside
//! [`on_conn!`], which expands it for each backend's connection type.

use sqlx::{Postgres, Sqlite, Transaction};

use linkedall_events_schema::Event;

use crate::Store;
use crate::cause::Cause;
use crate::error::{Error, Result};

pub enum EventTx {
    Postgres(Transaction<'static, Postgres>),
    Sqlite(Transaction<'static, Sqlite>),
}

/// Runs `$body` with `$conn` bound to the transaction's connection, once per backend.
#[macro_export]
macro_rules! on_conn {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::event_tx::EventTx::Postgres(t) => {
                let $conn: &mut sqlx::PgConnection = &mut *t;
                $body
            }
            $crate::event_tx::EventTx::Sqlite(t) => {
                let $conn: &mut sqlx::SqliteConnection = &mut *t;
                $body
            }
        }
    };
}

impl EventTx {
    /// A write transaction (`BEGIN IMMEDIATE` on SQLite: one writer, taken up front).
    pub async fn begin(store: &Store) -> Result<EventTx> {
        let db = Error::db("starting a consumer transaction");
        Ok(match store {
            Store::Postgres(pool) => EventTx::Postgres(pool.begin().await.map_err(db)?),
            Store::Sqlite(pool) => EventTx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?),
        })
    }

    pub async fn commit(self) -> Result<()> {
        let db = Error::db("committing a consumer transaction");
        match self {
            EventTx::Postgres(tx) => tx.commit().await.map_err(db),
            EventTx::Sqlite(tx) => tx.commit().await.map_err(db),
        }
    }

    /// Records that `consumer` processed `event_id`; false when it already had, in which
    /// case the caller must change nothing.
    pub async fn mark_processed(&mut self, consumer: &str, event_id: &str) -> Result<bool> {
        let inserted = on_conn!(self, conn => sqlx::query(
            "INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(consumer)
        .bind(event_id)
        .execute(&mut *conn)
        .await
        .map_err(Error::db("recording a processed event"))?
        .rows_affected());
        Ok(inserted == 1)
    }

    /// Adds purges of `selectors` to the purge journal in this transaction.
    pub async fn record_purges(&mut self, selectors: &[linkedall_shared::PurgeSelector]) -> Result<()> {
        match self {
            EventTx::Postgres(tx) => crate::postgres::purges::record(tx, selectors).await,
            EventTx::Sqlite(tx) => crate::sqlite::purges::record(tx, selectors).await,
        }
    }

    /// Writes `event` to the outbox in this transaction (a consumer reacting with an event).
    pub async fn emit(&mut self, event: &Event, cause: &Cause) -> Result<()> {
        match self {
            EventTx::Postgres(tx) => crate::postgres::outbox::record_caused(tx, event, cause).await,
            EventTx::Sqlite(tx) => crate::sqlite::outbox::record_caused(tx, event, cause).await,
        }
    }
}
