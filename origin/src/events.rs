//! Events written to the outbox in the same transaction as the change they describe, so a
//! change is never published without having happened, nor happens without being published.
//! (Publishing them is the relay's job, another issue.)

use serde_json::Value;

/// One outbox row: `kind` is the event type (`order.created`), `subject` what it is about
/// (`order/42`), `payload` the facts a consumer needs without calling back.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: &'static str,
    pub subject: String,
    pub payload: Value,
}

impl Event {
    pub fn new(kind: &'static str, subject: String, payload: Value) -> Self {
        Self { kind, subject, payload }
    }

    pub fn about_user(kind: &'static str, user: i64, payload: Value) -> Self {
        Self::new(kind, format!("user/{user}"), payload)
    }

    pub fn about_order(kind: &'static str, order: i64, payload: Value) -> Self {
        Self::new(kind, format!("order/{order}"), payload)
    }

    pub fn about_product(kind: &'static str, product: i64, payload: Value) -> Self {
        Self::new(kind, format!("product/{product}"), payload)
    }
}
