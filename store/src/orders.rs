//! Reading orders, and moving them through their lifecycle: cancelling (what has not shipped,
//! see `cancellation.rs`), and each vendor shipping and delivering their part. Every
//! transition is a compare-and-set on the state the [`OrderState`](crate::order::OrderState) machine allowed, so two
//! concurrent transitions cannot both win.

use linkedall_events_schema::Event;
use linkedall_events_schema::payloads::{OrderDelivered, OrderReleased, OrderShipped, PartMoved};
use linkedall_shared::{Address, DeliveryOption, Money, PartDelivery, ProductId, VendorId};

use super::Store;
use crate::account::CurrentUser;
use crate::cancellation;
use crate::cause::Cause;
use crate::conn::{Conn, on_pool};
use crate::error::{Error, Result};
use crate::on_conn;
use crate::order::{Lifecycle, Order, OrderItem, OrderPart, OrderState, Transition};
use crate::rows::{AddressRow, amount};
use crate::timing::QueryTimer;
use crate::write_tx::WriteTx;

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

/// Order `id` and its shopper, read on `conn` (inside a transaction, or on a connection from
/// the pool).
pub(crate) async fn order(mut conn: Conn<'_>, id: i64) -> Result<Option<(i64, Order)>> {
    let dialect = conn.dialect();
    let _t = QueryTimer::start(dialect.as_str(), "order");
    let db = || Error::db("reading an order");
    let select_order = format!(
        "SELECT shopper_id, state, currency, total_minor, per_usd_micros, {}, {}, pay_on_delivery FROM orders WHERE id = $1",
        dialect.timestamp_text("created_at"),
        dialect.timestamp_text("expires_at")
    );
    type OrderRow = (i64, String, String, i64, Option<i64>, String, String, bool);
    let row: Option<OrderRow> = on_conn!(conn, c => sqlx::query_as(&select_order)
        .bind(id)
        .fetch_optional(&mut *c)
        .await
        .map_err(db())?);
    let Some((shopper, state, currency, total_minor, per_usd_micros, placed_at, pay_by, pay_on_delivery)) =
        row
    else {
        return Ok(None);
    };
    // Rows written before orders were converted have no vendor columns: the vendor was paid
    // in the order's currency.
    type PartRow = (
        i64,
        i64,
        String,
        i64,
        String,
        i64,
        Option<i64>,
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<String>,
    );
    let parts: Vec<PartRow> = on_conn!(conn, c => sqlx::query_as(
        "SELECT p.id, p.vendor_id, p.state, p.subtotal_minor, COALESCE(p.vendor_currency, o.currency), \
         COALESCE(p.vendor_subtotal_minor, p.subtotal_minor), p.vendor_per_usd_micros, \
         p.delivery_option, p.delivery_fee_minor, p.delivery_days_min, p.delivery_days_max, p.tracking_note \
         FROM order_parts p JOIN orders o ON o.id = p.order_id WHERE p.order_id = $1 ORDER BY p.vendor_id",
    )
    .bind(id)
    .fetch_all(&mut *c)
    .await
    .map_err(db())?);
    let items: Vec<(i64, i64, String, i32, i64, i64)> = on_conn!(conn, c => sqlx::query_as(
        "SELECT i.part_id, i.product_id, p.name, i.quantity, i.unit_price_minor, \
         COALESCE(i.vendor_unit_price_minor, i.unit_price_minor) \
         FROM order_items i JOIN products p ON p.id = i.product_id \
         WHERE i.order_id = $1 ORDER BY i.product_id",
    )
    .bind(id)
    .fetch_all(&mut *c)
    .await
    .map_err(db())?);
    let address: Option<AddressRow> = on_conn!(conn, c => sqlx::query_as(
        "SELECT name, phone, country, city, area, directions FROM order_deliveries WHERE order_id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await
    .map_err(db())?);
    let address = address.map(Address::from);
    let rate = |micros: Option<i64>| micros.and_then(|m| u64::try_from(m).ok());
    let mut order = Order {
        id,
        state: OrderState::from_column(&state)?,
        total: amount(&currency, total_minor)?,
        parts: Vec::with_capacity(parts.len()),
        placed_at,
        pay_by,
        per_usd_micros: rate(per_usd_micros),
        pay_on_delivery,
    };
    for (
        part_id,
        vendor_id,
        state,
        subtotal_minor,
        vendor_currency,
        vendor_subtotal,
        vendor_rate,
        option,
        fee,
        min,
        max,
        tracking_note,
    ) in parts
    {
        let delivery = match (option.as_deref().and_then(DeliveryOption::parse), fee, &address) {
            (Some(option), Some(fee), Some(address)) => Some(PartDelivery {
                option,
                fee: amount(&currency, fee)?,
                days_min: min.and_then(|d| u8::try_from(d).ok()).unwrap_or(0),
                days_max: max.and_then(|d| u8::try_from(d).ok()).unwrap_or(0),
                address: address.clone(),
            }),
            _ => None,
        };
        let items = items
            .iter()
            .filter(|i| i.0 == part_id)
            .map(|(_, product, name, quantity, price, vendor_price)| {
                Ok(OrderItem {
                    product_id: ProductId::new(*product),
                    name: name.clone(),
                    quantity: u32::try_from(*quantity).unwrap_or(0),
                    unit_price: amount(&currency, *price)?,
                    vendor_unit_price: amount(&vendor_currency, *vendor_price)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        order.parts.push(OrderPart {
            order_id: id,
            vendor_id: VendorId::new(vendor_id),
            state: OrderState::from_column(&state)?,
            subtotal: amount(&currency, subtotal_minor)?,
            vendor_subtotal: amount(&vendor_currency, vendor_subtotal)?,
            vendor_per_usd_micros: rate(vendor_rate),
            items,
            delivery,
            collect_on_delivery: pay_on_delivery.then(|| amount(&currency, subtotal_minor)).transpose()?,
            tracking_note,
        });
    }
    Ok(Some((shopper, order)))
}

/// Order `id` and its shopper, read on one connection from the pool.
async fn find(store: &Store, id: i64) -> Result<Option<(i64, Order)>> {
    on_pool!(store, pool => {
        let mut conn = pool.acquire().await.map_err(Error::db("reading an order"))?;
        order(Conn::from(&mut *conn), id).await
    })
}

/// Ids of the newest orders of a shopper, or of any shopper's when `shopper` is `None`.
async fn recent_ids(store: &Store, shopper: Option<i64>, limit: i64) -> Result<Vec<i64>> {
    let _t = QueryTimer::start(store.dialect().as_str(), "recent_orders");
    on_pool!(store, pool => sqlx::query_scalar(
        "SELECT id FROM orders WHERE (CAST($1 AS BIGINT) IS NULL OR shopper_id = $1) \
         ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(shopper)
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(Error::db("listing orders")))
}

/// Ids of the newest orders with a part for `vendor`.
async fn vendor_order_ids(store: &Store, vendor: VendorId, limit: i64) -> Result<Vec<i64>> {
    let _t = QueryTimer::start(store.dialect().as_str(), "vendor_orders");
    on_pool!(store, pool => sqlx::query_scalar(
        "SELECT order_id FROM order_parts WHERE vendor_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(vendor.get())
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(Error::db("listing a vendor's orders")))
}

/// Cancels what can be cancelled of order `id` (see `store/cancellation.rs`), for its shopper
/// or an admin; anyone else gets 404.
async fn cancel(store: &Store, id: i64, actor: CurrentUser) -> Result<Cancelled> {
    let _t = QueryTimer::start(store.dialect().as_str(), "cancel_order");
    let not_found = || Error::NotFound { what: format!("order {id}") };
    let mut tx = WriteTx::begin(store).await?;
    let shopper: Option<i64> = on_conn!(&mut tx, conn => sqlx::query_scalar("SELECT shopper_id FROM orders WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(Error::db("cancelling an order"))?);
    let shopper = shopper.ok_or_else(not_found)?;
    if shopper != actor.id && !actor.is_admin() {
        return Err(not_found());
    }
    let cancelled = cancellation::cancel_order_parts(&mut tx, id, actor.role.as_str(), None).await?;
    cancellation::release_stock(&mut tx, &cancelled.released).await?;
    let (_, order) = order(tx.conn(), id).await?.ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(Cancelled { order, refund: cancelled.refund_id })
}

/// The longest tracking note a vendor may give when shipping.
pub const MAX_TRACKING_NOTE_CHARS: usize = 200;

/// Moves `vendor`'s part of order `id` by `transition`; the order follows once every part has.
/// A tracking note, when shipping, is written with the part (`None` keeps any earlier one).
async fn advance_part(
    store: &Store,
    id: i64,
    vendor: VendorId,
    transition: Transition,
    tracking_note: Option<&str>,
) -> Result<OrderPart> {
    let dialect = store.dialect();
    let _t = QueryTimer::start(dialect.as_str(), "advance_order_part");
    let db = || Error::db("updating an order");
    let what = || format!("your part of order {id}");
    let not_found = || Error::NotFound { what: format!("order {id}") };
    let mut tx = WriteTx::begin(store).await?;
    // The order row first, as every transition of an order takes it (cancellation.rs).
    let lock_order = format!("SELECT id FROM orders WHERE id = $1 {}", dialect.for_update());
    on_conn!(&mut tx, conn => sqlx::query(&lock_order)
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(db())?
        .rows_affected());
    let state: Option<String> = on_conn!(&mut tx, conn => sqlx::query_scalar(
        "SELECT state FROM order_parts WHERE order_id = $1 AND vendor_id = $2",
    )
    .bind(id)
    .bind(vendor.get())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db())?);
    let state = OrderState::from_column(&state.ok_or_else(not_found)?)?;
    if !matches!(transition, Transition::Ship | Transition::Deliver) {
        return Err(Error::Corrupt(format!(
            "a vendor moves a part by shipping or delivering it, not by {transition:?}"
        )));
    }
    let next = state.apply(transition, what)?;
    if transition == Transition::Ship {
        let held: i64 = on_conn!(&mut tx, conn => sqlx::query_scalar(
            "SELECT count(*) FROM fraud_observations WHERE order_id = $1 AND held AND released_at IS NULL",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await
        .map_err(db())?);
        if held > 0 {
            return Err(Error::IllegalTransition {
                what: what(),
                action: transition.verb(),
                state: "held for fraud review until an admin releases it",
            });
        }
    }
    let changed = on_conn!(&mut tx, conn => sqlx::query(
        "UPDATE order_parts SET state = $3, tracking_note = COALESCE($5, tracking_note) \
         WHERE order_id = $1 AND vendor_id = $2 AND state = $4",
    )
    .bind(id)
    .bind(vendor.get())
    .bind(next.as_str())
    .bind(state.as_str())
    .bind(tracking_note)
    .execute(&mut *conn)
    .await
    .map_err(db())?
    .rows_affected());
    if changed == 0 {
        return Err(Error::IllegalTransition { what: what(), action: transition.verb(), state: "changing" });
    }
    // The order is as far along as its least advanced part that is not cancelled.
    let parts: Vec<String> = on_conn!(&mut tx, conn => sqlx::query_scalar(
        "SELECT state FROM order_parts WHERE order_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await
    .map_err(db())?);
    let order_state =
        OrderState::of_parts(parts.iter().map(|s| OrderState::from_column(s)).collect::<Result<Vec<_>>>()?);
    let whole_order = order_state == next;
    if whole_order {
        on_conn!(&mut tx, conn => sqlx::query("UPDATE orders SET state = $2 WHERE id = $1")
            .bind(id)
            .bind(next.as_str())
            .execute(&mut *conn)
            .await
            .map_err(db())?
            .rows_affected());
    }
    let moved = PartMoved {
        order_id: id,
        vendor_id: vendor.get(),
        part_state: next.as_str().into(),
        whole_order,
        tracking_note: tracking_note.map(str::to_owned),
    };
    let event = match transition {
        Transition::Deliver => Event::about_order(id, &OrderDelivered(moved))?,
        _ => Event::about_order(id, &OrderShipped(moved))?,
    };
    tx.emit(&event, &Cause::current()).await?;
    let (_, order) = order(tx.conn(), id).await?.ok_or_else(not_found)?;
    tx.commit().await?;
    order
        .parts
        .into_iter()
        .find(|p| p.vendor_id == vendor)
        .ok_or_else(|| Error::Corrupt(format!("order {id} lost its part for vendor {vendor}")))
}

/// Releases order `id` from fraud review, by admin account `admin` (`None`: the operators'
/// token); false when it is not held.
async fn release_held(store: &Store, id: i64, admin: Option<i64>, at: &str) -> Result<bool> {
    let _t = QueryTimer::start(store.dialect().as_str(), "release_held_order");
    let mut tx = WriteTx::begin(store).await?;
    let released = on_conn!(&mut tx, conn => sqlx::query(
        "UPDATE fraud_observations SET released_at = $2, released_by = $3 \
         WHERE order_id = $1 AND held AND released_at IS NULL",
    )
    .bind(id)
    .bind(at)
    .bind(admin)
    .execute(&mut *conn)
    .await
    .map_err(Error::db("releasing an order from review"))?
    .rows_affected());
    if released == 0 {
        return Ok(false);
    }
    let payload = OrderReleased { order_id: id, released_by: admin.unwrap_or(0) };
    tx.emit(&Event::about_order(id, &payload)?, &Cause::current()).await?;
    tx.commit().await?;
    Ok(true)
}

/// Orders held for review and not released, newest first: (order, score, reasons, at).
async fn held(store: &Store, limit: i64) -> Result<Vec<(i64, i32, String, String)>> {
    let _t = QueryTimer::start(store.dialect().as_str(), "held_orders");
    on_pool!(store, pool => sqlx::query_as(
        "SELECT f.order_id, f.score, f.reasons, f.at FROM fraud_observations f JOIN orders o ON o.id = f.order_id \
         WHERE f.held AND f.released_at IS NULL AND o.state <> 'cancelled' \
         ORDER BY f.at DESC, f.order_id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(Error::db("listing orders held for review")))
}

impl Store {
    /// Order `id` as `viewer` may see it: its shopper and admins see all of it, a vendor sees
    /// only their part. Anyone else gets 404, so order ids reveal nothing.
    pub async fn order_for(&self, id: i64, viewer: CurrentUser) -> Result<Order> {
        let not_found = || crate::Error::NotFound { what: format!("order {id}") };
        let (shopper, mut order) = find(self, id).await?.ok_or_else(not_found)?;
        if shopper == viewer.id || viewer.is_admin() {
            return Ok(order);
        }
        match viewer.vendor_id {
            Some(vendor) if order.parts.iter().any(|p| p.vendor_id == vendor) => {
                order.parts.retain(|p| p.vendor_id == vendor);
                // What the vendor is paid for it, in their currency, not what the shopper pays
                // for the whole order.
                order.total = order
                    .parts
                    .iter()
                    .try_fold(Money::new(order.parts[0].vendor_subtotal.currency, 0), |sum, part| {
                        sum.plus(part.vendor_subtotal)
                    })?;
                Ok(order)
            }
            _ => Err(not_found()),
        }
    }

    /// Order `id` for its own shopper, the only one who may pay for it: a vendor with a part in
    /// it and an admin get the same 404 as a stranger, so paying never reveals an order.
    pub async fn own_order(&self, id: i64, shopper: CurrentUser) -> Result<Order> {
        match find(self, id).await? {
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
        let ids = recent_ids(self, shopper, 50).await?;
        let mut orders = Vec::with_capacity(ids.len());
        for id in ids {
            orders.push(self.order_for(id, viewer).await?);
        }
        Ok(orders)
    }

    /// The newest 50 order parts `vendor` has to fulfil.
    pub async fn vendor_parts(&self, vendor: VendorId) -> Result<Vec<OrderPart>> {
        let ids = vendor_order_ids(self, vendor, 50).await?;
        let mut parts = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some((_, order)) = find(self, id).await? {
                parts.extend(order.parts.into_iter().filter(|p| p.vendor_id == vendor));
            }
        }
        Ok(parts)
    }

    /// Cancels the parts of order `id` that have not shipped, for its shopper or an admin,
    /// releasing their stock and making their paid amount due back to the shopper.
    pub async fn cancel_order(&self, id: i64, actor: CurrentUser) -> Result<Cancelled> {
        cancel(self, id, actor).await
    }

    /// Releases order `id` from fraud review so its parts may ship, by the admin account
    /// `released_by` (`None`: the operators' token). The route lets only admins call this; an
    /// order that is not held (or was released already) is a 409.
    pub async fn release_held_order(&self, id: i64, released_by: Option<i64>) -> Result<()> {
        let at = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(|e| crate::Error::Corrupt(format!("formatting the time: {e}")))?;
        if release_held(self, id, released_by, &at).await? {
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
        let rows = held(self, 200).await?;
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
        advance_part(self, id, vendor, transition, None).await
    }

    /// Ships `vendor`'s part of order `id`, with what the vendor tells the shopper (carrier
    /// and waybill …): at most [`MAX_TRACKING_NOTE_CHARS`] characters; blank is none.
    pub async fn ship_order_part(
        &self,
        id: i64,
        vendor: VendorId,
        tracking_note: Option<&str>,
    ) -> Result<OrderPart> {
        let note = tracking_note.map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > MAX_TRACKING_NOTE_CHARS) {
            return Err(Error::InvalidParameter {
                name: "tracking_note",
                message: format!("expected at most {MAX_TRACKING_NOTE_CHARS} characters"),
            });
        }
        advance_part(self, id, vendor, Transition::Ship, note).await
    }
}
