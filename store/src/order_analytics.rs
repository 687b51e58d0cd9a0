//! Order analytics, as the analytics consumer keeps them (`linkedall-events`'
//! `consumers/analytics.rs`): orders placed, GMV and orders paid per minute, currency and
//! country, in `order_analytics`; conversion is paid over placed.

use serde::Serialize;

use linkedall_events_schema::Payload;
use linkedall_events_schema::payloads::OrderCreated;

use super::Store;
use crate::error::{Error, Result};
use crate::timing::QueryTimer;
use crate::write_tx::WriteTx;
use crate::{on_conn, on_pool};

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

/// Where an order was placed: the minute (`YYYY-MM-DDTHH:MM`, UTC) its `order.created` was
/// committed, the country the request came from (if it said) and the order's currency.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Placement {
    pub minute: String,
    pub country: Option<String>,
    pub currency: String,
}

/// Paid over placed, when any were placed.
pub fn conversion(paid: i64, orders: i64) -> Option<f64> {
    (orders > 0).then(|| paid as f64 / orders as f64)
}

impl WriteTx {
    /// Counts an order of `gmv_minor` placed in `minute`, `currency` and `country`.
    pub async fn count_order_placed(
        &mut self,
        minute: &str,
        currency: &str,
        country: &str,
        gmv_minor: i64,
    ) -> Result<()> {
        on_conn!(self, conn => sqlx::query(
            "INSERT INTO order_analytics (minute, currency, country, orders, gmv_minor, paid) VALUES ($1, $2, $3, 1, $4, 0) \
             ON CONFLICT (minute, currency, country) DO UPDATE SET orders = order_analytics.orders + 1, \
             gmv_minor = order_analytics.gmv_minor + excluded.gmv_minor",
        )
        .bind(minute)
        .bind(currency)
        .bind(country)
        .bind(gmv_minor)
        .execute(&mut *conn)
        .await
        .map_err(Error::db("counting an order in its minute"))?
        .rows_affected());
        Ok(())
    }

    /// Counts a paid order in the minute, currency and country it was placed in.
    pub async fn count_order_paid(&mut self, minute: &str, currency: &str, country: &str) -> Result<()> {
        on_conn!(self, conn => sqlx::query(
            "INSERT INTO order_analytics (minute, currency, country, orders, gmv_minor, paid) VALUES ($1, $2, $3, 0, 0, 1) \
             ON CONFLICT (minute, currency, country) DO UPDATE SET paid = order_analytics.paid + 1",
        )
        .bind(minute)
        .bind(currency)
        .bind(country)
        .execute(&mut *conn)
        .await
        .map_err(Error::db("counting a paid order in its minute"))?
        .rows_affected());
        Ok(())
    }

    /// Where order `order` was placed, from its `order.created` in the event store; `None`
    /// when the event store has no such event.
    pub async fn placement_of(&mut self, order: i64) -> Result<Option<Placement>> {
        let sql = format!(
            "SELECT {} AS minute, e.country, o.currency FROM outbox e JOIN orders o ON o.id = $2 \
             WHERE e.type = $3 AND e.subject = $1",
            self.dialect().utc_minute("e.created_at")
        );
        on_conn!(self, conn => sqlx::query_as(&sql)
            .bind(format!("order/{order}"))
            .bind(order)
            .bind(OrderCreated::KIND)
            .fetch_optional(&mut *conn)
            .await
            .map_err(Error::db("counting a paid order in its minute")))
    }
}

impl Store {
    /// The analytics windows from `since` (a `YYYY-MM-DDTHH:MM` minute, inclusive), oldest
    /// first.
    pub async fn order_analytics(&self, since: &str, limit: i64) -> Result<Vec<MinuteWindow>> {
        let _t = QueryTimer::start(self.dialect().as_str(), "order_analytics");
        let mut windows: Vec<MinuteWindow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT minute, currency, country, CAST(orders AS BIGINT) AS orders, CAST(gmv_minor AS BIGINT) AS gmv_minor, \
             CAST(paid AS BIGINT) AS paid FROM order_analytics WHERE minute >= $1 ORDER BY minute, currency, country LIMIT $2",
        )
        .bind(since)
        .bind(limit)
        .fetch_all(pool)
        .await
        .map_err(Error::db("reading order analytics"))?);
        for window in &mut windows {
            window.conversion = conversion(window.paid, window.orders);
        }
        Ok(windows)
    }
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
