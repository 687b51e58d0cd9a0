//! `linkedall-edge-dev`: the native edge host on its own, in front of a running origin.

use std::net::SocketAddr;

use clap::Parser;
use linkedall_edge_dev::{EdgeDevConfig, EdgeServer};

#[derive(Parser)]
#[command(name = "linkedall-edge-dev", about = "Linked All edge, native host")]
struct Cli {
    #[arg(long, env = "LINKEDALL_EDGE_LISTEN", default_value = "127.0.0.1:3000")]
    listen: SocketAddr,
    #[arg(long, env = "LINKEDALL_ORIGIN_URL", default_value = "http://127.0.0.1:8080")]
    origin_url: String,
    /// Header carrying the shopper's ISO country code, set by the load balancer in front.
    #[arg(long, env = "LINKEDALL_GEO_HEADER", default_value = "x-linkedall-country")]
    geo_header: String,
    /// Most pages held in the in-memory cache (least recently used evicted first).
    #[arg(long, env = "LINKEDALL_EDGE_CACHE_CAPACITY", default_value_t = 10_000)]
    cache_capacity: usize,
    /// Worker threads; defaults to the number of cores.
    #[arg(long, env = "LINKEDALL_EDGE_WORKERS")]
    workers: Option<usize>,
    /// Milliseconds an origin request may take before the shopper gets the "unavailable" page.
    #[arg(long, env = "LINKEDALL_EDGE_ORIGIN_TIMEOUT_MS", default_value_t = 5_000)]
    origin_timeout_ms: u64,
    /// An origin site's base URL, `site=url` (repeat per site; or comma-separated in the
    /// variable): shoppers go to their region's nearest healthy site.
    #[arg(long = "origin-site", env = "LINKEDALL_ORIGIN_SITES", value_delimiter = ',', value_parser = linkedall_edge_dev::parse_origin_site)]
    origin_sites: Vec<(linkedall_shared::OriginSite, String)>,
    /// Seconds past its TTL a cached page may still be served, with a read-only notice, when
    /// no origin answers.
    #[arg(long, env = "LINKEDALL_EDGE_MAX_STALE_SECS", default_value_t = linkedall_edge::cache::DEFAULT_MAX_STALE_SECS)]
    max_stale_secs: u64,
    /// Keys verifying signed image URLs, `kid:secret` pairs separated by commas; the first
    /// signs. Without any, only preset image sizes are served.
    #[arg(long, env = "LINKEDALL_IMAGE_SIGNING_KEYS", default_value = "", hide_env_values = true, value_parser = parse_keys)]
    image_signing_keys: linkedall_shared::image_signature::SigningKeys,
    /// Bearer token that opens `/metrics`; without it `/metrics` answers loopback clients only.
    #[arg(long, env = "LINKEDALL_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// Token sent to the origin when reading its purge journal (its `LINKEDALL_PURGE_FEED_TOKEN`).
    #[arg(long, env = "LINKEDALL_PURGE_FEED_TOKEN", hide_env_values = true)]
    purge_feed_token: Option<String>,
}

fn parse_keys(raw: &str) -> Result<linkedall_shared::image_signature::SigningKeys, String> {
    linkedall_shared::image_signature::SigningKeys::parse(raw).map_err(|e| e.to_string())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    linkedall_telemetry::init_logs(linkedall_telemetry::LogFormat::Json, "linkedall-edge", "info");
    let defaults = EdgeDevConfig::default();
    let server = EdgeServer::start(
        std::net::TcpListener::bind(cli.listen)?,
        EdgeDevConfig {
            origin_url: cli.origin_url,
            geo_header: cli.geo_header,
            cache_capacity: cli.cache_capacity,
            origin_timeout_ms: cli.origin_timeout_ms,
            workers: cli.workers.unwrap_or(defaults.workers),
            origin_sites: cli.origin_sites,
            max_stale_secs: cli.max_stale_secs,
            image_signing_keys: cli.image_signing_keys,
            metrics_token: cli.metrics_token.filter(|t| !t.trim().is_empty()),
            purge_feed_token: cli.purge_feed_token.filter(|t| !t.trim().is_empty()),
            ..defaults
        },
    )?;
    println!("edge listening on http://{}/", server.local_addr());
    tokio::signal::ctrl_c().await?;
    server.shutdown().await;
    tokio::task::spawn_blocking(linkedall_telemetry::flush_traces).await?;
    Ok(())
}
