//! Order analytics: orders placed, GMV and orders paid per minute, currency and country, in
//! `order_analytics`; conversion is paid over placed.
//!
//! The minute is the order's own: an order is counted in the minute its `order.created` was
//! committed, not when it was processed, so an event delivered late — after a bus outage, a
//! redelivery, a replay — is folded into the minute it belongs to. An `order.confirmed` (the
//! order was paid while awaiting payment; once per order) counts as paid in the minute and
//! country the order was *placed* in, read from its `order.created` in the event store, so
//! each minute's conversion is the share of that minute's orders that got paid, at most 1,
//! whenever the payment came. Counters `analytics_orders_total`, `analytics_orders_paid_total`
//! and `analytics_gmv_minor_total` (by currency and country) expose the same figures as
//! metrics (conversion = rate of paid over rate of placed).

use futures_util::future::BoxFuture;
use serde::Serialize;

use crate::consumer::Consumer;
use crate::error::{Error, Result};
use linkedall_events_schema::Envelope;
use linkedall_events_schema::Payload;
use linkedall_events_schema::payloads::{OrderConfirmed, OrderCreated};
use linkedall_store::Store;
use linkedall_store::on_conn;
use linkedall_store::write_tx::WriteTx;

pub struct OrderAnalytics;

/// Country used when the request that placed the order did not say.
pub const UNKNOWN_COUNTRY: &str = "ZZ";

impl Consumer for OrderAnalytics {
    fn name(&self) -> &'static str {
        "order-analytics"
    }

    fn wants(&self, kind: &str) -> bool {
        [OrderCreated::KIND, OrderConfirmed::KIND].contains(&kind)
    }

    fn apply<'a>(&'a self, tx: &'a mut WriteTx, event: &'a Envelope) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            if event.is::<OrderConfirmed>() {
                count_paid(tx, event).await
            } else {
                count_placed(tx, event).await
            }
        })
    }
}

async fn count_placed(tx: &mut WriteTx, event: &Envelope) -> Result<()> {
    let order: OrderCreated = event.data_as()?;
    let country = event.country.clone().unwrap_or_else(|| UNKNOWN_COUNTRY.into());
    on_conn!(tx, conn => sqlx::query(
        "INSERT INTO order_analytics (minute, currency, country, orders, gmv_minor, paid) VALUES ($1, $2, $3, 1, $4, 0) \
         ON CONFLICT (minute, currency, country) DO UPDATE SET orders = order_analytics.orders + 1, \
         gmv_minor = order_analytics.gmv_minor + excluded.gmv_minor",
    )
    .bind(event.minute())
    .bind(&order.total.currency)
    .bind(&country)
    .bind(order.total.minor)
    .execute(&mut *conn)
    .await
    .map_err(Error::db("counting an order in its minute"))?.rows_affected());
    let labels = [("currency", order.total.currency.clone()), ("country", country)];
    metrics::counter!("analytics_orders_total", &labels).increment(1);
    metrics::counter!("analytics_gmv_minor_total", &labels).increment(order.total.minor.max(0) as u64);
    Ok(())
}

/// Counts a paid order in the minute, currency and country it was placed in.
async fn count_paid(tx: &mut WriteTx, event: &Envelope) -> Result<()> {
    let db = || Error::db("counting a paid order in its minute");
    let confirmed: OrderConfirmed = event.data_as()?;
    let subject = format!("order/{}", confirmed.order_id);
    // The minute as the relay writes the event's time (`YYYY-MM-DDTHH:MM`, UTC).
    let placed: Option<(String, Option<String>, String)> = match &mut *tx {
        WriteTx::Postgres(t) => sqlx::query_as(
            "SELECT to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI'), e.country, o.currency \
             FROM outbox e JOIN orders o ON o.id = $2 WHERE e.type = 'order.created' AND e.subject = $1",
        )
        .bind(&subject)
        .bind(confirmed.order_id)
        .fetch_optional(&mut **t)
        .await
        .map_err(db())?,
        WriteTx::Sqlite(t) => sqlx::query_as(
            "SELECT substr(e.created_at, 1, 16), e.country, o.currency \
             FROM outbox e JOIN orders o ON o.id = $2 WHERE e.type = 'order.created' AND e.subject = $1",
        )
        .bind(&subject)
        .bind(confirmed.order_id)
        .fetch_optional(&mut **t)
        .await
        .map_err(db())?,
    };
    let (minute, country, currency) = placed.ok_or_else(|| {
        Error::Corrupt(format!(
            "order.confirmed {} is for order {}, which has no order.created",
            event.id, confirmed.order_id
        ))
    })?;
    let country = country.unwrap_or_else(|| UNKNOWN_COUNTRY.into());
    on_conn!(tx, conn => sqlx::query(
        "INSERT INTO order_analytics (minute, currency, country, orders, gmv_minor, paid) VALUES ($1, $2, $3, 0, 0, 1) \
         ON CONFLICT (minute, currency, country) DO UPDATE SET paid = order_analytics.paid + 1",
    )
    .bind(&minute)
    .bind(&currency)
    .bind(&country)
    .execute(&mut *conn)
    .await
    .map_err(db())?.rows_affected());
    metrics::counter!("analytics_orders_paid_total", "currency" => currency, "country" => country)
        .increment(1);
    Ok(())
}

/// One minute's orders in one currency and country.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct MinuteWindow {
    pub minute: String,
    pub currency: String,
    pub country: String,
    /// Orders placed.
    pub orders: i64,
    pub gmv_minor: i64,
    /// Of those orders, how many were paid (so far).
    pub paid: i64,
    /// `paid / orders`; absent while a minute's payments are known before its orders.
    #[sqlx(skip)]
    pub conversion: Option<f64>,
}

/// The windows from `since` (a `YYYY-MM-DDTHH:MM` minute, inclusive), oldest first.
pub async fn windows(store: &Store, since: &str, limit: i64) -> Result<Vec<MinuteWindow>> {
    let sql = "SELECT minute, currency, country, CAST(orders AS BIGINT) AS orders, CAST(gmv_minor AS BIGINT) AS gmv_minor, \
               CAST(paid AS BIGINT) AS paid FROM order_analytics WHERE minute >= $1 ORDER BY minute, currency, country LIMIT $2";
    let db = Error::db("reading order analytics");
    let mut windows: Vec<MinuteWindow> = match store {
        Store::Postgres(pool) => {
            sqlx::query_as(sql).bind(since).bind(limit).fetch_all(pool).await.map_err(db)?
        }
        Store::Sqlite(pool) => {
            sqlx::query_as(sql).bind(since).bind(limit).fetch_all(pool).await.map_err(db)?
        }
    };
    for window in &mut windows {
        window.conversion = conversion(window.paid, window.orders);
    }
    Ok(windows)
}

/// Paid over placed, when any were placed.
pub fn conversion(paid: i64, orders: i64) -> Option<f64> {
    (orders > 0).then(|| paid as f64 / orders as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversion_is_paid_over_placed_and_absent_without_orders() {
        assert_eq!(conversion(1, 4), Some(0.25));
        assert_eq!(conversion(0, 3), Some(0.0));
        assert_eq!(conversion(2, 0), None);
    }
}
