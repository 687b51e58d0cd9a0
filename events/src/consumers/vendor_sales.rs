//! Vendor sales read model: per vendor and currency, the orders placed with them and their
//! gross (their parts' subtotals at order time), from `order.created` events alone.

use futures_util::future::BoxFuture;

use crate::consumer::Consumer;
use crate::error::Result;
use linkedall_events_schema::Envelope;
use linkedall_events_schema::Payload;
use linkedall_events_schema::payloads::OrderCreated;
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
                // What the vendor is paid, in their currency (events written before orders were
                // converted carry only the subtotal, which was that).
                let gross = part.vendor_subtotal.as_ref().unwrap_or(&part.subtotal);
                tx.count_vendor_sale(part.vendor_id, &gross.currency, gross.minor).await?;
            }
            Ok(())
        })
    }
}
