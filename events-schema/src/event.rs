//! One event as the store writes it to its outbox, in the transaction of the change it tells.

use serde_json::Value;

use crate::{Payload, SchemaError};

/// `kind` and `version` come from the payload's type; `subject` is what the event is about
/// (`order/42`); `payload` holds the facts a consumer needs without calling back.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub kind: &'static str,
    pub version: u32,
    pub subject: String,
    pub payload: Value,
}

impl Event {
    /// An event carrying `payload`, of the kind and version its type is written as.
    pub fn new<P: Payload>(subject: impl Into<String>, payload: &P) -> Result<Self, SchemaError> {
        let payload = serde_json::to_value(payload)
            .map_err(|source| SchemaError::Unwritable { kind: P::KIND, source })?;
        Ok(Self { kind: P::KIND, version: P::VERSION, subject: subject.into(), payload })
    }

    /// An event about order `order` (subject `order/{id}`).
    pub fn about_order<P: Payload>(order: i64, payload: &P) -> Result<Self, SchemaError> {
        Self::new(format!("order/{order}"), payload)
    }

    /// An event about product `product` (subject `product/{id}`).
    pub fn about_product<P: Payload>(product: i64, payload: &P) -> Result<Self, SchemaError> {
        Self::new(format!("product/{product}"), payload)
    }

    /// An event about account `user` (subject `user/{id}`).
    pub fn about_user<P: Payload>(user: i64, payload: &P) -> Result<Self, SchemaError> {
        Self::new(format!("user/{user}"), payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payloads::{OrderConfirmed, OrderShipped, PartMoved};

    #[test]
    fn an_event_takes_its_kind_and_version_from_its_payload_type() {
        let event =
            Event::about_order(42, &OrderConfirmed { order_id: 42, reference: "ref-1".into() }).unwrap();
        assert_eq!((event.kind, event.version, event.subject.as_str()), ("order.confirmed", 1, "order/42"));
        assert_eq!(event.payload["reference"], "ref-1");
        let moved = PartMoved {
            order_id: 42,
            vendor_id: 7,
            part_state: "shipped".into(),
            whole_order: false,
            tracking_note: None,
        };
        let shipped = Event::about_order(42, &OrderShipped(moved)).unwrap();
        assert_eq!(shipped.kind, "order.shipped");
        assert_eq!(shipped.payload["vendor_id"], 7, "the kind's wrapper is transparent on the wire");
    }
}
