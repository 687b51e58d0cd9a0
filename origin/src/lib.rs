//! The Linked All origin: the only writer of the catalog database, serving it as JSON to API
//! clients and as the versioned postcard wire format to the edge.
//!
//! A request's path through this crate: [`observe`] (request id, trace context, metrics) →
//! [`routes`] (parse input) → [`catalog_cache`] (encoded answers, Redis or memory; catalog reads
//! only) → [`store`] (SQL per backend) → [`negotiate`] (JSON or postcard),
//! with every failure an [`error::Error`] rendered as RFC 9457 problem details.
//!
//! Writes take the same path: a route authenticates with [`session`], parses input into the
//! domain types of [`accounts`], [`cart`] and [`order`], and calls one `Store` method that runs
//! one transaction, writing its [`events`] to the outbox in it. Checkout adds [`idempotency`];
//! payments arrive through a [`payments::PaymentProvider`] and its signed webhook.
//!
//! A session is verified by [`session`] (our tokens, or Supabase's through [`supabase`]) and
//! resolved through the [`session_cache`] (Redis or memory), which also holds signed-out
//! tokens. Beside the server runs the [`reservations`] sweeper, which releases the stock of
//! unpaid orders whose reservation has expired, the [`refunds`] sweeper, which retries refund
//! requests the payment provider refused, and, when configured, the [`cloudflare_purge`]
//! forwarder, which sends the purge journal (`store::purges`) to Cloudflare's purge API.

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
pub mod media;
pub mod negotiate;
pub mod observe;
pub mod params;
pub mod payments;
pub mod refunds;
pub mod reservations;
pub mod role;
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
pub mod testing;

pub use config::Settings;
pub use error::Error;
/// The events crate, under the name the origin's modules have always used for it.
pub use linkedall_events as events;
/// The store crate, under the name the origin's modules have always used for it.
pub use linkedall_store as store;
pub use linkedall_store::{Store, cart, order};
pub use startup::Origin;
