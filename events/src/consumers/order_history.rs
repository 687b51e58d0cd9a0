//! Order history read model: each order's current state and total, from its events alone.
//! A state change applies only when its event is newer (`sequence`) than the last one
//! applied, so deliveries out of order leave the newest state.

use futures_util::future::BoxFuture;

use crate::consumer::Consumer;
use crate::error::{Error, Result};
use linkedall_events_schema::Envelope;
use linkedall_events_schema::payloads::{
    OrderCancelled, OrderConfirmed, OrderCreated, OrderDelivered, OrderShipped, PartMoved,
};
use linkedall_store::on_conn;
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
            let db = || Error::db("projecting the order history");
            let seq = event.sequence();
            if event.is::<OrderCreated>() {
                let order: OrderCreated = event.data_as()?;
                on_conn!(tx, conn => sqlx::query(
                    "INSERT INTO order_history (order_id, shopper_id, state, currency, total_minor, last_seq) \
                     VALUES ($1, $2, 'created', $3, $4, $5) ON CONFLICT (order_id) DO NOTHING",
                )
                .bind(order.id)
                .bind(order.shopper_id)
                .bind(&order.total.currency)
                .bind(order.total.minor)
                .bind(seq)
                .execute(&mut *conn)
                .await
                .map_err(db())?.rows_affected());
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
            on_conn!(tx, conn => sqlx::query(
                "UPDATE order_history SET state = $2, last_seq = $3 WHERE order_id = $1 AND last_seq < $3",
            )
            .bind(order)
            .bind(state)
            .bind(seq)
            .execute(&mut *conn)
            .await
            .map_err(db())?.rows_affected());
            Ok(())
        })
    }
}
