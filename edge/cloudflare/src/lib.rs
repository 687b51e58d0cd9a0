//! Cloudflare Workers adapter: `#[event(fetch)]` translates the `worker` crate's request into
//! an `http::Request<Bytes>`, hands it to the edge core with a [`WorkersHost`], and translates
//! the answer back. No behaviour lives here; see `linkedall_edge::handle`.
//!
//! Built for wasm32-unknown-unknown by `cargo xtask wasm worker` (wasm-bindgen + wasm-opt + the
//! few lines of `shim.mjs`), run by `wrangler dev` or Miniflare, deployed by `wrangler deploy`.

mod convert;
mod host;

use std::rc::Rc;

use worker::{Context, Env, Request, Response, Result, event};

use host::{OriginConfig, WorkersHost};

#[event(fetch)]
async fn fetch(request: Request, env: Env, ctx: Context) -> Result<Response> {
    linkedall_edge::instance_metrics::install();
    let geo = host::geo_from_cf(&request);
    let origin = OriginConfig::from_env(&env);
    let url = request.url()?;
    let request = convert::request_to_http(request).await?;
    let ctx = Rc::new(ctx);
    let host = Rc::new(WorkersHost::new(origin, geo, ctx.clone(), &url));
    let served = linkedall_edge::serve(request, &*host).await;
    if let Some(revalidation) = served.background {
        // Stale-while-revalidate: the shopper has the stale page; refresh it after the response.
        ctx.wait_until(async move { revalidation.run(&*host).await });
    }
    convert::response_from_http(served.response)
}
