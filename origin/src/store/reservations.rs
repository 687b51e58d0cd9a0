//! Unpaid reservations expire: orders still `created` past their `expires_at` are cancelled,
//! their stock put back and `order.cancelled` written, all in one transaction per batch.
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
        use crate::events::Event;
        use crate::events::catalogue::{OrderCancelled, ReleasedStock};
        use crate::store::timing::QueryTimer;

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
            for &(id, shopper) in &expired {
                sqlx::query("UPDATE orders SET state = 'cancelled' WHERE id = $1 AND state = 'created'")
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db())?;
                sqlx::query("UPDATE order_parts SET state = 'cancelled' WHERE order_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db())?;
                let items: Vec<(i64, i32)> = sqlx::query_as(
                    "SELECT product_id, quantity FROM order_items WHERE order_id = $1 ORDER BY product_id",
                )
                .bind(id)
                .fetch_all(&mut *tx)
                .await
                .map_err(db())?;
                for (product, quantity) in &items {
                    *released.entry(*product).or_default() += i64::from(*quantity);
                }
                let payload = OrderCancelled {
                    order_id: id,
                    shopper_id: shopper,
                    from: "created".into(),
                    by: "system".into(),
                    reason: Some("reservation expired".into()),
                    released: items
                        .iter()
                        .map(|&(product_id, quantity)| ReleasedStock {
                            product_id,
                            quantity: i64::from(quantity),
                        })
                        .collect(),
                };
                super::outbox::record(
                    &mut tx,
                    &Event::typed("order.cancelled", format!("order/{id}"), &payload),
                )
                .await?;
            }
            // Put stock back in product order, as checkout takes it, so the two never deadlock.
            let mut relabelled = Vec::new();
            for (product, quantity) in released {
                let stock: i64 = sqlx::query_scalar(
                    "UPDATE products SET stock = stock + $1 WHERE id = $2 RETURNING CAST(stock AS BIGINT)",
                )
                .bind(quantity)
                .bind(product)
                .fetch_one(&mut *tx)
                .await
                .map_err(db())?;
                let before = i32::try_from(stock - quantity).unwrap_or(i32::MAX);
                if crate::store::purges::label_changed(before, i32::try_from(stock).unwrap_or(i32::MAX)) {
                    relabelled.extend(crate::store::purges::product_changed(
                        linkedall_shared::ProductId::new(product),
                    ));
                }
            }
            super::purges::record(&mut tx, &relabelled).await?;
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
