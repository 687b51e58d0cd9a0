//! Vendor sales read model: per vendor and currency, the orders placed with them and their
//! gross (their parts' subtotals at order time), from `order.created` events alone.

use futures_util::future::BoxFuture;

use crate::consumer::Consumer;
use crate::error::{Error, Result};
use linkedall_events_schema::Envelope;
use linkedall_events_schema::Payload;
use linkedall_events_schema::payloads::OrderCreated;
use linkedall_store::on_conn;
use linkedall_store::write_tx::WriteTx;

pub struct VendorSales;

impl Consumer for VendorSales {
    fn name(&self) -> &'static str {
        "vendor-sales"
    }

    fn wants(&self, kind: &str) -> bool {
        kind == OrderCreated::KIND
    }

    fn apply<'a>(&'a self, tx: &'a mut WriteTx, event: &'a Envelope) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let order: OrderCreated = event.data_as()?;
            for part in &order.parts {
                on_conn!(&mut *tx, conn => sqlx::query(
                    "INSERT INTO vendor_sales (vendor_id, currency, orders, gross_minor) VALUES ($1, $2, 1, $3) \
                     ON CONFLICT (vendor_id, currency) DO UPDATE SET orders = vendor_sales.orders + 1, \
                     gross_minor = vendor_sales.gross_minor + excluded.gross_minor",
                )
                .bind(part.vendor_id)
                .bind(&part.subtotal.currency)
                .bind(part.subtotal.minor)
                .execute(&mut *conn)
                .await
                .map_err(Error::db("projecting vendor sales"))?.rows_affected());
            }
            Ok(())
        })
    }
}
