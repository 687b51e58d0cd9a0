//! Carts: one per user, its lines priced from the products table on every read.

use linkedall_shared::ProductId;

use super::Store;
use crate::cart::{Cart, Line};
use crate::error::Result;

macro_rules! cart_queries {
    ($pool:ty, $conn:ty, $backend:literal) => {
        use linkedall_shared::{Money, ProductId};

        use crate::cart::{Cart, CartLine, Line};
        use crate::error::{Error, Result};
        use crate::rows::amount;
        use crate::timing::QueryTimer;

        pub async fn cart(pool: &$pool, user: i64) -> Result<Cart> {
            let _t = QueryTimer::start($backend, "cart");
            let rows: Vec<(i64, String, i32, String, i64, i32)> = sqlx::query_as(
                "SELECT i.product_id, p.name, i.quantity, p.currency, p.price_minor, p.stock \
                 FROM cart_items i JOIN products p ON p.id = i.product_id \
                 WHERE i.user_id = $1 ORDER BY i.product_id",
            )
            .bind(user)
            .fetch_all(pool)
            .await
            .map_err(Error::db("reading a cart"))?;
            let mut items = Vec::with_capacity(rows.len());
            let mut totals: Vec<Money> = Vec::new();
            for (product_id, name, quantity, currency, price_minor, stock) in rows {
                let unit_price = amount(&currency, price_minor)?;
                let quantity = u32::try_from(quantity).unwrap_or(0);
                let line_total = unit_price.times(quantity)?;
                match totals.iter_mut().find(|t| t.currency == line_total.currency) {
                    Some(total) => *total = total.plus(line_total)?,
                    None => totals.push(line_total),
                }
                items.push(CartLine {
                    product_id: ProductId::new(product_id),
                    name,
                    quantity,
                    unit_price,
                    line_total,
                    in_stock: u32::try_from(stock).unwrap_or(0),
                });
            }
            Ok(Cart { items, totals })
        }

        pub async fn add(pool: &$pool, user: i64, line: Line) -> Result<()> {
            let _t = QueryTimer::start($backend, "add_to_cart");
            let db = || Error::db("adding to a cart");
            let mut tx = super::begin_write(pool).await?;
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM products WHERE id = $1")
                .bind(line.product.get())
                .fetch_optional(&mut *tx)
                .await
                .map_err(db())?;
            if exists.is_none() {
                return Err(Error::NotFound { what: format!("product {}", line.product) });
            }
            let others: i64 =
                sqlx::query_scalar("SELECT count(*) FROM cart_items WHERE user_id = $1 AND product_id <> $2")
                    .bind(user)
                    .bind(line.product.get())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db())?;
            if others >= crate::cart::MAX_LINES as i64 {
                return Err(Error::Unprocessable(format!(
                    "the cart holds {others} different products, the most it may; buy or remove some first"
                )));
            }
            sqlx::query(&format!(
                "INSERT INTO carts (user_id) VALUES ($1) ON CONFLICT (user_id) DO UPDATE SET updated_at = {}",
                super::NOW
            ))
            .bind(user)
            .execute(&mut *tx)
            .await
            .map_err(db())?;
            sqlx::query(
                "INSERT INTO cart_items (user_id, product_id, quantity) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = CASE \
                     WHEN cart_items.quantity + excluded.quantity > $4 THEN $4 \
                     ELSE cart_items.quantity + excluded.quantity END",
            )
            .bind(user)
            .bind(line.product.get())
            .bind(line.quantity as i32)
            .bind(crate::cart::MAX_QUANTITY as i32)
            .execute(&mut *tx)
            .await
            .map_err(db())?;
            tx.commit().await.map_err(db())
        }

        /// Removes one product's line, or every line when `product` is `None`.
        pub async fn remove(pool: &$pool, user: i64, product: Option<ProductId>) -> Result<()> {
            let _t = QueryTimer::start($backend, "remove_from_cart");
            sqlx::query(
                "DELETE FROM cart_items WHERE user_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR product_id = $2)",
            )
            .bind(user)
            .bind(product.map(ProductId::get))
            .execute(pool)
            .await
            .map_err(Error::db("removing from a cart"))?;
            Ok(())
        }
    };
}

pub(crate) use cart_queries;

impl Store {
    pub async fn cart(&self, user: i64) -> Result<Cart> {
        on_backend!(self, carts::cart(user))
    }

    /// Adds `line`'s units to the cart (capped at the per-line maximum).
    pub async fn add_to_cart(&self, user: i64, line: Line) -> Result<()> {
        on_backend!(self, carts::add(user, line))
    }

    pub async fn remove_from_cart(&self, user: i64, product: Option<ProductId>) -> Result<()> {
        on_backend!(self, carts::remove(user, product))
    }
}
