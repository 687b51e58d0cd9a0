//! `linkedall-origin`: serve the API, or seed the catalog.

use clap::{Parser, Subcommand};
use linkedall_origin::config::{LogFormat, Settings};
use linkedall_origin::events;
use linkedall_origin::events::replay::ReplayOptions;
use linkedall_origin::seed::{SeedOptions, seed};
use linkedall_origin::store::{PoolSettings, Store};
use linkedall_origin::{Origin, telemetry};

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
    /// Serve the API (the default).
    Serve,
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
    /// Publish the outbox to the bus and run the consumers, without serving HTTP (several
    /// relays may run against one PostgreSQL database).
    Relay {
        /// Only relay; leave consuming to other processes.
        #[arg(long)]
        no_consumers: bool,
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
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let origin = Origin::build(&cli.settings).await?;
            let listener = tokio::net::TcpListener::bind(cli.settings.listen).await?;
            origin.serve(listener, shutdown_signal()).await?;
        }
        Command::Relay { no_consumers } => {
            let mut origin = Origin::build(&cli.settings).await?;
            if no_consumers {
                origin.events.consumers.clear();
            }
            let Some(events) = events::service::spawn(origin.state.store.clone(), origin.events.clone())
            else {
                anyhow::bail!("LINKEDALL_EVENTS=off: there is nothing to relay to");
            };
            shutdown_signal().await;
            events.stop().await;
        }
        Command::Replay { from_snapshot, snapshot_every } => {
            let store = Store::connect(&cli.settings.database_url, &PoolSettings::default()).await?;
            store.migrate().await?;
            let report =
                events::replay::rebuild(&store, ReplayOptions { from_snapshot, snapshot_every }).await?;
            println!(
                "replayed {} events after #{} into the read models ({} snapshots taken)",
                report.events, report.started_after, report.snapshots_taken
            );
        }
        Command::Seed { products, seed: rng_seed, reset } => {
            let store = Store::connect(&cli.settings.database_url, &PoolSettings::default()).await?;
            store.migrate().await?;
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

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("shutdown requested");
}
