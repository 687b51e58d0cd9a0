//! `linkedall-origin`: one binary, several roles (see [`linkedall_origin::role`]) — serve the
//! API, relay the outbox, run the consumers or the sweepers, or all of them in one process —
//! plus the one-shot jobs: migrate, seed, replay.

use clap::{Parser, Subcommand};
use linkedall_events::replay::ReplayOptions;
use linkedall_origin::config::{LogFormat, Settings};
use linkedall_origin::role::{self, Role};
use linkedall_origin::seed::{SeedOptions, seed};
use linkedall_origin::telemetry;

#[derive(Parser)]
#[command(name = "linkedall-origin", about = "Linked All origin service")]
struct Cli {
    #[command(flatten)]
    settings: Settings,

    /// Log format.
    #[arg(long, env = "LINKEDALL_LOG_FORMAT", value_enum, default_value_t)]
    log_format: LogFormat,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Every role in this process: the API, relay, consumers and sweepers (the default; the
    /// demo and the embedded defaults).
    All,
    /// Serve the HTTP API only.
    Serve,
    /// Publish the outbox to the bus (JetStream); several relays may run against one database.
    Relay,
    /// Apply events from the bus (JetStream): edge purges, inventory, analytics, fraud,
    /// recommendations, the read models.
    Consumers,
    /// Release expired reservations, retry refused refunds, forward purges to Cloudflare.
    Sweeper,
    /// Apply pending database migrations, then exit (run before a release's other roles).
    Migrate,
    /// Fill the catalog with a generated African marketplace.
    Seed {
        /// How many products to create.
        #[arg(long, default_value_t = 5_000)]
        products: u64,
        /// Random seed: the same seed gives the same catalog.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Delete the existing catalog first.
        #[arg(long)]
        reset: bool,
    },
    /// Rebuild the read models (order history, vendor sales, analytics) from the event store.
    Replay {
        /// Start from the newest snapshot instead of from nothing.
        #[arg(long)]
        from_snapshot: bool,
        /// Save a snapshot of the read models every N events.
        #[arg(long)]
        snapshot_every: Option<u64>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init_tracing(cli.log_format);
    let result = run(cli).await;
    // The spans of the last moments, still in the exporter's batch.
    tokio::task::spawn_blocking(linkedall_telemetry::flush_traces).await?;
    result
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::All) {
        Command::All => Role::All.run(&cli.settings, shutdown_signal()).await?,
        Command::Serve => Role::Serve.run(&cli.settings, shutdown_signal()).await?,
        Command::Relay => Role::Relay.run(&cli.settings, shutdown_signal()).await?,
        Command::Consumers => Role::Consumers.run(&cli.settings, shutdown_signal()).await?,
        Command::Sweeper => Role::Sweeper.run(&cli.settings, shutdown_signal()).await?,
        Command::Migrate => {
            let store = role::connect(&cli.settings).await?;
            println!("migrations applied ({:?})", store.backend());
        }
        Command::Replay { from_snapshot, snapshot_every } => {
            let store = role::connect(&cli.settings).await?;
            let report =
                linkedall_events::replay::rebuild(&store, ReplayOptions { from_snapshot, snapshot_every })
                    .await?;
            println!(
                "replayed {} events after #{} into the read models ({} snapshots taken)",
                report.events, report.started_after, report.snapshots_taken
            );
        }
        Command::Seed { products, seed: rng_seed, reset } => {
            let store = role::connect(&cli.settings).await?;
            let report =
                seed(&store, &SeedOptions { products, seed: rng_seed, reset, progress: true }).await?;
            println!(
                "seeded {} products from {} vendors in {:.1} s",
                report.products,
                report.vendors,
                report.elapsed.as_secs_f64()
            );
        }
    }
    Ok(())
}

/// Ctrl-C, or SIGTERM as containers and Kubernetes send it.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("installing the SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("shutdown requested");
}
