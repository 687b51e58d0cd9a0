//! Which products a set of orders holds: what the reservation sweeper tells the catalog cache
//! after it released their stock. Order items never change once written, so reading them after
//! the sweep's commit gives the same answer as inside it.

use linkedall_shared::ProductId;

use super::Store;
use super::timing::QueryTimer;
use crate::error::{Error, Result};

impl Store {
    /// The distinct products in orders `ids`, in id order.
    pub async fn products_of_orders(&self, ids: &[i64]) -> Result<Vec<ProductId>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT DISTINCT product_id FROM order_items WHERE order_id IN ({}) ORDER BY product_id",
            placeholders.join(", ")
        );
        let db = || Error::db("listing the products of orders");
        let products: Vec<i64> = match self {
            Store::Postgres(pool) => {
                let _t = QueryTimer::start("postgres", "products_of_orders");
                let mut query = sqlx::query_scalar(&sql);
                for id in ids {
                    query = query.bind(id);
                }
                query.fetch_all(pool).await.map_err(db())?
            }
            Store::Sqlite(pool) => {
                let _t = QueryTimer::start("sqlite", "products_of_orders");
                let mut query = sqlx::query_scalar(&sql);
                for id in ids {
                    query = query.bind(id);
                }
                query.fetch_all(pool).await.map_err(db())?
            }
        };
        Ok(products.into_iter().map(ProductId::new).collect())
    }
}
