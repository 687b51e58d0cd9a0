//! Edge purge: a product or vendor changed, or a product was reviewed (its rating is on every
//! card, its reviews on its page), so every cached page showing it is stale. The
//! tags are those the edge puts on its pages: a page that shows a product carries
//! `product:ID` (its own page, and every listing, search result and home shelf it appears
//! on), so a change to a product purges that one tag. A new product is not on any page yet:
//! the listings it joins are purged instead (`category:ID`, `vendor:ID`, `search`).
//!
//! Catalog writes already record these purges in their own transaction (`store::purges`);
//! this consumer records them again from the event, which covers changes whose writer did
//! not (image uploads, vendor changes) and is harmless otherwise: a repeated purge of one
//! tag costs at most one extra origin fetch per page.

use futures_util::future::BoxFuture;
use serde_json::Value;

use crate::consumer::Consumer;
use crate::error::Result;
use crate::purge::PurgeSink;
use linkedall_events_schema::Envelope;
use linkedall_events_schema::payloads::ProductCreated;
use linkedall_store::write_tx::WriteTx;

pub struct EdgePurge<S> {
    sink: S,
}

impl<S: PurgeSink> EdgePurge<S> {
    pub fn new(sink: S) -> Self {
        Self { sink }
    }
}

/// The tags an event makes stale.
pub fn tags_for(event: &Envelope) -> Vec<String> {
    let id = |field: &str| event.data.get(field).and_then(Value::as_i64);
    let mut tags = Vec::new();
    if event.kind.starts_with("vendor.") {
        tags.extend(id("vendor_id").map(|vendor| format!("vendor:{vendor}")));
        return tags;
    }
    if let Some(product) = id("product_id") {
        tags.push(format!("product:{product}"));
    }
    if event.is::<ProductCreated>() {
        tags.extend(id("category_id").map(|category| format!("category:{category}")));
        tags.extend(id("vendor_id").map(|vendor| format!("vendor:{vendor}")));
        tags.push("search".into());
    }
    tags
}

impl<S: PurgeSink> Consumer for EdgePurge<S> {
    fn name(&self) -> &'static str {
        "edge-purge"
    }

    fn wants(&self, kind: &str) -> bool {
        kind.starts_with("product.") || kind.starts_with("vendor.") || kind.starts_with("review.")
    }

    fn apply<'a>(&'a self, tx: &'a mut WriteTx, event: &'a Envelope) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let tags = tags_for(event);
            if tags.is_empty() {
                return Ok(());
            }
            self.sink.purge(tx, tags).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkedall_events_schema::Event;
    use linkedall_events_schema::payloads::ReviewAnswered;

    #[test]
    fn a_review_or_an_answer_purges_the_products_pages() {
        let answered = ReviewAnswered { review_id: 5, product_id: 17, vendor_id: 3, edited: false };
        let event = Event::about_product(17, &answered).unwrap();
        let envelope = Envelope {
            id: "0192f5e4-7a1b-7c3d-8e9f-0a1b2c3d4e5f".into(),
            source: linkedall_events_schema::envelope::SOURCE.into(),
            kind: event.kind.into(),
            specversion: linkedall_events_schema::envelope::SPEC_VERSION.into(),
            time: "2026-12-07T10:00:00Z".into(),
            subject: event.subject,
            datacontenttype: linkedall_events_schema::envelope::CONTENT_TYPE.into(),
            dataschema: "/api/v1/schemas/review.answered/v1".into(),
            traceparent: None,
            sequence: "1".into(),
            clientip: None,
            country: None,
            data: event.payload,
        };
        let consumer = EdgePurge::new(crate::purge::LoggedPurges::default());
        assert!(consumer.wants(&envelope.kind));
        assert_eq!(tags_for(&envelope), ["product:17"]);
    }
}
