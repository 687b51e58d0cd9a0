//! Unpaid reservations expire: orders still `created` past their `expires_at` are cancelled,
//! their stock put back and `order.cancelled` written, all in one transaction per batch, by
//! the same cancellation a shopper's cancel goes through (`cancellation.rs`).
//!
//! On PostgreSQL the batch is picked `FOR UPDATE SKIP LOCKED`, so several origins sweep at
//! once without waiting on each other or cancelling an order twice, and an order a payment
//! webhook is confirming right now (its row locked) is left for the next sweep, which will
//! find it confirmed. On SQLite `BEGIN IMMEDIATE` already makes the sweep the only writer.

use super::Store;
use crate::error::Result;

macro_rules! reservation_queries {
    ($pool:ty, $conn:ty, $backend:literal) => {
        use std::collections::BTreeMap;

        use crate::error::{Error, Result};
        use crate::timing::QueryTimer;

        /// Cancels up to `limit` expired unpaid orders; returns their ids.
        pub async fn expire(pool: &$pool, limit: i64) -> Result<Vec<i64>> {
            let _t = QueryTimer::start($backend, "expire_reservations");
            let db = || Error::db("expiring unpaid orders");
            let mut tx = super::begin_write(pool).await?;
            let expired: Vec<(i64, i64)> = sqlx::query_as(&format!(
                "SELECT id, shopper_id FROM orders WHERE state = 'created' AND expires_at < {} \
                 ORDER BY expires_at LIMIT $1 {}",
                super::NOW,
                super::SKIP_LOCKED
            ))
            .bind(limit)
            .fetch_all(&mut *tx)
            .await
            .map_err(db())?;
            if expired.is_empty() {
                // Ended here rather than on drop, so no connection idles in a transaction.
                tx.rollback().await.map_err(db())?;
                return Ok(Vec::new());
            }
            let mut released: BTreeMap<i64, i64> = BTreeMap::new();
            for &(id, _) in &expired {
                let cancelled = super::cancellation::cancel_order_parts(
                    &mut tx,
                    id,
                    "system",
                    Some("reservation expired"),
                )
                .await?;
                for (product, quantity) in cancelled.released {
                    *released.entry(product).or_default() += quantity;
                }
            }
            // Stock goes back once for the batch, in product order, as checkout takes it.
            super::cancellation::release_stock(&mut tx, &released).await?;
            tx.commit().await.map_err(db())?;
            Ok(expired.into_iter().map(|(id, _)| id).collect())
        }
    };
}

pub(crate) use reservation_queries;

impl Store {
    /// Cancels up to `limit` unpaid orders whose reservation has expired, releasing their
    /// stock; returns the ids of the orders cancelled.
    pub async fn expire_reservations(&self, limit: i64) -> Result<Vec<i64>> {
        let expired = on_backend!(self, reservations::expire(limit))?;
        metrics::counter!("reservations_expired_total").increment(expired.len() as u64);
        Ok(expired)
    }
}
