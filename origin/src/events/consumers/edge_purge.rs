//! Edge purge: a product or vendor changed, so every cached page showing it is stale. The
//! tags are those the edge puts on its pages: `product:ID`, `category:ID`, `vendor:ID`, plus
//! `home` and `search`, whose shelves and results list products.

use futures_util::future::BoxFuture;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::events::consumer::Consumer;
use crate::events::envelope::Envelope;
use crate::events::purge::PurgeSink;
use crate::events::tx::{EventTx, on_conn};

pub struct EdgePurge<S> {
    sink: S,
}

impl<S: PurgeSink> EdgePurge<S> {
    pub fn new(sink: S) -> Self {
        Self { sink }
    }
}

/// The tags an event makes stale; `category` is looked up when the event does not carry it.
pub fn tags_for(event: &Envelope, category: Option<i64>) -> Vec<String> {
    let id = |field: &str| event.data.get(field).and_then(Value::as_i64);
    let mut tags = Vec::new();
    if let Some(product) = id("product_id") {
        tags.push(format!("product:{product}"));
    }
    if let Some(category) = id("category_id").or(category) {
        tags.push(format!("category:{category}"));
    }
    if let Some(vendor) = id("vendor_id") {
        tags.push(format!("vendor:{vendor}"));
    }
    tags.push("home".into());
    tags.push("search".into());
    tags
}

impl<S: PurgeSink> Consumer for EdgePurge<S> {
    fn name(&self) -> &'static str {
        "edge-purge"
    }

    fn wants(&self, kind: &str) -> bool {
        kind.starts_with("product.") || kind.starts_with("vendor.")
    }

    fn apply<'a>(&'a self, tx: &'a mut EventTx, event: &'a Envelope) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let product = event.data.get("product_id").and_then(Value::as_i64);
            let category = match (product, event.data.get("category_id")) {
                (Some(product), None) => on_conn!(tx, conn => sqlx::query_scalar::<_, i64>(
                    "SELECT category_id FROM products WHERE id = $1",
                )
                .bind(product)
                .fetch_optional(&mut *conn)
                .await
                .map_err(Error::db("looking up a product's category"))?),
                _ => None,
            };
            self.sink.purge(tags_for(event, category)).await
        })
    }
}
