//! Reading orders, and moving them through their lifecycle: cancelling (what has not shipped,
//! see `cancellation.rs`), and each vendor shipping and delivering their part. Every
//! transition is a compare-and-set on the state the [`OrderState`](crate::order::OrderState) machine allowed, so two
//! concurrent transitions cannot both win.

use linkedall_shared::{Money, VendorId};

use super::Store;
use crate::account::CurrentUser;
use crate::error::Result;
use crate::order::{Order, OrderPart, Transition};

/// An order the fraud check holds for review.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HeldOrder {
    pub order_id: i64,
    pub score: i32,
    pub reasons: Vec<String>,
    pub held_at: String,
}

/// An order after a cancellation, and the refund it made due, if a paid part was cancelled.
pub struct Cancelled {
    pub order: Order,
    pub refund: Option<i64>,
}

macro_rules! order_queries {
    ($pool:ty, $conn:ty, $backend:literal) => {
        use linkedall_shared::{ProductId, VendorId};
        use linkedall_events_schema::payloads::{OrderDelivered, OrderReleased, OrderShipped, PartMoved};

        use crate::error::{Error, Result};
        use linkedall_events_schema::Event;
        use crate::order::{Lifecycle, Order, OrderItem, OrderPart, OrderState, Transition};
        use crate::account::CurrentUser;
        use crate::orders::Cancelled;
        use crate::rows::amount;
        use crate::timing::QueryTimer;

        /// The order and its shopper.
        pub async fn order(conn: &mut $conn, id: i64) -> Result<Option<(i64, Order)>> {
            let _t = QueryTimer::start($backend, "order");
            let db = || Error::db("reading an order");
            let Some((shopper, state, currency, total_minor)): Option<(i64, String, String, i64)> =
                sqlx::query_as("SELECT shopper_id, state, currency, total_minor FROM orders WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(db())?
            else {
                return Ok(None);
            };
            let parts: Vec<(i64, i64, String, i64)> = sqlx::query_as(
                "SELECT id, vendor_id, state, subtotal_minor FROM order_parts WHERE order_id = $1 ORDER BY vendor_id",
            )
            .bind(id)
            .fetch_all(&mut *conn)
            .await
            .map_err(db())?;
            let items: Vec<(i64, i64, i32, i64)> = sqlx::query_as(
                "SELECT part_id, product_id, quantity, unit_price_minor FROM order_items \
                 WHERE order_id = $1 ORDER BY product_id",
            )
            .bind(id)
            .fetch_all(&mut *conn)
            .await
            .map_err(db())?;
            let mut order = Order {
                id,
                state: OrderState::from_column(&state)?,
                total: amount(&currency, total_minor)?,
                parts: Vec::with_capacity(parts.len()),
            };
            for (part_id, vendor_id, state, subtotal_minor) in parts {
                let items = items
                    .iter()
                    .filter(|i| i.0 == part_id)
                    .map(|&(_, product, quantity, price)| {
                        Ok(OrderItem {
                            product_id: ProductId::new(product),
                            quantity: u32::try_from(quantity).unwrap_or(0),
                            unit_price: amount(&currency, price)?,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                order.parts.push(OrderPart {
                    order_id: id,
                    vendor_id: VendorId::new(vendor_id),
                    state: OrderState::from_column(&state)?,
                    subtotal: amount(&currency, subtotal_minor)?,
                    items,
                });
            }
            Ok(Some((shopper, order)))
        }

        pub async fn find(pool: &$pool, id: i64) -> Result<Option<(i64, Order)>> {
            let mut conn = pool.acquire().await.map_err(Error::db("reading an order"))?;
            order(&mut conn, id).await
        }

        /// Ids of the newest orders of a shopper, or of any shopper's when `shopper` is `None`.
        pub async fn recent_ids(pool: &$pool, shopper: Option<i64>, limit: i64) -> Result<Vec<i64>> {
            let _t = QueryTimer::start($backend, "recent_orders");
            sqlx::query_scalar(
                "SELECT id FROM orders WHERE (CAST($1 AS BIGINT) IS NULL OR shopper_id = $1) ORDER BY id DESC LIMIT $2",
            )
            .bind(shopper)
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(Error::db("listing orders"))
        }

        /// Ids of the newest orders with a part for `vendor`.
        pub async fn vendor_order_ids(pool: &$pool, vendor: VendorId, limit: i64) -> Result<Vec<i64>> {
            let _t = QueryTimer::start($backend, "vendor_orders");
            sqlx::query_scalar("SELECT order_id FROM order_parts WHERE vendor_id = $1 ORDER BY id DESC LIMIT $2")
                .bind(vendor.get())
                .bind(limit)
                .fetch_all(pool)
                .await
                .map_err(Error::db("listing a vendor's orders"))
        }

        /// Cancels what can be cancelled of order `id` (see `store/cancellation.rs`), for its
        /// shopper or an admin; anyone else gets 404.
        pub async fn cancel(pool: &$pool, id: i64, actor: CurrentUser) -> Result<Cancelled> {
            let _t = QueryTimer::start($backend, "cancel_order");
            let db = || Error::db("cancelling an order");
            let not_found = || Error::NotFound { what: format!("order {id}") };
            let mut tx = super::begin_write(pool).await?;
            let shopper: i64 = sqlx::query_scalar("SELECT shopper_id FROM orders WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db())?
                .ok_or_else(not_found)?;
            if shopper != actor.id && !actor.is_admin() {
                return Err(not_found());
            }
            let cancelled = super::cancellation::cancel_order_parts(&mut tx, id, actor.role.as_str(), None).await?;
            super::cancellation::release_stock(&mut tx, &cancelled.released).await?;
            let (_, order) = order(&mut tx, id).await?.ok_or_else(not_found)?;
            tx.commit().await.map_err(db())?;
            Ok(Cancelled { order, refund: cancelled.refund_id })
        }

        /// Moves `vendor`'s part of order `id` by `transition`; the order follows once every
        /// part has.
        pub async fn advance_part(
            pool: &$pool,
            id: i64,
            vendor: VendorId,
            transition: Transition,
        ) -> Result<OrderPart> {
            let _t = QueryTimer::start($backend, "advance_order_part");
            let db = || Error::db("updating an order");
            let what = || format!("your part of order {id}");
            let mut tx = super::begin_write(pool).await?;
            // The order row first, as every transition of an order takes it (cancellation.rs).
            sqlx::query(&format!("SELECT id FROM orders WHERE id = $1 {}", super::FOR_UPDATE))
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db())?;
            let state: Option<String> =
                sqlx::query_scalar("SELECT state FROM order_parts WHERE order_id = $1 AND vendor_id = $2")
                    .bind(id)
                    .bind(vendor.get())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db())?;
            let state = OrderState::from_column(&state.ok_or_else(|| Error::NotFound { what: format!("order {id}") })?)?;
            let next = state.apply(transition, what)?;
            if transition == Transition::Ship {
                let held: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM fraud_observations WHERE order_id = $1 AND held AND released_at IS NULL",
                )
                .bind(id)
                .fetch_one(&mut *tx)
                .await
                .map_err(db())?;
                if held > 0 {
                    return Err(Error::IllegalTransition {
                        what: what(),
                        action: transition.verb(),
                        state: "held for fraud review until an admin releases it",
                    });
                }
            }
            let changed = sqlx::query(
                "UPDATE order_parts SET state = $3 WHERE order_id = $1 AND vendor_id = $2 AND state = $4",
            )
            .bind(id)
            .bind(vendor.get())
            .bind(next.as_str())
            .bind(state.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db())?
            .rows_affected();
            if changed == 0 {
                return Err(Error::IllegalTransition { what: what(), action: transition.verb(), state: "changing" });
            }
            // The order is as far along as its least advanced part that is not cancelled.
            let parts: Vec<String> = sqlx::query_scalar("SELECT state FROM order_parts WHERE order_id = $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await
                .map_err(db())?;
            let order_state = OrderState::of_parts(
                parts.iter().map(|s| OrderState::from_column(s)).collect::<Result<Vec<_>>>()?,
            );
            let whole_order = order_state == next;
            if whole_order {
                sqlx::query("UPDATE orders SET state = $2 WHERE id = $1")
                    .bind(id)
                    .bind(next.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(db())?;
            }
            let moved =
                PartMoved { order_id: id, vendor_id: vendor.get(), part_state: next.as_str().into(), whole_order };
            let event = match transition {
                Transition::Deliver => Event::about_order(id, &OrderDelivered(moved))?,
                _ => Event::about_order(id, &OrderShipped(moved))?,
            };
            super::outbox::record(&mut tx, &event).await?;
            let (_, order) = order(&mut tx, id).await?.ok_or_else(|| Error::NotFound { what: format!("order {id}") })?;
            tx.commit().await.map_err(db())?;
            order
                .parts
                .into_iter()
                .find(|p| p.vendor_id == vendor)
                .ok_or_else(|| Error::Corrupt(format!("order {id} lost its part for vendor {vendor}")))
        }

        /// Releases order `id` from fraud review, by admin account `admin` (`None`: the
        /// operators' token); false when it is not held.
        pub async fn release_held(pool: &$pool, id: i64, admin: Option<i64>, at: &str) -> Result<bool> {
            let _t = QueryTimer::start($backend, "release_held_order");
            let db = || Error::db("releasing an order from review");
            let mut tx = super::begin_write(pool).await?;
            let released = sqlx::query(
                "UPDATE fraud_observations SET released_at = $2, released_by = $3 \
                 WHERE order_id = $1 AND held AND released_at IS NULL",
            )
            .bind(id)
            .bind(at)
            .bind(admin)
            .execute(&mut *tx)
            .await
            .map_err(db())?
            .rows_affected();
            if released == 0 {
                return Ok(false);
            }
            let payload = OrderReleased { order_id: id, released_by: admin.unwrap_or(0) };
            super::outbox::record(&mut tx, &Event::about_order(id, &payload)?)
                .await?;
            tx.commit().await.map_err(db())?;
            Ok(true)
        }

        /// Orders held for review and not released, newest first: (order, score, reasons, at).
        pub async fn held(pool: &$pool, limit: i64) -> Result<Vec<(i64, i32, String, String)>> {
            let _t = QueryTimer::start($backend, "held_orders");
            sqlx::query_as(
                "SELECT order_id, score, reasons, at FROM fraud_observations \
                 WHERE held AND released_at IS NULL ORDER BY at DESC, order_id DESC LIMIT $1",
            )
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(Error::db("listing orders held for review"))
        }
    };
}

pub(crate) use order_queries;

impl Store {
    /// Order `id` as `viewer` may see it: its shopper and admins see all of it, a vendor sees
    /// only their part. Anyone else gets 404, so order ids reveal nothing.
    pub async fn order_for(&self, id: i64, viewer: CurrentUser) -> Result<Order> {
        let not_found = || crate::Error::NotFound { what: format!("order {id}") };
        let (shopper, mut order) = on_backend!(self, orders::find(id))?.ok_or_else(not_found)?;
        if shopper == viewer.id || viewer.is_admin() {
            return Ok(order);
        }
        match viewer.vendor_id {
            Some(vendor) if order.parts.iter().any(|p| p.vendor_id == vendor) => {
                order.parts.retain(|p| p.vendor_id == vendor);
                // What the vendor sells in it, not what the shopper pays for the whole order.
                order.total = order
                    .parts
                    .iter()
                    .try_fold(Money::new(order.total.currency, 0), |sum, part| sum.plus(part.subtotal))?;
                Ok(order)
            }
            _ => Err(not_found()),
        }
    }

    /// Order `id` for its own shopper, the only one who may pay for it: a vendor with a part in
    /// it and an admin get the same 404 as a stranger, so paying never reveals an order.
    pub async fn own_order(&self, id: i64, shopper: CurrentUser) -> Result<Order> {
        match on_backend!(self, orders::find(id))? {
            Some((owner, order)) if owner == shopper.id => Ok(order),
            found => {
                if found.is_some() {
                    metrics::counter!("order_access_refused_total", "reason" => "not_the_shopper")
                        .increment(1);
                    tracing::warn!(
                        order = id,
                        user = shopper.id,
                        role = shopper.role.as_str(),
                        "only its shopper may pay for an order"
                    );
                }
                Err(crate::Error::NotFound { what: format!("order {id}") })
            }
        }
    }

    /// The newest 50 orders of `viewer` (every shopper's, for an admin).
    pub async fn recent_orders(&self, viewer: CurrentUser) -> Result<Vec<Order>> {
        let shopper = (!viewer.is_admin()).then_some(viewer.id);
        let ids = on_backend!(self, orders::recent_ids(shopper, 50))?;
        let mut orders = Vec::with_capacity(ids.len());
        for id in ids {
            orders.push(self.order_for(id, viewer).await?);
        }
        Ok(orders)
    }

    /// The newest 50 order parts `vendor` has to fulfil.
    pub async fn vendor_parts(&self, vendor: VendorId) -> Result<Vec<OrderPart>> {
        let ids = on_backend!(self, orders::vendor_order_ids(vendor, 50))?;
        let mut parts = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some((_, order)) = on_backend!(self, orders::find(id))? {
                parts.extend(order.parts.into_iter().filter(|p| p.vendor_id == vendor));
            }
        }
        Ok(parts)
    }

    /// Cancels the parts of order `id` that have not shipped, for its shopper or an admin,
    /// releasing their stock and making their paid amount due back to the shopper.
    pub async fn cancel_order(&self, id: i64, actor: CurrentUser) -> Result<Cancelled> {
        on_backend!(self, orders::cancel(id, actor))
    }

    /// Releases order `id` from fraud review so its parts may ship, by the admin account
    /// `released_by` (`None`: the operators' token). The route lets only admins call this; an
    /// order that is not held (or was released already) is a 409.
    pub async fn release_held_order(&self, id: i64, released_by: Option<i64>) -> Result<()> {
        let at = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(|e| crate::Error::Corrupt(format!("formatting the time: {e}")))?;
        if on_backend!(self, orders::release_held(id, released_by, &at))? {
            metrics::counter!("fraud_orders_released_total").increment(1);
            Ok(())
        } else {
            Err(crate::Error::IllegalTransition {
                what: format!("order {id}"),
                action: "release",
                state: "not held for review",
            })
        }
    }

    /// Orders waiting for a person's review, newest first (at most 200).
    pub async fn held_orders(&self) -> Result<Vec<HeldOrder>> {
        let rows = on_backend!(self, orders::held(200))?;
        Ok(rows
            .into_iter()
            .map(|(order_id, score, reasons, held_at)| HeldOrder {
                order_id,
                score,
                reasons: reasons.split("; ").filter(|r| !r.is_empty()).map(str::to_owned).collect(),
                held_at,
            })
            .collect())
    }

    /// Ships or delivers `vendor`'s part of order `id`.
    pub async fn advance_order_part(
        &self,
        id: i64,
        vendor: VendorId,
        transition: Transition,
    ) -> Result<OrderPart> {
        on_backend!(self, orders::advance_part(id, vendor, transition))
    }
}
