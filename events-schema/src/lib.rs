//! `linkedall-events-schema`: what an event of the shop *is*, apart from how it travels.
//!
//! - [`payloads`]: the Rust type of every event kind's payload. Each current type implements
//!   [`Payload`], which names its kind and version, so an [`Event`] is made from a typed value
//!   and no call site spells a kind as a string.
//! - [`catalogue`]: every kind and version the shop has ever written, with upcasting of old
//!   versions when they are read.
//! - [`registry`]: the JSON Schema of each kind and version (generated from the types, committed
//!   under `events-schema/schemas/`), and the rule that tells compatible changes from breaking ones.
//! - [`envelope`]: the CloudEvents 1.0 envelope every event travels in on the bus.
//!
//! The store writes [`Event`]s to its outbox; the events crate moves them as [`Envelope`]s.
//! This crate is a leaf (no I/O) and builds for wasm, so an edge can read events too.

pub mod catalogue;
pub mod envelope;
pub mod error;
pub mod event;
pub mod payload;
pub mod payloads;
pub mod registry;

pub use envelope::Envelope;
pub use error::SchemaError;
pub use event::Event;
pub use payload::Payload;
