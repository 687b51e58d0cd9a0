//! The read models rebuilt from the event store — order history, vendor sales, order
//! analytics — as a whole: read together, saved as a snapshot, and reset (emptied, or loaded
//! from a snapshot) before `origin replay` applies events to them (`linkedall-events`'
//! `replay.rs`).

use serde::{Deserialize, Serialize};

use super::Store;
use crate::error::{Error, Result};
use crate::on_pool;
use crate::timing::QueryTimer;

/// The read models' rows, in a stable order: what a snapshot holds and what tests compare.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadModels {
    /// (order, shopper, state, currency, total minor)
    pub order_history: Vec<(i64, i64, String, String, i64)>,
    /// (vendor, currency, orders, gross minor)
    pub vendor_sales: Vec<(i64, String, i64, i64)>,
    /// (minute, currency, country, orders, gmv minor, paid)
    pub order_analytics: Vec<(String, String, String, i64, i64, i64)>,
}

/// A snapshot as saved: the read models after event `seq`, as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedSnapshot {
    pub seq: i64,
    pub state: String,
}

impl Store {
    /// The read models as they are now.
    pub async fn read_models(&self) -> Result<ReadModels> {
        let _t = QueryTimer::start(self.dialect().as_str(), "read_models");
        let db = || Error::db("reading the read models");
        Ok(on_pool!(self, pool => ReadModels {
            order_history: sqlx::query_as(
                "SELECT order_id, shopper_id, state, currency, CAST(total_minor AS BIGINT) FROM order_history \
                 ORDER BY order_id",
            )
            .fetch_all(pool)
            .await
            .map_err(db())?,
            vendor_sales: sqlx::query_as(
                "SELECT vendor_id, currency, CAST(orders AS BIGINT), CAST(gross_minor AS BIGINT) FROM vendor_sales \
                 ORDER BY vendor_id, currency",
            )
            .fetch_all(pool)
            .await
            .map_err(db())?,
            order_analytics: sqlx::query_as(
                "SELECT minute, currency, country, CAST(orders AS BIGINT), CAST(gmv_minor AS BIGINT), \
                 CAST(paid AS BIGINT) FROM order_analytics ORDER BY minute, currency, country",
            )
            .fetch_all(pool)
            .await
            .map_err(db())?,
        }))
    }

    /// Saves `models` as the read models after event `seq`.
    pub async fn save_read_models(&self, seq: i64, models: &ReadModels) -> Result<()> {
        let state = serde_json::to_string(models).map_err(|e| Error::Corrupt(e.to_string()))?;
        on_pool!(self, pool => sqlx::query("INSERT INTO read_model_snapshots (last_seq, state) VALUES ($1, $2)")
            .bind(seq)
            .bind(state)
            .execute(pool)
            .await
            .map_err(Error::db("saving a read-model snapshot"))?
            .rows_affected());
        Ok(())
    }

    /// The newest snapshot, as saved (its state may be of an older shape).
    pub async fn newest_read_models_snapshot(&self) -> Result<Option<SavedSnapshot>> {
        let row: Option<(i64, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT last_seq, state FROM read_model_snapshots ORDER BY last_seq DESC, id DESC LIMIT 1",
        )
        .fetch_optional(pool)
        .await
        .map_err(Error::db("reading the newest snapshot"))?);
        Ok(row.map(|(seq, state)| SavedSnapshot { seq, state }))
    }

    /// Empties the read models and the processed ids of `consumers` (the projections that
    /// keep them), then loads `snapshot`, its events counted as processed by each of them.
    pub async fn reset_read_models(
        &self,
        consumers: &[&str],
        snapshot: Option<(i64, ReadModels)>,
    ) -> Result<()> {
        let db = || Error::db("resetting the read models");
        on_pool!(self, pool => {
            let mut tx = pool.begin().await.map_err(db())?;
            for table in ["order_history", "vendor_sales", "order_analytics"] {
                sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *tx).await.map_err(db())?;
            }
            for name in consumers {
                sqlx::query("DELETE FROM processed_events WHERE consumer = $1")
                    .bind(name)
                    .execute(&mut *tx)
                    .await
                    .map_err(db())?;
            }
            if let Some((seq, models)) = snapshot {
                for (order, shopper, state, currency, total) in models.order_history {
                    sqlx::query(
                        "INSERT INTO order_history (order_id, shopper_id, state, currency, total_minor, last_seq) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(order)
                    .bind(shopper)
                    .bind(state)
                    .bind(currency)
                    .bind(total)
                    .bind(seq)
                    .execute(&mut *tx)
                    .await
                    .map_err(db())?;
                }
                for (vendor, currency, orders, gross) in models.vendor_sales {
                    sqlx::query(
                        "INSERT INTO vendor_sales (vendor_id, currency, orders, gross_minor) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(vendor)
                    .bind(currency)
                    .bind(orders)
                    .bind(gross)
                    .execute(&mut *tx)
                    .await
                    .map_err(db())?;
                }
                for (minute, currency, country, orders, gmv, paid) in models.order_analytics {
                    sqlx::query(
                        "INSERT INTO order_analytics (minute, currency, country, orders, gmv_minor, paid) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(minute)
                    .bind(currency)
                    .bind(country)
                    .bind(orders)
                    .bind(gmv)
                    .bind(paid)
                    .execute(&mut *tx)
                    .await
                    .map_err(db())?;
                }
                for name in consumers {
                    sqlx::query(
                        "INSERT INTO processed_events (consumer, event_id) \
                         SELECT $1, CAST(id AS TEXT) FROM outbox WHERE seq <= $2",
                    )
                    .bind(name)
                    .bind(seq)
                    .execute(&mut *tx)
                    .await
                    .map_err(db())?;
                }
            }
            tx.commit().await.map_err(db())?;
        });
        Ok(())
    }
}
