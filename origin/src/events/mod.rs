//! Events: every change in the shop, told to whoever reacts to it.
//!
//! The path of one event, by file:
//!
//! 1. A store method writes an [`Event`] to the outbox in the transaction of its change
//!    (`store/outbox.rs`), with the [`context::Cause`] of the request that made it (its W3C
//!    `traceparent`, client address and country).
//! 2. The [`relay`] reads unsent outbox rows in order, wraps each in a CloudEvents 1.0
//!    [`envelope::Envelope`] whose id is the row's id, publishes it on the [`bus`] (NATS
//!    JetStream, or in-process for the embedded default) and marks it sent only after the bus
//!    acknowledged it. The bus drops a second publication of the same id.
//! 3. The [`runner`] delivers envelopes to each [`consumer::Consumer`] (edge purge, inventory,
//!    analytics, fraud, recommendations, the read-model projections under [`consumers`]),
//!    recording the event id in `processed_events` in the same transaction as the effect, so a
//!    redelivered event changes nothing twice. Failures are retried with backoff and after
//!    the last attempt go to the [`dead_letters`].
//! 4. The payload of each type and version has a JSON Schema ([`schemas`]), generated from
//!    the Rust types in [`catalogue`]; old versions are upcast when read.
//! 5. [`replay`] rebuilds the read models from the outbox, which is also the event store.

pub mod bus;
pub mod catalogue;
pub mod consumer;
pub mod consumers;
pub mod context;
pub mod dead_letters;
pub mod envelope;
pub mod jetstream;
pub mod purge;
pub mod relay;
pub mod replay;
pub mod runner;
pub mod schemas;
pub mod service;
pub mod tx;

use serde_json::Value;

pub use bus::Bus;
pub use context::Cause;
pub use envelope::Envelope;

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

    /// An event whose payload is one of the [`catalogue`]'s types.
    pub fn typed(kind: &'static str, subject: String, payload: &impl serde::Serialize) -> Self {
        // The catalogue's types are plain data: serialising them cannot fail.
        Self::new(kind, subject, serde_json::to_value(payload).unwrap_or(Value::Null))
    }

    /// An event about product `product` (subject `product/{id}`) with a catalogue payload.
    pub fn about_product(kind: &'static str, product: i64, payload: &impl serde::Serialize) -> Self {
        Self::typed(kind, format!("product/{product}"), payload)
    }
}
