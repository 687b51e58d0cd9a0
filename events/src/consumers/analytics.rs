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

use crate::consumer::Consumer;
use crate::error::{Error, Result};
use futures_util::future::BoxFuture;
use linkedall_events_schema::Envelope;
use linkedall_events_schema::Payload;
use linkedall_events_schema::payloads::{OrderConfirmed, OrderCreated};
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
    tx.count_order_placed(&event.minute(), &order.total.currency, &country, order.total.minor).await?;
    let labels = [("currency", order.total.currency.clone()), ("country", country)];
    metrics::counter!("analytics_orders_total", &labels).increment(1);
    metrics::counter!("analytics_gmv_minor_total", &labels).increment(order.total.minor.max(0) as u64);
    Ok(())
}

/// Counts a paid order in the minute, currency and country it was placed in.
async fn count_paid(tx: &mut WriteTx, event: &Envelope) -> Result<()> {
    let confirmed: OrderConfirmed = event.data_as()?;
    let placed = tx.placement_of(confirmed.order_id).await?.ok_or_else(|| {
        Error::Corrupt(format!(
            "order.confirmed {} is for order {}, which has no order.created",
            event.id, confirmed.order_id
        ))
    })?;
    let country = placed.country.unwrap_or_else(|| UNKNOWN_COUNTRY.into());
    tx.count_order_paid(&placed.minute, &placed.currency, &country).await?;
    metrics::counter!("analytics_orders_paid_total", "currency" => placed.currency, "country" => country)
        .increment(1);
    Ok(())
}
