//! The consumers, one per file. Each reacts to the events it [`wants`](super::consumer::Consumer::wants)
//! inside the transaction that records the event as processed.
//!
//! `order_history`, `vendor_sales` and `analytics` are read models: `origin replay` rebuilds
//! them from the event store (see [`super::replay`]).

pub mod analytics;
pub mod edge_purge;
pub mod fraud;
pub mod inventory;
pub mod order_history;
pub mod recommendations;
pub mod vendor_sales;

use std::sync::Arc;

use crate::consumer::Consumer;
use crate::purge::PurgeSink;

/// Every consumer an origin runs, purging the edge through `purges`.
pub fn all(purges: impl PurgeSink) -> Vec<Arc<dyn Consumer>> {
    vec![
        Arc::new(edge_purge::EdgePurge::new(purges)),
        Arc::new(inventory::Inventory),
        Arc::new(analytics::OrderAnalytics),
        Arc::new(fraud::FraudCheck::default()),
        Arc::new(recommendations::BoughtTogether),
        Arc::new(order_history::OrderHistory),
        Arc::new(vendor_sales::VendorSales),
    ]
}

/// The read models `origin replay` rebuilds, in the order it rebuilds them.
pub fn read_models() -> Vec<Arc<dyn Consumer>> {
    vec![
        Arc::new(order_history::OrderHistory),
        Arc::new(vendor_sales::VendorSales),
        Arc::new(analytics::OrderAnalytics),
    ]
}
