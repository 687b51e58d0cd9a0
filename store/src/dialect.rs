//! Every place where PostgreSQL's SQL and SQLite's differ, as a named piece. Statements are
//! written once and take the piece they need (`format!("… expires_at = {}", d.reservation_ends())`),
//! so a difference is looked up here, never spelled inline. The schemas themselves are held to
//! one shape by `origin/tests/schema_parity.rs`.

use crate::{postgres, sqlite};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Postgres,
    Sqlite,
}

impl Dialect {
    /// The backend's name in metrics and logs (`db_query_duration_seconds{backend}`).
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Sqlite => "sqlite",
        }
    }

    /// The current time, as the timestamp columns hold it.
    pub fn now(self) -> &'static str {
        self.pick(postgres::NOW, sqlite::NOW)
    }

    /// 24 hours ago (idempotency keys expire after a day).
    pub fn day_ago(self) -> &'static str {
        self.pick(postgres::DAY_AGO, sqlite::DAY_AGO)
    }

    /// When a reservation made now ends.
    pub fn reservation_ends(self) -> &'static str {
        self.pick(postgres::RESERVATION_ENDS, sqlite::RESERVATION_ENDS)
    }

    /// How a sweeper locks the rows it picks, skipping those another holds (nothing on SQLite,
    /// which has one writer).
    pub fn skip_locked(self) -> &'static str {
        self.pick(postgres::SKIP_LOCKED, sqlite::SKIP_LOCKED)
    }

    /// Locks the row a transition reads first (nothing on SQLite).
    pub fn for_update(self) -> &'static str {
        self.pick(postgres::FOR_UPDATE, sqlite::FOR_UPDATE)
    }

    /// The statement that orders purge-journal writers by commit.
    pub fn purge_lock(self) -> &'static str {
        self.pick(postgres::PURGE_LOCK, sqlite::PURGE_LOCK)
    }

    /// The timestamp `expr` as RFC 3339 text in UTC (SQLite's columns hold that text already).
    pub fn timestamp_text(self, expr: &str) -> String {
        match self {
            Dialect::Postgres => {
                format!("to_char({expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
            }
            Dialect::Sqlite => expr.to_owned(),
        }
    }

    fn pick(self, on_postgres: &'static str, on_sqlite: &'static str) -> &'static str {
        match self {
            Dialect::Postgres => on_postgres,
            Dialect::Sqlite => on_sqlite,
        }
    }
}
