//! Recommendations: products bought in the same order count as bought together, in both
//! directions; a product page shows those bought with it most often (the store's
//! `Store::bought_with`).

use futures_util::future::BoxFuture;

use crate::consumer::Consumer;
use crate::error::Result;
use linkedall_events_schema::Envelope;
use linkedall_events_schema::Payload;
use linkedall_events_schema::payloads::OrderCreated;
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
                    tx.count_bought_together(a, b).await?;
                }
            }
            Ok(())
        })
    }
}
