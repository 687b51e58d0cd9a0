//! `linkedall-store`: the shop's database — PostgreSQL in production and CI, SQLite as the
//! embedded default — its migrations, its rows and every SQL statement of the shop. No HTTP:
//! the API (`linkedall-origin`) maps this crate's [`Error`] to problem responses, the relay and
//! consumers log it.
//!
//! [`Store`] picks a backend from the database URL and every caller stays backend-agnostic.
//! Migrations live per backend under `store/migrations/` and are applied at start.
//!
//! Each concept of the shop (the catalog, accounts, carts, checkout, orders, cancellation,
//! reservations, payments, refunds, the ledger, exchange rates, vendor products and their
//! photos, reviews, and what the event consumers keep) is one
//! file here: its `impl Store` methods and the business steps behind them, ordinary async
//! functions. A step that writes runs in a [`WriteTx`](write_tx::WriteTx), and every write that
//! changes state appends its events to the outbox in that same transaction; a read runs
//! straight on the pool. Each statement is written once, with `$n` placeholders, inside
//! `on_conn!` (a transaction's or a pooled connection, [`conn::Conn`]) or `on_pool!` (see
//! `conn.rs`), which expand it for each backend's connection type. Where PostgreSQL's SQL and
//! SQLite's differ (timestamps, row locks), the statement takes the named piece from
//! [`Dialect`](dialect::Dialect); full-text search, the one query that differs as a whole, has
//! a file per backend under `search/`.

pub mod account;
pub mod audit_trail;
pub mod cart;
pub mod cause;
pub mod conn;
pub mod dialect;
pub mod error;
pub mod idempotency;
pub mod order;
pub mod payment;
mod rows;
mod timing;
pub mod write_tx;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub use catalog::FEATURED_ON_HOME;
pub use cause::Cause;
/// Reads outside a transaction, written once for both backends (see `conn.rs`).
pub(crate) use conn::on_pool;
pub use error::{Error, Result};
pub use rows::image_path;

/// A connection pool to one of the two supported databases.
#[derive(Clone, Debug)]
pub enum Store {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// Which database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    pub fn of_url(url: &str) -> Result<Backend> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else {
            Err(Error::Config(format!(
                "database URL must start with postgres:// or sqlite: (got {:?})",
                url.split(':').next().unwrap_or_default()
            )))
        }
    }
}

/// Connection settings beyond the URL.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub max_connections: u32,
    /// PostgreSQL only: run every connection with this `search_path`, so tests can each use a
    /// schema of their own.
    pub schema: Option<String>,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self { max_connections: 16, schema: None }
    }
}

// The shop's concepts.
pub mod accounts;
pub mod addresses;
pub mod cancellation;
pub mod carts;
pub mod catalog;
pub mod catalog_load;
pub mod checkout;
pub mod fx_rates;
pub mod ledger;
pub mod order_items;
pub mod orders;
pub mod outbox;
pub mod password_resets;
pub mod pay_on_delivery;
pub mod payments;
pub mod product_photos;
pub mod purge_forwarding;
pub mod purges;
pub mod refunds;
pub mod reservations;
pub mod reviews;
pub mod schema_outline;
pub mod search;
pub mod shipping_zones;
pub mod stock_sheet;
pub mod vendor_earnings;
pub mod vendor_products;
pub mod vendor_suspensions;

// What the event consumers keep and read, the dead letters, and the read models replay
// rebuilds.
pub mod consumer_lag;
pub mod dead_letters;
pub mod fraud_checks;
pub mod order_analytics;
pub mod order_history;
pub mod read_models;
pub mod recommendations;
pub mod stock_levels;
pub mod vendor_sales;

impl Store {
    /// Connects to the database at `url` (creating the SQLite file and its folder if needed).
    pub async fn connect(url: &str, settings: &PoolSettings) -> Result<Store> {
        match Backend::of_url(url)? {
            Backend::Postgres => {
                let mut options = PgConnectOptions::from_str(url)
                    .map_err(|e| Error::Config(format!("invalid PostgreSQL URL: {e}")))?;
                if let Some(schema) = &settings.schema {
                    options = options.options([("search_path", schema.as_str())]);
                }
                let pool = PgPoolOptions::new()
                    .max_connections(settings.max_connections)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect_with(options)
                    .await
                    .map_err(Error::db("connecting to PostgreSQL"))?;
                Ok(Store::Postgres(pool))
            }
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)
                    .map_err(|e| Error::Config(format!("invalid SQLite URL: {e}")))?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5));
                let file = options.get_filename();
                if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                let in_memory = file.as_os_str().is_empty() || url.contains(":memory:");
                let pool = SqlitePoolOptions::new()
                    .max_connections(if in_memory { 1 } else { settings.max_connections })
                    .acquire_timeout(Duration::from_secs(5))
                    .connect_with(options)
                    .await
                    .map_err(Error::db("opening SQLite"))?;
                Ok(Store::Sqlite(pool))
            }
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Store::Postgres(_) => Backend::Postgres,
            Store::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// Applies this backend's pending migrations.
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Store::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
            Store::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
        }
        Ok(())
    }
}
