//! Order analytics: orders and GMV per minute, currency and country, in `order_analytics`.
//!
//! The minute is the event's own time (when the order was committed), not the time it was
//! processed, so an event delivered late — after a bus outage, a redelivery, a replay — is
//! folded into the minute it belongs to. Counters `analytics_orders_total` and
//! `analytics_gmv_minor_total` (by currency and country) expose the same figures as metrics.

use futures_util::future::BoxFuture;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::events::catalogue::OrderCreated;
use crate::events::consumer::Consumer;
use crate::events::envelope::Envelope;
use crate::events::tx::{EventTx, on_conn};
use crate::store::Store;

pub struct OrderAnalytics;

/// Country used when the request that placed the order did not say.
pub const UNKNOWN_COUNTRY: &str = "ZZ";

impl Consumer for OrderAnalytics {
    fn name(&self) -> &'static str {
        "order-analytics"
    }

    fn wants(&self, kind: &str) -> bool {
        kind == "order.created"
    }

    fn apply<'a>(&'a self, tx: &'a mut EventTx, event: &'a Envelope) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let order: OrderCreated = event.data_as()?;
            let country = event.country.clone().unwrap_or_else(|| UNKNOWN_COUNTRY.into());
            on_conn!(tx, conn => sqlx::query(
                "INSERT INTO order_analytics (minute, currency, country, orders, gmv_minor) VALUES ($1, $2, $3, 1, $4) \
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
            metrics::counter!("analytics_gmv_minor_total", &labels)
                .increment(order.total.minor.max(0) as u64);
            Ok(())
        })
    }
}

/// One minute's orders in one currency and country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct MinuteWindow {
    pub minute: String,
    pub currency: String,
    pub country: String,
    pub orders: i64,
    pub gmv_minor: i64,
}

/// The windows from `since` (a `YYYY-MM-DDTHH:MM` minute, inclusive), oldest first.
pub async fn windows(store: &Store, since: &str, limit: i64) -> Result<Vec<MinuteWindow>> {
    let sql = "SELECT minute, currency, country, CAST(orders AS BIGINT) AS orders, CAST(gmv_minor AS BIGINT) AS gmv_minor \
               FROM order_analytics WHERE minute >= $1 ORDER BY minute, currency, country LIMIT $2";
    let db = Error::db("reading order analytics");
    match store {
        Store::Postgres(pool) => {
            sqlx::query_as(sql).bind(since).bind(limit).fetch_all(pool).await.map_err(db)
        }
        Store::Sqlite(pool) => sqlx::query_as(sql).bind(since).bind(limit).fetch_all(pool).await.map_err(db),
    }
}
