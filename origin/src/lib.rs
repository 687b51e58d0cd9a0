//! The Linked All origin: the HTTP API over the shop's database, serving JSON to API clients
//! and the versioned postcard wire format to the edge, and the binary whose roles run it
//! ([`role`]: `serve`, `relay`, `consumers`, `sweeper`, `all`, `migrate`).
//!
//! It sits on top of three crates, and dependencies point one way (checked by `cargo xtask
//! test`): `linkedall-events-schema` (what an event is), `linkedall-store` (every SQL
//! statement, the order state machine, its own error) and `linkedall-events` (bus, relay,
//! consumers, replay); each is used under its own name, and their errors map into
//! [`error::Error`].
//!
//! A request's path through this crate: [`observe`] (request id, trace context, metrics) →
//! [`routes`] (parse input) → [`catalog_cache`] (encoded answers, Redis or memory; catalog reads
//! only) → the store → [`negotiate`] (JSON or postcard), with every failure an
//! [`error::Error`] rendered as RFC 9457 problem details (store and events errors map into it).
//!
//! Writes take the same path: a route authenticates with [`session`], parses input into the
//! store's domain types, and calls one `Store` method that runs one transaction, writing its
//! events to the outbox in it. Checkout adds [`idempotency`]; payments arrive through a
//! [`payments::PaymentProvider`] and its signed webhook.
//!
//! A session is verified by [`session`] (our tokens, or Supabase's through [`supabase`]) and
//! resolved through the [`session_cache`] (Redis or memory), which also holds signed-out
//! tokens. The [`sweepers`] release the stock of expired reservations ([`reservations`]),
//! retry refunds the provider refused ([`refunds`]) and, when configured, forward the purge
//! journal to Cloudflare ([`cloudflare_purge`]).

pub mod accounts;
pub mod catalog_cache;
pub mod client_address;
pub mod cloudflare_purge;
pub mod config;
pub mod cookie_writes;
pub mod deployment;
pub mod error;
pub mod idempotency;
pub mod login_limit;
pub mod mail;
pub mod media;
pub mod negotiate;
pub mod observe;
pub mod params;
pub mod payments;
pub mod picture;
pub mod redis_span;
pub mod refunds;
pub mod reservations;
pub mod role;
pub mod role_metrics;
pub mod routes;
pub mod secret;
pub mod seed;
pub mod session;
pub mod session_cache;
pub mod startup;
pub mod supabase;
pub mod sweepers;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod test_client;
#[cfg(feature = "testing")]
pub mod test_smtp;
#[cfg(feature = "testing")]
pub mod testing;

pub use config::Settings;
pub use error::Error;
pub use startup::Origin;
