//! Order history read model: each order's current state and total, from its events alone.
//! A state change applies only when its event is newer (`sequence`) than the last one
//! applied, so deliveries out of order leave the newest state.

use futures_util::future::BoxFuture;

use crate::consumer::Consumer;
use crate::error::Result;
use linkedall_events_schema::Envelope;
use linkedall_events_schema::payloads::{
    OrderCancelled, OrderConfirmed, OrderCreated, OrderDelivered, OrderShipped, PartMoved,
};
use linkedall_store::write_tx::WriteTx;

pub struct OrderHistory;

impl Consumer for OrderHistory {
    fn name(&self) -> &'static str {
        "order-history"
    }

    fn wants(&self, kind: &str) -> bool {
        kind.starts_with("order.")
    }

    fn apply<'a>(&'a self, tx: &'a mut WriteTx, event: &'a Envelope) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let seq = event.sequence();
            if event.is::<OrderCreated>() {
                let order: OrderCreated = event.data_as()?;
                tx.open_order_history(
                    order.id,
                    order.shopper_id,
                    &order.total.currency,
                    order.total.minor,
                    seq,
                )
                .await?;
                return Ok(());
            }
            let (order, state) = if let Some(confirmed) = event.payload::<OrderConfirmed>() {
                (confirmed?.order_id, "confirmed")
            } else if let Some(cancelled) = event.payload::<OrderCancelled>() {
                let cancelled = cancelled?;
                let state = match cancelled.order_state.as_deref() {
                    Some("shipped") => "shipped",
                    Some("delivered") => "delivered",
                    Some("confirmed") => "confirmed",
                    _ => "cancelled",
                };
                (cancelled.order_id, state)
            } else if event.is::<OrderShipped>() || event.is::<OrderDelivered>() {
                let moved: PartMoved = event.data_as()?;
                if !moved.whole_order {
                    return Ok(());
                }
                (moved.order_id, if event.is::<OrderShipped>() { "shipped" } else { "delivered" })
            } else {
                return Ok(());
            };
            tx.move_order_history(order, state, seq).await?;
            Ok(())
        })
    }
}
