//! Products bought together, as the recommendations consumer counts them
//! (`linkedall-events`' `consumers/recommendations.rs`): in `co_purchases`, per pair of
//! products in both directions, how many orders had both.

use serde::Serialize;

use super::Store;
use crate::error::{Error, Result};
use crate::timing::QueryTimer;
use crate::write_tx::WriteTx;
use crate::{on_conn, on_pool};

/// A product bought together with another, and how many orders had both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct BoughtWith {
    pub product_id: i64,
    pub name: String,
    pub times: i64,
}

impl WriteTx {
    /// Counts one more order in which `product` was bought with `with`.
    pub async fn count_bought_together(&mut self, product: i64, with: i64) -> Result<()> {
        on_conn!(self, conn => sqlx::query(
            "INSERT INTO co_purchases (product_id, with_id, times) VALUES ($1, $2, 1) \
             ON CONFLICT (product_id, with_id) DO UPDATE SET times = co_purchases.times + 1",
        )
        .bind(product)
        .bind(with)
        .execute(&mut *conn)
        .await
        .map_err(Error::db("counting products bought together"))?
        .rows_affected());
        Ok(())
    }
}

impl Store {
    /// The products most often bought with `product`, most often first (none of a suspended
    /// shop's).
    pub async fn bought_with(&self, product: i64, limit: i64) -> Result<Vec<BoughtWith>> {
        let _t = QueryTimer::start(self.dialect().as_str(), "bought_with");
        on_pool!(self, pool => sqlx::query_as(
            "SELECT c.with_id AS product_id, p.name, CAST(c.times AS BIGINT) AS times FROM co_purchases c \
             JOIN products p ON p.id = c.with_id JOIN vendors v ON v.id = p.vendor_id \
             WHERE c.product_id = $1 AND v.suspended_at IS NULL ORDER BY c.times DESC, c.with_id LIMIT $2",
        )
        .bind(product)
        .bind(limit)
        .fetch_all(pool)
        .await
        .map_err(Error::db("reading products bought together")))
    }
}
