//! `linkedall-origin`: serve the API, or seed the catalog.

use clap::{Parser, Subcommand};
use linkedall_origin::config::{LogFormat, Settings};
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
