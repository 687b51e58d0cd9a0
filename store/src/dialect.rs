//! Every place where PostgreSQL's SQL and SQLite's differ, as a named piece. Statements are
//! written once and take the piece they need (`format!("… expires_at = {}", d.reservation_ends())`),
//! so a difference is looked up here, never spelled inline. The schemas themselves are held to
//! one shape by `origin/tests/schema_parity.rs`.

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
        self.pick("now()", "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')")
    }

    /// 24 hours ago (idempotency keys expire after a day).
    pub fn day_ago(self) -> &'static str {
        self.pick("now() - interval '24 hours'", "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-24 hours')")
    }

    /// When a reservation made now ends.
    pub fn reservation_ends(self) -> &'static str {
        self.pick("now() + interval '30 minutes'", "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+30 minutes')")
    }

    /// How a sweeper locks the rows it picks, skipping those another holds (nothing on SQLite,
    /// which has one writer).
    pub fn skip_locked(self) -> &'static str {
        self.pick("FOR UPDATE SKIP LOCKED", "")
    }

    /// Locks the row a transition reads first (nothing on SQLite).
    /// The `YYYY-MM` month of a time `column` (UTC).
    pub fn month_of(self, column: &str) -> String {
        match self {
            Dialect::Postgres => format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM')"),
            Dialect::Sqlite => format!("substr({column}, 1, 7)"),
        }
    }

    pub fn for_update(self) -> &'static str {
        self.pick("FOR UPDATE", "")
    }

    /// The statement that orders purge-journal writers by commit.
    pub fn purge_lock(self) -> &'static str {
        self.pick("SELECT pg_advisory_xact_lock(7465726)", "SELECT 1")
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

    /// Whether a reader can lock the rows it takes and keep them while it works, so that
    /// several workers share a queue (PostgreSQL); SQLite has one writer, so a worker reads
    /// without a transaction and writes its result in a short one afterwards.
    pub fn locks_rows(self) -> bool {
        self == Dialect::Postgres
    }

    /// The timestamp `column` as RFC 3339 text in UTC with microseconds, as the relay writes
    /// an event's time (SQLite stores that text already).
    pub fn utc_time(self, column: &str) -> String {
        match self {
            Dialect::Postgres => {
                format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
            }
            Dialect::Sqlite => column.to_owned(),
        }
    }

    /// The timestamp `column` to the second, `YYYY-MM-DDTHH:MM:SS` in UTC: a prefix of
    /// [`utc_time`](Self::utc_time), so it compares with event times as text.
    pub fn utc_second(self, column: &str) -> String {
        match self {
            Dialect::Postgres => format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"),
            Dialect::Sqlite => format!("substr({column}, 1, 19)"),
        }
    }

    /// The timestamp `column` to the minute, `YYYY-MM-DDTHH:MM` in UTC (the analytics' window).
    pub fn utc_minute(self, column: &str) -> String {
        match self {
            Dialect::Postgres => format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI')"),
            Dialect::Sqlite => format!("substr({column}, 1, 16)"),
        }
    }

    /// Seconds from the timestamp `expr` until now, as a float (null when `expr` is).
    pub fn seconds_since(self, expr: &str) -> String {
        match self {
            Dialect::Postgres => format!("CAST(EXTRACT(EPOCH FROM now() - {expr}) AS DOUBLE PRECISION)"),
            Dialect::Sqlite => format!("((julianday('now') - julianday({expr})) * 86400.0)"),
        }
    }

    /// True when the id `column` (a UUID on PostgreSQL, its text on SQLite) is one of the
    /// strings of the JSON array bound at `param`: a set of ids in one statement, found
    /// through the column's index.
    pub fn uuid_in_json_array(self, column: &str, param: &str) -> String {
        match self {
            Dialect::Postgres => {
                format!(
                    "{column} IN (SELECT CAST(jsonb_array_elements_text(CAST({param} AS jsonb)) AS uuid))"
                )
            }
            Dialect::Sqlite => format!("{column} IN (SELECT value FROM json_each({param}))"),
        }
    }

    fn pick(self, on_postgres: &'static str, on_sqlite: &'static str) -> &'static str {
        match self {
            Dialect::Postgres => on_postgres,
            Dialect::Sqlite => on_sqlite,
        }
    }
}
