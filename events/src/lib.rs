//! `linkedall-events`: every change in the shop, told to whoever reacts to it — the bus, the
//! relay, the consumer runner and the consumers, replay. No HTTP: the origin's roles run these
//! (`origin relay`, `origin consumers`, or inside `origin all`), and its admin routes read them.
//!
//! The path of one event, by file:
//!
//! 1. A store method writes a `linkedall_events_schema::Event` to the outbox in the transaction of its change
//!    (the store's `outbox.rs`), with the `Cause` of the request that made it (its W3C
//!    `traceparent`, client address and country).
//! 2. The [`relay`] reads unsent outbox rows in order, wraps each in a CloudEvents 1.0
//!    `Envelope` whose id is the row's id, publishes it on the [`bus`] (NATS
//!    JetStream, or in-process for the embedded default) and marks it sent only after the bus
//!    acknowledged it. The bus drops a second publication of the same id.
//! 3. The [`runner`] delivers envelopes to each [`consumer::Consumer`] (edge purge, inventory,
//!    analytics, fraud, recommendations, the read-model projections under [`consumers`]),
//!    recording the event id in `processed_events` in the same transaction as the effect, so a
//!    redelivered event changes nothing twice. Failures are retried with backoff and after
//!    the last attempt go to the [`dead_letters`].
//! 4. What an event is — its payload types, kinds, versions, schemas and envelope — lives in
//!    the `linkedall-events-schema` crate; old versions are upcast when read.
//! 5. [`replay`] rebuilds the read models from the outbox, which is also the event store.

pub mod bus;
pub mod consumer;
pub mod consumers;
pub mod dead_letters;
pub mod error;
pub mod jetstream;
pub mod purge;
pub mod relay;
pub mod replay;
pub mod runner;
pub mod service;

pub use bus::Bus;
pub use error::{Error, Result};
pub use linkedall_store::Cause;
