//! Cancelling an order's parts, the one way both a shopper's (or admin's) cancel and the
//! reservation sweeper do it, inside the caller's transaction:
//!
//! 1. lock the order row (PostgreSQL; SQLite has one writer), so a payment confirming it or
//!    a vendor shipping a part takes its turn before or after, never halfway;
//! 2. cancel each part the state machine lets be cancelled ([`crate::order::cancel_parts`]),
//!    as a compare-and-set on the state it read;
//! 3. write what that does to money: for a paid part, the vendor's owed amount reversed and
//!    exactly that part's subtotal due back to the shopper, as one refund of the charge that
//!    paid the order;
//! 4. write `order.cancelled` with the units released.
//!
//! The units go back on sale afterwards, through `release_stock`, once per transaction in
//! product order (as checkout takes them), so a sweep of many orders and a checkout never
//! deadlock.

use std::collections::BTreeMap;

use linkedall_events_schema::Event;
use linkedall_events_schema::payloads::{OrderCancelled, ReleasedStock};
use linkedall_shared::{Money, ProductId, VendorId};

use crate::cause::Cause;
use crate::error::{Error, Result};
use crate::ledger::{self, Entry, Movement};
use crate::on_conn;
use crate::order::{Lifecycle, MoneyEffect, OrderState, StockEffect, cancel_parts};
use crate::rows::amount;
use crate::timing::QueryTimer;
use crate::write_tx::WriteTx;
use crate::{purges, refunds};

/// What cancelling one order's parts did.
#[derive(Debug, Clone)]
pub struct PartsCancelled {
    pub order_id: i64,
    /// Units to put back on sale: product → quantity.
    pub released: BTreeMap<i64, i64>,
    /// The refund now due to the shopper, if a paid part was cancelled.
    pub refund_id: Option<i64>,
}

/// Cancels every part of order `id` that can be cancelled, `by` whom ("shopper", "admin",
/// "system") and why; a 409 when none can (every live part shipped).
pub(crate) async fn cancel_order_parts(
    tx: &mut WriteTx,
    id: i64,
    by: &str,
    reason: Option<&str>,
) -> Result<PartsCancelled> {
    let dialect = tx.dialect();
    let _t = QueryTimer::start(dialect.as_str(), "cancel_order_parts");
    let db = || Error::db("cancelling an order");
    let lock_order = format!(
        "SELECT shopper_id, currency, paid_by, pay_on_delivery FROM orders WHERE id = $1 {}",
        dialect.for_update()
    );
    let order: Option<(i64, String, Option<String>, bool)> = on_conn!(&mut *tx, conn => sqlx::query_as(&lock_order)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db())?);
    let (shopper, currency, paid_by, on_delivery) =
        order.ok_or_else(|| Error::NotFound { what: format!("order {id}") })?;
    let parts: Vec<(i64, i64, String, i64)> = on_conn!(&mut *tx, conn => sqlx::query_as(
        "SELECT id, vendor_id, state, subtotal_minor FROM order_parts WHERE order_id = $1 ORDER BY vendor_id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await
    .map_err(db())?);
    let states = parts.iter().map(|p| OrderState::from_column(&p.2)).collect::<Result<Vec<OrderState>>>()?;
    let from = OrderState::of_parts(states.iter().copied());
    let steps = cancel_parts(id, &states)?;

    let mut after = states.clone();

    let mut released: BTreeMap<i64, i64> = BTreeMap::new();
    let mut vendor_ids = Vec::new();
    let mut refund: Money = amount(&currency, 0)?;
    for (n, ((part_id, vendor_id, _, subtotal), step)) in parts.iter().zip(&steps).enumerate() {
        let Some(step) = step else { continue };
        let changed = on_conn!(&mut *tx, conn => sqlx::query(
            "UPDATE order_parts SET state = $2 WHERE id = $1 AND state = $3",
        )
        .bind(part_id)
        .bind(step.next.as_str())
        .bind(states[n].as_str())
        .execute(&mut *conn)
        .await
        .map_err(db())?
        .rows_affected());
        if changed == 0 {
            return Err(Error::IllegalTransition {
                what: format!("order {id}"),
                action: "cancel",
                state: "changing",
            });
        }
        after[n] = step.next;
        vendor_ids.push(*vendor_id);
        if step.stock == StockEffect::Release {
            let items: Vec<(i64, i32)> = on_conn!(&mut *tx, conn => sqlx::query_as(
                "SELECT product_id, quantity FROM order_items WHERE part_id = $1",
            )
            .bind(part_id)
            .fetch_all(&mut *conn)
            .await
            .map_err(db())?);
            for (product, quantity) in items {
                *released.entry(product).or_default() += i64::from(quantity);
            }
        }
        // An order paid on delivery was never paid to the shop: nothing to give back.
        if step.money == MoneyEffect::RefundShopper && !on_delivery {
            let subtotal = amount(&currency, *subtotal)?;
            let entry = Entry::new(id, Movement::VendorOwedReversed, subtotal)
                .part(*part_id, VendorId::new(*vendor_id));
            ledger::record(tx, &entry).await?;
            refund = refund.plus(subtotal)?;
        }
    }
    let order_state = OrderState::of_parts(after.iter().copied());
    set_order_state(tx, id, order_state).await?;

    let refund_id = if refund.minor > 0 {
        let reference = match paid_by {
            Some(reference) => reference,
            None => {
                let paid: Option<String> = on_conn!(&mut *tx, conn => sqlx::query_scalar(
                    "SELECT reference FROM payments WHERE order_id = $1 AND state = 'completed' ORDER BY id LIMIT 1",
                )
                .bind(id)
                .fetch_optional(&mut *conn)
                .await
                .map_err(db())?);
                paid.ok_or_else(|| {
                    Error::Corrupt(format!("order {id} has paid parts but no completed payment"))
                })?
            }
        };
        let reason = if order_state == OrderState::Cancelled { "order cancelled" } else { "parts cancelled" };
        Some(refunds::record_due(tx, id, &reference, refund, reason).await?)
    } else {
        None
    };

    let payload = OrderCancelled {
        order_id: id,
        shopper_id: shopper,
        from: from.as_str().into(),
        by: by.into(),
        reason: reason.map(str::to_owned),
        released: released
            .iter()
            .map(|(&product_id, &quantity)| ReleasedStock { product_id, quantity })
            .collect(),
        vendor_ids,
        order_state: Some(order_state.as_str().into()),
    };
    tx.emit(&Event::about_order(id, &payload)?, &Cause::current()).await?;
    metrics::counter!("order_parts_cancelled_total", "by" => by.to_owned())
        .increment(payload.vendor_ids.len() as u64);
    Ok(PartsCancelled { order_id: id, released, refund_id })
}

/// Writes order `id`'s state (what its parts' states say, [`OrderState::of_parts`]).
pub(crate) async fn set_order_state(tx: &mut WriteTx, id: i64, state: OrderState) -> Result<()> {
    on_conn!(&mut *tx, conn => sqlx::query("UPDATE orders SET state = $2 WHERE id = $1")
        .bind(id)
        .bind(state.as_str())
        .execute(&mut *conn)
        .await
        .map_err(Error::db("updating an order's state"))?
        .rows_affected());
    Ok(())
}

/// Sets order `id`'s state to what its parts' states, as read in `tx` after one moved, say;
/// that state.
pub(crate) async fn follow_parts(tx: &mut WriteTx, id: i64) -> Result<OrderState> {
    let states: Vec<String> = on_conn!(&mut *tx, conn => sqlx::query_scalar("SELECT state FROM order_parts WHERE order_id = $1")
        .bind(id)
        .fetch_all(&mut *conn)
        .await
        .map_err(Error::db("updating an order's state"))?);
    let state =
        OrderState::of_parts(states.iter().map(|s| OrderState::from_column(s)).collect::<Result<Vec<_>>>()?);
    set_order_state(tx, id, state).await?;
    Ok(state)
}

/// Puts `released` units (product → quantity) back on sale, in product order, and journals a
/// purge for each product whose stock label changed.
pub(crate) async fn release_stock(tx: &mut WriteTx, released: &BTreeMap<i64, i64>) -> Result<()> {
    let _t = QueryTimer::start(tx.dialect().as_str(), "release_stock");
    let mut relabelled = Vec::new();
    for (&product, &quantity) in released {
        let stock: i64 = on_conn!(&mut *tx, conn => sqlx::query_scalar(
            "UPDATE products SET stock = stock + $1 WHERE id = $2 RETURNING CAST(stock AS BIGINT)",
        )
        .bind(quantity)
        .bind(product)
        .fetch_one(&mut *conn)
        .await
        .map_err(Error::db("releasing stock"))?);
        let before = i32::try_from(stock - quantity).unwrap_or(i32::MAX);
        if purges::label_changed(before, i32::try_from(stock).unwrap_or(i32::MAX)) {
            relabelled.extend(purges::product_changed(ProductId::new(product)));
        }
    }
    tx.record_purges(&relabelled).await
}
