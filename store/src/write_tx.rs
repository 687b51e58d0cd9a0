//! One write transaction on either backend: a business step's (placing an order) or a
//! consumer's (its effect, the record that it processed the event, and any event it emits in
//! reaction commit together, or not at all).
//!
//! Statements are written once with `$n` placeholders (both backends accept them) inside
//! [`on_conn!`](crate::on_conn), which expands each statement for each backend's connection type
//! (see `conn.rs`); the steps around them are ordinary functions. Where the backends' SQL
//! differs, the statement takes the named piece from [`WriteTx::dialect`].

use sqlx::{Postgres, Sqlite, Transaction};

use crate::Store;
pub use crate::conn::Conn;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::timing::QueryTimer;

pub enum WriteTx {
    Postgres(Transaction<'static, Postgres>),
    Sqlite(Transaction<'static, Sqlite>),
}

/// Runs `$body` with `$conn` bound to the connection of `$tx` (a [`WriteTx`] or a
/// [`Conn`](crate::conn::Conn)), once per backend.
#[macro_export]
macro_rules! on_conn {
    ($tx:expr, $conn:ident => $body:expr) => {
        match ($tx).conn() {
            $crate::conn::Conn::Postgres($conn) => {
                let $conn: &mut sqlx::PgConnection = $conn;
                $body
            }
            $crate::conn::Conn::Sqlite($conn) => {
                let $conn: &mut sqlx::SqliteConnection = $conn;
                $body
            }
        }
    };
}

impl WriteTx {
    /// The transaction's connection, for [`on_conn!`](crate::on_conn).
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            WriteTx::Postgres(tx) => Conn::Postgres(tx),
            WriteTx::Sqlite(tx) => Conn::Sqlite(tx),
        }
    }

    /// The SQL pieces in which this transaction's backend differs from the other.
    pub fn dialect(&self) -> Dialect {
        match self {
            WriteTx::Postgres(_) => Dialect::Postgres,
            WriteTx::Sqlite(_) => Dialect::Sqlite,
        }
    }

    /// A write transaction (`BEGIN IMMEDIATE` on SQLite: one writer, taken up front).
    pub async fn begin(store: &Store) -> Result<WriteTx> {
        let db = Error::db("starting a write transaction");
        Ok(match store {
            Store::Postgres(pool) => WriteTx::Postgres(pool.begin().await.map_err(db)?),
            Store::Sqlite(pool) => WriteTx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?),
        })
    }

    pub async fn commit(self) -> Result<()> {
        let db = Error::db("committing a write transaction");
        let _t = QueryTimer::start(self.dialect().as_str(), "commit");
        match self {
            WriteTx::Postgres(tx) => tx.commit().await.map_err(db),
            WriteTx::Sqlite(tx) => tx.commit().await.map_err(db),
        }
    }

    /// Ends the transaction without writing anything, rather than on drop, so no connection
    /// idles in a transaction meanwhile.
    pub async fn rollback(self) -> Result<()> {
        let db = Error::db("rolling back a write transaction");
        match self {
            WriteTx::Postgres(tx) => tx.rollback().await.map_err(db),
            WriteTx::Sqlite(tx) => tx.rollback().await.map_err(db),
        }
    }

    /// Records that `consumer` processed `event_id`; false when it already had, in which
    /// case the caller must change nothing.
    pub async fn mark_processed(&mut self, consumer: &str, event_id: &str) -> Result<bool> {
        let _t = QueryTimer::start(self.dialect().as_str(), "mark_processed");
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
}
