//! Unpaid reservations expire: orders still `created` past their `expires_at` are cancelled,
//! their stock put back and `order.cancelled` written, all in one transaction per batch, by
//! the same cancellation a shopper's cancel goes through (`cancellation.rs`).
//!
//! On PostgreSQL the batch is picked `FOR UPDATE SKIP LOCKED`, so several origins sweep at
//! once without waiting on each other or cancelling an order twice, and an order a payment
//! webhook is confirming right now (its row locked) is left for the next sweep, which will
//! find it confirmed. On SQLite `BEGIN IMMEDIATE` already makes the sweep the only writer.

use std::collections::BTreeMap;

use super::Store;
use crate::cancellation;
use crate::error::{Error, Result};
use crate::on_conn;
use crate::timing::QueryTimer;
use crate::write_tx::WriteTx;

/// Cancels up to `limit` expired unpaid orders; returns their ids.
async fn expire(store: &Store, limit: i64) -> Result<Vec<i64>> {
    let dialect = store.dialect();
    let _t = QueryTimer::start(dialect.as_str(), "expire_reservations");
    let mut tx = WriteTx::begin(store).await?;
    let pick_expired = format!(
        "SELECT id, shopper_id FROM orders WHERE state = 'created' AND expires_at < {} \
         ORDER BY expires_at LIMIT $1 {}",
        dialect.now(),
        dialect.skip_locked()
    );
    let expired: Vec<(i64, i64)> = on_conn!(&mut tx, conn => sqlx::query_as(&pick_expired)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await
        .map_err(Error::db("expiring unpaid orders"))?);
    if expired.is_empty() {
        // Ended here rather than on drop, so no connection idles in a transaction.
        tx.rollback().await?;
        return Ok(Vec::new());
    }
    let mut released: BTreeMap<i64, i64> = BTreeMap::new();
    for &(id, _) in &expired {
        let cancelled =
            cancellation::cancel_order_parts(&mut tx, id, "system", Some("reservation expired")).await?;
        for (product, quantity) in cancelled.released {
            *released.entry(product).or_default() += quantity;
        }
    }
    // Stock goes back once for the batch, in product order, as checkout takes it.
    cancellation::release_stock(&mut tx, &released).await?;
    tx.commit().await?;
    Ok(expired.into_iter().map(|(id, _)| id).collect())
}

impl Store {
    /// Cancels up to `limit` unpaid orders whose reservation has expired, releasing their
    /// stock; returns the ids of the orders cancelled.
    pub async fn expire_reservations(&self, limit: i64) -> Result<Vec<i64>> {
        let expired = expire(self, limit).await?;
        metrics::counter!("reservations_expired_total").increment(expired.len() as u64);
        Ok(expired)
    }
}
