//! `cargo run --release`: the whole shop on one machine.
//!
//! Starts the origin (SQLite under `./data` by default, seeded with a demo catalog on first
//! run) and the native edge host in front of it, prints the shopper URL, and on Ctrl-C stops
//! the edge first (so no shopper request is cut off mid-way to the origin), then the origin.

use std::io::Write;
use std::net::SocketAddr;

use clap::Parser;
use linkedall_edge_dev::{EdgeDevConfig, EdgeServer};
use linkedall_origin::config::{LogFormat, Settings};
use linkedall_origin::seed::{SeedOptions, seed};
use linkedall_origin::{Origin, telemetry};
use tokio::sync::watch;

#[derive(Parser)]
#[command(name = "linkedall", about = "Linked All demo stack: origin + native edge host")]
struct Cli {
    #[command(flatten)]
    origin: Settings,

    /// Address shoppers connect to (the edge).
    #[arg(long = "edge-listen", env = "LINKEDALL_EDGE_LISTEN", default_value = "127.0.0.1:3000")]
    edge_listen: SocketAddr,

    /// Products to generate when the catalog is empty (0 to start empty).
    #[arg(long, env = "LINKEDALL_DEMO_PRODUCTS", default_value_t = 5_000)]
    demo_products: u64,

    /// Log format.
    #[arg(long, env = "LINKEDALL_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty)]
    log_format: LogFormat,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init_tracing(cli.log_format);

    let mut origin = Origin::build(&cli.origin).await?;
    let store = origin.state.store.clone();
    if cli.demo_products > 0 && store.product_count().await? == 0 {
        tracing::info!(products = cli.demo_products, "empty catalog: seeding the demo marketplace");
        seed(&store, &SeedOptions { products: cli.demo_products, seed: 2026, reset: false, progress: true })
            .await?;
    }
    // Demo accounts, in a demo catalog only (a stack started with `--demo-products 0` has none).
    let accounts = if cli.demo_products > 0 {
        linkedall_origin::seed::demo_accounts::ensure(&store, &origin.state.passwords).await?
    } else {
        Vec::new()
    };

    // Bound first, so that mail links lead to this edge unless the shop's address is set.
    let edge_listener = std::net::TcpListener::bind(cli.edge_listen)?;
    if cli.origin.mail.shop_url.is_none() {
        origin = origin.with_shop_url(&format!("http://{}", edge_listener.local_addr()?));
    }
    let origin_listener = tokio::net::TcpListener::bind(cli.origin.service.listen).await?;
    let origin_addr = origin_listener.local_addr()?;
    let (stop_origin, origin_stopped) = watch::channel(false);
    let origin_task = tokio::spawn(origin.serve(origin_listener, async move {
        let mut stopped = origin_stopped;
        let _ = stopped.wait_for(|stop| *stop).await;
    }));

    let edge = EdgeServer::start(
        edge_listener,
        EdgeDevConfig {
            origin_url: format!("http://{origin_addr}"),
            metrics: Some(telemetry::prometheus()),
            // One process, one set of tokens: the edge asks for the metrics token the origin
            // asks for, and sends the purge feed's.
            metrics_token: token(cli.origin.operators.metrics_token.as_ref()),
            purge_feed_token: token(cli.origin.operators.purge_feed_token.as_ref()),
            ..EdgeDevConfig::default()
        },
    )?;
    // Listen for Ctrl-C / SIGTERM before announcing the URL, so a signal sent the moment the
    // URL appears is not lost.
    let stop = shutdown_signal()?;
    let shop_url = format!("http://{}/", edge.local_addr());
    tracing::info!(%shop_url, origin = %origin_addr, "Linked All is running");
    // A closed stdout (say, piped into `head`) must not take the shop down with it.
    let mut banner = format!(
        "\n  Linked All is running. Open {shop_url}\n  (origin API at http://{origin_addr}/api/v1/home; Ctrl-C to stop)\n"
    );
    if !accounts.is_empty() {
        banner.push_str("\n  Demo accounts (this demo only; sign in at /login):\n");
        for account in &accounts {
            banner.push_str(&format!(
                "    {:<8} {:<32} {}\n",
                account.role.as_str(),
                account.email,
                account.password
            ));
        }
    }
    let _ = writeln!(std::io::stdout(), "{banner}");

    stop.await;
    tracing::info!("shutting down: edge first, then origin");
    edge.shutdown().await;
    let _ = stop_origin.send(true);
    origin_task.await??;
    tokio::task::spawn_blocking(telemetry::flush_traces).await?;
    Ok(())
}

fn token(secret: Option<&linkedall_origin::secret::Secret>) -> Option<String> {
    secret.filter(|s| !s.is_blank()).map(|s| s.expose().trim().to_owned())
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM (what Kubernetes and systemd send). The handlers are
/// installed when this is called, not when it is first awaited.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (mut interrupt, mut terminate) =
            (signal(SignalKind::interrupt())?, signal(SignalKind::terminate())?);
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}
