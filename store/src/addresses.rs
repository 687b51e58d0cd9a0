//! A shopper's addresses: where their orders were delivered, offered again at checkout (most
//! recently used first). Kept with the orders (`order_deliveries`), so an address is saved by
//! ordering to it and never drifts from what a vendor shipped to.

use linkedall_shared::Address;

use super::Store;
use crate::conn::on_pool;
use crate::error::{Error, Result};
use crate::rows::AddressRow;
use crate::timing::QueryTimer;

/// The most addresses checkout offers.
pub const MAX_ADDRESSES: i64 = 5;

impl Store {
    /// The distinct addresses `shopper` had orders delivered to, the most recently used first,
    /// at most [`MAX_ADDRESSES`].
    pub async fn recent_addresses(&self, shopper: i64) -> Result<Vec<Address>> {
        let _t = QueryTimer::start(self.dialect().as_str(), "recent_addresses");
        let rows: Vec<AddressRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT d.name, d.phone, d.country, d.city, d.area, d.directions \
             FROM order_deliveries d JOIN orders o ON o.id = d.order_id WHERE o.shopper_id = $1 \
             GROUP BY d.name, d.phone, d.country, d.city, d.area, d.directions \
             ORDER BY MAX(o.created_at) DESC LIMIT $2",
        )
        .bind(shopper)
        .bind(MAX_ADDRESSES)
        .fetch_all(pool)
        .await
        .map_err(Error::db("reading a shopper's addresses"))?);
        Ok(rows.into_iter().map(Address::from).collect())
    }
}
