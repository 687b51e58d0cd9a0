//! Recommendations: products bought in the same order count as bought together, in both
//! directions; a product page shows those bought with it most often.

use futures_util::future::BoxFuture;
use serde::Serialize;

use crate::consumer::Consumer;
use crate::error::{Error, Result};
use linkedall_events_schema::Envelope;
use linkedall_events_schema::Payload;
use linkedall_events_schema::payloads::OrderCreated;
use linkedall_store::Store;
use linkedall_store::on_conn;
use linkedall_store::write_tx::WriteTx;

pub struct BoughtTogether;

impl Consumer for BoughtTogether {
    fn name(&self) -> &'static str {
        "recommendations"
    }

    fn wants(&self, kind: &str) -> bool {
        kind == OrderCreated::KIND
    }

    fn apply<'a>(&'a self, tx: &'a mut WriteTx, event: &'a Envelope) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let order: OrderCreated = event.data_as()?;
            let mut products: Vec<i64> =
                order.parts.iter().flat_map(|p| p.items.iter().map(|i| i.product_id)).collect();
            products.sort_unstable();
            products.dedup();
            for &a in &products {
                for &b in products.iter().filter(|&&b| b != a) {
                    on_conn!(&mut *tx, conn => sqlx::query(
                        "INSERT INTO co_purchases (product_id, with_id, times) VALUES ($1, $2, 1) \
                         ON CONFLICT (product_id, with_id) DO UPDATE SET times = co_purchases.times + 1",
                    )
                    .bind(a)
                    .bind(b)
                    .execute(&mut *conn)
                    .await
                    .map_err(Error::db("counting products bought together"))?.rows_affected());
                }
            }
            Ok(())
        })
    }
}

/// A product bought together with another, and how many orders had both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct BoughtWith {
    pub product_id: i64,
    pub name: String,
    pub times: i64,
}

/// The products most often bought with `product`, most often first.
pub async fn bought_with(store: &Store, product: i64, limit: i64) -> Result<Vec<BoughtWith>> {
    let sql = "SELECT c.with_id AS product_id, p.name, CAST(c.times AS BIGINT) AS times FROM co_purchases c \
               JOIN products p ON p.id = c.with_id WHERE c.product_id = $1 ORDER BY c.times DESC, c.with_id LIMIT $2";
    let db = Error::db("reading products bought together");
    match store {
        Store::Postgres(pool) => {
            sqlx::query_as(sql).bind(product).bind(limit).fetch_all(pool).await.map_err(db)
        }
        Store::Sqlite(pool) => {
            sqlx::query_as(sql).bind(product).bind(limit).fetch_all(pool).await.map_err(db)
        }
    }
}
