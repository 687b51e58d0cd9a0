//! Pay on delivery, as most of our shoppers prefer to pay: the shopper chooses it instead of a
//! charge, the order is confirmed at once (the vendors may ship; its stock stays taken), and
//! the vendor's rider collects the money at the door. Nothing passes through the shop, so
//! nothing is written in the ledger and nothing is ever refunded for it. A shipped part the
//! shopper refuses at the door is marked so by its vendor: cancelled, its stock back on sale.

use std::collections::BTreeMap;

use linkedall_events_schema::Event;
use linkedall_events_schema::payloads::{OrderCancelled, OrderConfirmed, ReleasedStock};
use linkedall_shared::VendorId;

use super::Store;
use crate::account::CurrentUser;
use crate::cancellation;
use crate::cause::Cause;
use crate::error::{Error, Result};
use crate::on_conn;
use crate::order::{Lifecycle, Order, OrderState, Transition};
use crate::timing::QueryTimer;
use crate::write_tx::WriteTx;

/// What `OrderConfirmed` names as the "payment" of an order paid on delivery.
pub const PAY_ON_DELIVERY: &str = "pay_on_delivery";

/// Order `id`'s shopper, state and whether it is paid on delivery, its row locked.
async fn lock_order(tx: &mut WriteTx, id: i64) -> Result<(i64, OrderState, bool)> {
    let sql = format!(
        "SELECT shopper_id, state, pay_on_delivery FROM orders WHERE id = $1 {}",
        tx.dialect().for_update()
    );
    let row: Option<(i64, String, bool)> = on_conn!(tx, conn => sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(Error::db("reading an order"))?);
    let (shopper, state, on_delivery) = row.ok_or_else(|| Error::NotFound { what: format!("order {id}") })?;
    Ok((shopper, OrderState::from_column(&state)?, on_delivery))
}

/// Confirms `shopper`'s order `id` to be paid on delivery: every part confirmed, any open
/// charge abandoned, `order.confirmed` recorded.
async fn choose(store: &Store, id: i64, shopper: CurrentUser) -> Result<Order> {
    let _t = QueryTimer::start(store.dialect().as_str(), "pay_on_delivery");
    let db = || Error::db("confirming an order paid on delivery");
    let mut tx = WriteTx::begin(store).await?;
    let (owner, state, _) = lock_order(&mut tx, id).await?;
    if owner != shopper.id {
        return Err(Error::NotFound { what: format!("order {id}") });
    }
    state.apply(Transition::Confirm, || format!("order {id}")).map_err(|_| Error::IllegalTransition {
        what: format!("order {id}"),
        action: "pay on delivery for",
        state: state.as_str(),
    })?;
    on_conn!(&mut tx, conn => sqlx::query(
        "UPDATE payments SET state = 'failed' WHERE order_id = $1 AND state = 'initiated'",
    )
    .bind(id)
    .execute(&mut *conn)
    .await
    .map_err(db())?
    .rows_affected());
    on_conn!(&mut tx, conn => sqlx::query(
        "UPDATE orders SET state = 'confirmed', pay_on_delivery = TRUE WHERE id = $1 AND state = 'created'",
    )
    .bind(id)
    .execute(&mut *conn)
    .await
    .map_err(db())?
    .rows_affected());
    on_conn!(&mut tx, conn => sqlx::query(
        "UPDATE order_parts SET state = 'confirmed' WHERE order_id = $1 AND state = 'created'",
    )
    .bind(id)
    .execute(&mut *conn)
    .await
    .map_err(db())?
    .rows_affected());
    let payload = OrderConfirmed { order_id: id, reference: PAY_ON_DELIVERY.into() };
    tx.emit(&Event::about_order(id, &payload)?, &Cause::current()).await?;
    let (_, order) = crate::orders::order(tx.conn(), id)
        .await?
        .ok_or_else(|| Error::NotFound { what: format!("order {id}") })?;
    tx.commit().await?;
    metrics::counter!("orders_pay_on_delivery_total").increment(1);
    Ok(order)
}

/// `vendor`'s shipped part of order `id`, paid on delivery, refused at the door: cancelled,
/// its units back on sale, `order.cancelled` recorded (by "door").
async fn refused(store: &Store, id: i64, vendor: VendorId) -> Result<Order> {
    let _t = QueryTimer::start(store.dialect().as_str(), "refused_at_door");
    let db = || Error::db("recording a delivery refused at the door");
    let what = || format!("your part of order {id}");
    let mut tx = WriteTx::begin(store).await?;
    let (shopper, from, on_delivery) = lock_order(&mut tx, id).await?;
    let part: Option<(i64, String)> = on_conn!(&mut tx, conn => sqlx::query_as(
        "SELECT id, state FROM order_parts WHERE order_id = $1 AND vendor_id = $2",
    )
    .bind(id)
    .bind(vendor.get())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db())?);
    let (part_id, state) = part.ok_or_else(|| Error::NotFound { what: format!("order {id}") })?;
    let state = OrderState::from_column(&state)?;
    if !on_delivery {
        return Err(Error::IllegalTransition {
            what: what(),
            action: Transition::Refuse.verb(),
            state: "paid already (a paid order comes back through a return)",
        });
    }
    let step = state.step(Transition::Refuse, what)?;
    on_conn!(&mut tx, conn => sqlx::query("UPDATE order_parts SET state = $2 WHERE id = $1")
        .bind(part_id)
        .bind(step.next.as_str())
        .execute(&mut *conn)
        .await
        .map_err(db())?
        .rows_affected());
    let items: Vec<(i64, i32)> = on_conn!(&mut tx, conn => sqlx::query_as(
        "SELECT product_id, quantity FROM order_items WHERE part_id = $1",
    )
    .bind(part_id)
    .fetch_all(&mut *conn)
    .await
    .map_err(db())?);
    let released: BTreeMap<i64, i64> = items.into_iter().map(|(p, q)| (p, i64::from(q))).collect();
    cancellation::release_stock(&mut tx, &released).await?;
    let order_state = cancellation::follow_parts(&mut tx, id).await?;
    let payload = OrderCancelled {
        order_id: id,
        shopper_id: shopper,
        from: from.as_str().into(),
        by: "door".into(),
        reason: Some("refused at the door".into()),
        released: released
            .iter()
            .map(|(&product_id, &quantity)| ReleasedStock { product_id, quantity })
            .collect(),
        vendor_ids: vec![vendor.get()],
        order_state: Some(order_state.as_str().into()),
    };
    tx.emit(&Event::about_order(id, &payload)?, &Cause::current()).await?;
    let (_, mut order) = crate::orders::order(tx.conn(), id)
        .await?
        .ok_or_else(|| Error::NotFound { what: format!("order {id}") })?;
    tx.commit().await?;
    metrics::counter!("order_parts_refused_at_door_total").increment(1);
    order.parts.retain(|p| p.vendor_id == vendor);
    Ok(order)
}

impl Store {
    /// `shopper` chooses to pay order `id` on delivery: it is confirmed at once.
    pub async fn pay_on_delivery(&self, id: i64, shopper: CurrentUser) -> Result<Order> {
        choose(self, id, shopper).await
    }

    /// `vendor`'s shipped part of order `id` (paid on delivery) was refused at the door.
    pub async fn refused_at_door(&self, id: i64, vendor: VendorId) -> Result<Order> {
        refused(self, id, vendor).await
    }
}
