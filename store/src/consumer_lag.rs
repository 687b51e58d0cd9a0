//! How far each event consumer is behind: the published events of the kinds it reads that
//! came after the newest one it handled, the age of the oldest of them, when it last handled
//! one, and its dead letters waiting for replay.
//!
//! A consumer's position is the event it handled last (`processed_events`, newest first); an
//! event it skipped because it is dead-lettered counts as handled once a later one is, and
//! its dead letter shows beside. The count reads the outbox by sequence number from there.

use serde::Serialize;

use super::Store;
use crate::error::{Error, Result};
use crate::on_pool;
use crate::timing::QueryTimer;

/// One consumer's lag.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConsumerLag {
    pub consumer: String,
    /// Published events of its kinds after the one it handled last.
    pub waiting: i64,
    /// Seconds since the oldest of them was written (0 without any).
    pub oldest_waiting_secs: f64,
    /// When it last handled an event (RFC 3339, UTC); `None` before its first.
    pub last_processed_at: Option<String>,
    /// Its dead letters not yet replayed.
    pub dead_letters: i64,
}

/// `'a', 'b'` for `kinds` (event types from the catalogue: dotted lowercase names), or `NULL`
/// when there are none, so that `IN (…)` matches nothing.
fn quoted(kinds: &[&str]) -> String {
    let kinds: Vec<String> = kinds
        .iter()
        .filter(|k| k.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '_'))
        .map(|k| format!("'{k}'"))
        .collect();
    if kinds.is_empty() { "NULL".into() } else { kinds.join(", ") }
}

impl Store {
    /// `consumer`'s lag over the events of `kinds` (the ones it reads).
    pub async fn consumer_lag(&self, consumer: &str, kinds: &[&str]) -> Result<ConsumerLag> {
        let dialect = self.dialect();
        let _t = QueryTimer::start(dialect.as_str(), "consumer_lag");
        let db = || Error::db("measuring a consumer's lag");
        let last_sql = format!(
            "SELECT event_id, {} FROM processed_events WHERE consumer = $1 ORDER BY processed_at DESC LIMIT 1",
            dialect.timestamp_text("processed_at")
        );
        let position_sql = format!("SELECT seq FROM outbox WHERE {}", dialect.uuid_in_json_array("id", "$1"));
        let waiting_sql = format!(
            "SELECT count(*), COALESCE({}, 0.0) FROM outbox \
             WHERE seq > $1 AND published_at IS NOT NULL AND type IN ({})",
            dialect.seconds_since("min(created_at)"),
            quoted(kinds)
        );
        on_pool!(self, pool => {
            let last: Option<(String, String)> = sqlx::query_as(&last_sql)
                .bind(consumer)
                .fetch_optional(pool)
                .await
                .map_err(db())?;
            let position: Option<i64> = match &last {
                Some((event_id, _)) => sqlx::query_scalar(&position_sql)
                    .bind(serde_json::json!([event_id]).to_string())
                    .fetch_optional(pool)
                    .await
                    .map_err(db())?,
                None => None,
            };
            let (waiting, oldest_waiting_secs): (i64, f64) = sqlx::query_as(&waiting_sql)
                .bind(position.unwrap_or(0))
                .fetch_one(pool)
                .await
                .map_err(db())?;
            let dead_letters: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM dead_letters WHERE consumer = $1 AND replayed_at IS NULL",
            )
            .bind(consumer)
            .fetch_one(pool)
            .await
            .map_err(db())?;
            Ok(ConsumerLag {
                consumer: consumer.to_owned(),
                waiting,
                oldest_waiting_secs,
                last_processed_at: last.map(|(_, at)| at),
                dead_letters,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn kinds_are_quoted_and_anything_else_left_out() {
        assert_eq!(quoted(&["order.created", "payment.completed"]), "'order.created', 'payment.completed'");
        assert_eq!(quoted(&["x'; DROP TABLE outbox; --"]), "NULL");
        assert_eq!(quoted(&[]), "NULL");
    }
}
