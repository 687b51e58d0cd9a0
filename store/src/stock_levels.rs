//! Stock levels, as the inventory consumer keeps them (`linkedall-events`'
//! `consumers/inventory.rs`): each product's level (`ok`, `low`, `out`) in `stock_levels`, so a
//! crossing into low stock is announced once.

use crate::error::{Error, Result};
use crate::on_conn;
use crate::write_tx::WriteTx;

/// How much of a product is left, as pages and alerts tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockLevel {
    Ok,
    Low,
    Out,
}

impl StockLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            StockLevel::Ok => "ok",
            StockLevel::Low => "low",
            StockLevel::Out => "out",
        }
    }

    /// The level a `stock_levels` row holds (anything else reads as `ok`).
    pub fn parse(s: &str) -> StockLevel {
        match s {
            "low" => StockLevel::Low,
            "out" => StockLevel::Out,
            _ => StockLevel::Ok,
        }
    }
}

/// A product's stock now, and its vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct ProductStock {
    pub stock: i64,
    pub vendor_id: i64,
}

impl WriteTx {
    /// The stock of `product` now, and its vendor; `None` when there is no such product.
    pub async fn product_stock(&mut self, product: i64) -> Result<Option<ProductStock>> {
        on_conn!(self, conn => sqlx::query_as(
            "SELECT CAST(stock AS BIGINT) AS stock, vendor_id FROM products WHERE id = $1",
        )
        .bind(product)
        .fetch_optional(&mut *conn)
        .await
        .map_err(Error::db("tracking stock levels")))
    }

    /// The level last recorded for `product`, if any.
    pub async fn stock_level(&mut self, product: i64) -> Result<Option<StockLevel>> {
        let level: Option<String> = on_conn!(self, conn => sqlx::query_scalar(
            "SELECT level FROM stock_levels WHERE product_id = $1",
        )
        .bind(product)
        .fetch_optional(&mut *conn)
        .await
        .map_err(Error::db("tracking stock levels"))?);
        Ok(level.as_deref().map(StockLevel::parse))
    }

    /// Records `product`'s level and stock.
    pub async fn set_stock_level(&mut self, product: i64, level: StockLevel, stock: i64) -> Result<()> {
        on_conn!(self, conn => sqlx::query(
            "INSERT INTO stock_levels (product_id, level, stock) VALUES ($1, $2, $3) \
             ON CONFLICT (product_id) DO UPDATE SET level = excluded.level, stock = excluded.stock",
        )
        .bind(product)
        .bind(level.as_str())
        .bind(stock)
        .execute(&mut *conn)
        .await
        .map_err(Error::db("tracking stock levels"))?
        .rows_affected());
        Ok(())
    }
}
