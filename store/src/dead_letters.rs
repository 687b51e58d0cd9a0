//! Dead letters: events a consumer failed on at every allowed delivery, kept in
//! `dead_letters` with the error until an admin replays them (`linkedall-events`'
//! `dead_letters.rs` decides; this file reads and writes the rows).

use serde::Serialize;

use linkedall_events_schema::Envelope;

use super::Store;
use crate::error::{Error, Result};
use crate::on_pool;
use crate::timing::QueryTimer;

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

/// A dead letter waiting for replay: whose it is, and the event.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WaitingLetter {
    pub consumer: String,
    /// The envelope, as JSON.
    pub envelope: String,
}

impl Store {
    /// Keeps `envelope` as a dead letter of `consumer` (again, if it had died before: then
    /// it waits for replay once more).
    pub async fn record_dead_letter(
        &self,
        consumer: &str,
        envelope: &Envelope,
        error: &str,
        deliveries: u32,
    ) -> Result<()> {
        let _t = QueryTimer::start(self.dialect().as_str(), "dead_letter_record");
        let id = uuid::Uuid::new_v4().to_string();
        let body = String::from_utf8(envelope.to_json()).unwrap_or_default();
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO dead_letters (id, consumer, event_id, event_type, envelope, error, deliveries) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (consumer, event_id) DO UPDATE SET error = excluded.error, \
             deliveries = excluded.deliveries, envelope = excluded.envelope, replayed_at = NULL",
        )
        .bind(&id)
        .bind(consumer)
        .bind(&envelope.id)
        .bind(&envelope.kind)
        .bind(&body)
        .bind(error)
        .bind(deliveries as i32)
        .execute(pool)
        .await
        .map_err(Error::db("recording a dead letter"))?
        .rows_affected());
        Ok(())
    }

    /// Dead letters, newest first; without `include_replayed` only those still waiting.
    pub async fn dead_letters(&self, include_replayed: bool, limit: i64) -> Result<Vec<DeadLetter>> {
        let _t = QueryTimer::start(self.dialect().as_str(), "dead_letters");
        let filter = if include_replayed { "" } else { "WHERE replayed_at IS NULL" };
        let sql = format!(
            "SELECT id, consumer, event_id, event_type, error, deliveries, CAST(created_at AS TEXT) AS created_at, \
             CAST(replayed_at AS TEXT) AS replayed_at FROM dead_letters {filter} ORDER BY created_at DESC, id LIMIT $1"
        );
        on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(Error::db("listing dead letters")))
    }

    /// Dead letter `id`, if it is waiting for replay.
    pub async fn waiting_dead_letter(&self, id: &str) -> Result<Option<WaitingLetter>> {
        on_pool!(self, pool => sqlx::query_as(
            "SELECT consumer, envelope FROM dead_letters WHERE id = $1 AND replayed_at IS NULL",
        )
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(Error::db("reading a dead letter")))
    }

    /// Stores the error dead letter `id` failed with when replayed.
    pub async fn dead_letter_failed_again(&self, id: &str, error: &str) -> Result<()> {
        on_pool!(self, pool => sqlx::query("UPDATE dead_letters SET error = $2 WHERE id = $1")
            .bind(id)
            .bind(error)
            .execute(pool)
            .await
            .map_err(Error::db("updating a dead letter"))?
            .rows_affected());
        Ok(())
    }

    /// Marks dead letter `id` replayed now.
    pub async fn mark_dead_letter_replayed(&self, id: &str) -> Result<()> {
        let sql = format!("UPDATE dead_letters SET replayed_at = {} WHERE id = $1", self.dialect().now());
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(id)
            .execute(pool)
            .await
            .map_err(Error::db("marking a dead letter replayed"))?
            .rows_affected());
        Ok(())
    }
}
