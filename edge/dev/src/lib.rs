//! The native edge host: the edge core (`linkedall-edge`) served by hyper with an in-memory
//! cache, for the demo stack (`cargo run`) and the end-to-end tests. It also serves its own
//! `/metrics` (Prometheus text) and `/healthz`.

mod compression;
mod config;
mod dev_host;
mod memory_cache;
mod server;

pub use config::{EdgeDevConfig, parse_origin_site};
pub use server::{EdgeServer, MAX_BODY_BYTES};
