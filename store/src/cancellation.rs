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

/// What cancelling one order's parts did.
#[derive(Debug, Clone)]
pub struct PartsCancelled {
    pub order_id: i64,
    /// Units to put back on sale: product → quantity.
    pub released: BTreeMap<i64, i64>,
    /// The refund now due to the shopper, if a paid part was cancelled.
    pub refund_id: Option<i64>,
}

macro_rules! cancellation_queries {
    ($pool:ty, $conn:ty, $backend:literal) => {
        use std::collections::BTreeMap;

        use linkedall_shared::{Money, ProductId, VendorId};

        use crate::error::{Error, Result};
        use linkedall_events_schema::Event;
        use linkedall_events_schema::payloads::{OrderCancelled, ReleasedStock};
        use crate::order::{Lifecycle, MoneyEffect, OrderState, StockEffect, cancel_parts};
        use crate::cancellation::PartsCancelled;
        use crate::ledger::{Entry, Movement};
        use crate::rows::amount;
        use crate::timing::QueryTimer;

        /// Cancels every part of order `id` that can be cancelled, `by` whom ("shopper",
        /// "admin", "system") and why; a 409 when none can (every live part shipped).
        pub async fn cancel_order_parts(
            conn: &mut $conn,
            id: i64,
            by: &str,
            reason: Option<&str>,
        ) -> Result<PartsCancelled> {
            let _t = QueryTimer::start($backend, "cancel_order_parts");
            let db = || Error::db("cancelling an order");
            let (shopper, currency, paid_by): (i64, String, Option<String>) = sqlx::query_as(&format!(
                "SELECT shopper_id, currency, paid_by FROM orders WHERE id = $1 {}",
                super::FOR_UPDATE
            ))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db())?
            .ok_or_else(|| Error::NotFound { what: format!("order {id}") })?;
            let parts: Vec<(i64, i64, String, i64)> = sqlx::query_as(
                "SELECT id, vendor_id, state, subtotal_minor FROM order_parts WHERE order_id = $1 ORDER BY vendor_id",
            )
            .bind(id)
            .fetch_all(&mut *conn)
            .await
            .map_err(db())?;
            let states =
                parts.iter().map(|p| OrderState::from_column(&p.2)).collect::<Result<Vec<OrderState>>>()?;
            let from = OrderState::of_parts(states.iter().copied());
            let steps = cancel_parts(id, &states)?;

            let mut after = states.clone();
            let mut released: BTreeMap<i64, i64> = BTreeMap::new();
            let mut vendor_ids = Vec::new();
            let mut refund: Money = amount(&currency, 0)?;
            for (n, ((part_id, vendor_id, _, subtotal), step)) in parts.iter().zip(&steps).enumerate() {
                let Some(step) = step else { continue };
                let changed = sqlx::query("UPDATE order_parts SET state = $2 WHERE id = $1 AND state = $3")
                    .bind(part_id)
                    .bind(step.next.as_str())
                    .bind(states[n].as_str())
                    .execute(&mut *conn)
                    .await
                    .map_err(db())?
                    .rows_affected();
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
                    let items: Vec<(i64, i32)> =
                        sqlx::query_as("SELECT product_id, quantity FROM order_items WHERE part_id = $1")
                            .bind(part_id)
                            .fetch_all(&mut *conn)
                            .await
                            .map_err(db())?;
                    for (product, quantity) in items {
                        *released.entry(product).or_default() += i64::from(quantity);
                    }
                }
                if step.money == MoneyEffect::RefundShopper {
                    let subtotal = amount(&currency, *subtotal)?;
                    let entry = Entry::new(id, Movement::VendorOwedReversed, subtotal)
                        .part(*part_id, VendorId::new(*vendor_id));
                    super::ledger::record(&mut *conn, &entry).await?;
                    refund = refund.plus(subtotal)?;
                }
            }
            let order_state = OrderState::of_parts(after.iter().copied());
            sqlx::query("UPDATE orders SET state = $2 WHERE id = $1")
                .bind(id)
                .bind(order_state.as_str())
                .execute(&mut *conn)
                .await
                .map_err(db())?;

            let refund_id = if refund.minor > 0 {
                let reference = match paid_by {
                    Some(reference) => reference,
                    None => sqlx::query_scalar(
                        "SELECT reference FROM payments WHERE order_id = $1 AND state = 'completed' ORDER BY id LIMIT 1",
                    )
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(db())?
                    .ok_or_else(|| Error::Corrupt(format!("order {id} has paid parts but no completed payment")))?,
                };
                let reason = if order_state == OrderState::Cancelled { "order cancelled" } else { "parts cancelled" };
                Some(super::refunds::record_due(&mut *conn, id, &reference, refund, reason).await?)
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
            super::outbox::record(&mut *conn, &Event::about_order(id, &payload)?)
                .await?;
            metrics::counter!("order_parts_cancelled_total", "by" => by.to_owned())
                .increment(payload.vendor_ids.len() as u64);
            Ok(PartsCancelled { order_id: id, released, refund_id })
        }

        /// Puts `released` units (product → quantity) back on sale, in product order, and
        /// journals a purge for each product whose stock label changed.
        pub async fn release_stock(conn: &mut $conn, released: &BTreeMap<i64, i64>) -> Result<()> {
            let _t = QueryTimer::start($backend, "release_stock");
            let mut relabelled = Vec::new();
            for (&product, &quantity) in released {
                let stock: i64 = sqlx::query_scalar(
                    "UPDATE products SET stock = stock + $1 WHERE id = $2 RETURNING CAST(stock AS BIGINT)",
                )
                .bind(quantity)
                .bind(product)
                .fetch_one(&mut *conn)
                .await
                .map_err(Error::db("releasing stock"))?;
                let before = i32::try_from(stock - quantity).unwrap_or(i32::MAX);
                if crate::purges::label_changed(before, i32::try_from(stock).unwrap_or(i32::MAX)) {
                    relabelled.extend(crate::purges::product_changed(ProductId::new(product)));
                }
            }
            super::purges::record(&mut *conn, &relabelled).await
        }
    };
}

pub(crate) use cancellation_queries;
