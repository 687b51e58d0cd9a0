//! Spin adapter: the edge core as a WASI 0.2 HTTP component (spin-sdk 5). `#[http_component]`
//! hands the request, already in `http` crate types, to `linkedall_edge::handle` with a
//! [`SpinHost`]; nothing else happens here.
//!
//! Built for wasm32-wasip2 by `cargo xtask wasm spin`; run by `spin up` (spin.toml at the
//! repository root) or, where no Spin CLI is installed, by `node tests/hosts/spin.mjs`.

mod host;
mod sleep;

use bytes::Bytes;
use spin_sdk::http_component;

use host::{SpinConfig, SpinHost};

#[http_component]
async fn handle(request: http::Request<Bytes>) -> http::Response<Bytes> {
    linkedall_edge::instance_metrics::install();
    let host = SpinHost::new(SpinConfig::from_variables());
    linkedall_edge::handle(request, &host).await
}
