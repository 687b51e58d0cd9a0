//! Inventory: keeps each product's stock level (`ok`, `low`, `out`) in `stock_levels` from
//! the events that move stock, and announces a product falling to the low-stock threshold
//! with `product.low_stock`, once per crossing.
//!
//! Reaching zero is announced by the store itself: checkout and the vendor's stock update
//! write `product.out_of_stock` in the transaction that took the last unit, so it is exactly
//! once by construction; this consumer records it (level `out`) and does not repeat it.
//! Stock released by a cancellation (put back by the cancel's own transaction) moves the level
//! back up, so a later sell-down is announced again.

use futures_util::future::BoxFuture;

use crate::consumer::Consumer;
use crate::error::Result;
use linkedall_events_schema::Envelope;
use linkedall_events_schema::Event;
use linkedall_events_schema::Payload;
use linkedall_events_schema::payloads::{
    LowStock, OrderCancelled, OrderCreated, OutOfStock, ProductCreated, ProductUpdated, StockAlert,
};
use linkedall_store::stock_levels::{ProductStock, StockLevel};
use linkedall_store::write_tx::WriteTx;

/// At or below this many units a product is low on stock.
pub const LOW_STOCK: i64 = 5;

pub struct Inventory;

/// The level of a product with `stock` units left.
fn level_of(stock: i64) -> StockLevel {
    match stock {
        ..=0 => StockLevel::Out,
        s if s <= LOW_STOCK => StockLevel::Low,
        _ => StockLevel::Ok,
    }
}

/// The products whose stock `event` moved.
fn products_of(event: &Envelope) -> Result<Vec<i64>> {
    Ok(if let Some(order) = event.payload::<OrderCreated>() {
        order?.parts.iter().flat_map(|p| p.items.iter().map(|i| i.product_id)).collect()
    } else if let Some(cancelled) = event.payload::<OrderCancelled>() {
        cancelled?.released.iter().map(|r| r.product_id).collect()
    } else {
        event.data.get("product_id").and_then(serde_json::Value::as_i64).into_iter().collect()
    })
}

impl Consumer for Inventory {
    fn name(&self) -> &'static str {
        "inventory"
    }

    fn wants(&self, kind: &str) -> bool {
        [
            OrderCreated::KIND,
            OrderCancelled::KIND,
            ProductCreated::KIND,
            ProductUpdated::KIND,
            OutOfStock::KIND,
        ]
        .contains(&kind)
    }

    fn apply<'a>(&'a self, tx: &'a mut WriteTx, event: &'a Envelope) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let mut products = products_of(event)?;
            products.sort_unstable();
            products.dedup();
            for product in products {
                let Some(ProductStock { stock, vendor_id }) = tx.product_stock(product).await? else {
                    continue;
                };
                let before = tx.stock_level(product).await?;
                let level = level_of(stock);
                tx.set_stock_level(product, level, stock).await?;
                if level == StockLevel::Low && before != Some(StockLevel::Low) {
                    let alert = LowStock(StockAlert { product_id: product, vendor_id, stock: Some(stock) });
                    let cause = crate::consumer::follow_on_cause(event);
                    tx.emit(&Event::about_product(product, &alert)?, &cause).await?;
                    metrics::counter!("inventory_alerts_total", "level" => "low").increment(1);
                    tracing::info!(product, stock, "product is low on stock");
                }
                if level == StockLevel::Out && before != Some(StockLevel::Out) {
                    metrics::counter!("inventory_alerts_total", "level" => "out").increment(1);
                    tracing::info!(product, "product is out of stock");
                }
            }
            Ok(())
        })
    }
}
