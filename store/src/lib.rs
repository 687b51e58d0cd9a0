//! `linkedall-store`: the shop's database — PostgreSQL in production and CI, SQLite as the
//! embedded default — its migrations, its rows and every SQL statement of the shop. No HTTP:
//! the API (`linkedall-origin`) maps this crate's [`Error`] to problem responses, the relay and
//! consumers log it.
//!
//! [`Store`] picks a backend from the database URL and every caller stays backend-agnostic.
//! Migrations live per backend under `store/migrations/` and are applied at start.
//!
//! Each concept of the shop (accounts, carts, checkout, orders, cancellation, reservations,
//! payments, refunds, the ledger, exchange rates, vendor products and their photos) is one
//! file here: its `impl Store` methods and the business steps behind them, ordinary async
//! functions. A step that writes runs in a [`WriteTx`](write_tx::WriteTx), and every write that
//! changes state appends its events to the outbox in that same transaction; a read runs
//! straight on the pool. Each statement is written once, with `$n` placeholders, inside
//! `on_conn!` (a transaction's or a pooled connection, [`conn::Conn`]) or `on_pool!` (see
//! `conn.rs`), which expand it for each backend's connection type. Where PostgreSQL's SQL and
//! SQLite's differ (timestamps, row locks), the statement takes the named piece from
//! [`Dialect`](dialect::Dialect); `postgres.rs` and `sqlite.rs` hold those pieces, full-text
//! search (which differs legitimately) and the catalog, outbox and purge-journal queries still
//! instantiated per backend by macro.

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
pub mod postgres;
mod queries;
mod rows;
pub mod sqlite;
mod timing;
pub mod write_tx;

use std::str::FromStr;
use std::time::Duration;

use linkedall_shared::{
    Category, CategoryId, Cursor, HomeFeed, Limit, ProductCard, ProductDetail, ProductId, SearchResults,
    VendorId, VendorStorefront,
};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub use cause::Cause;
/// Reads outside a transaction, written once for both backends (see `conn.rs`).
pub(crate) use conn::on_pool;
pub use error::{Error, Result};
pub use rows::image_path;

/// How many featured products the home page shows.
pub const FEATURED_ON_HOME: u32 = 12;

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

/// Pairs of (items, next cursor): a listing fetched with one row more than asked for, so we
/// know whether another page follows without counting.
fn into_page(mut items: Vec<ProductCard>, limit: Limit) -> (Vec<ProductCard>, Option<Cursor>) {
    let limit = limit.get() as usize;
    if items.len() > limit {
        items.truncate(limit);
        let next = items.last().map(|card| Cursor::after(card.id));
        (items, next)
    } else {
        (items, None)
    }
}

/// Calls the function of the same path in the store's backend module, with its pool first.
macro_rules! on_backend {
    ($store:expr, $($module_fn:ident)::+ ( $($arg:expr),* )) => {
        match $store {
            Store::Postgres(pool) => $crate::postgres::$($module_fn)::+(pool, $($arg),*).await,
            Store::Sqlite(pool) => $crate::sqlite::$($module_fn)::+(pool, $($arg),*).await,
        }
    };
}

// The shop's concepts. Declared after `on_backend!` so the outbox's and the purge journal's
// `impl Store` blocks can use it.
pub mod accounts;
pub mod cancellation;
pub mod carts;
pub mod checkout;
pub mod fx_rates;
pub mod ledger;
pub mod order_items;
pub mod orders;
pub mod outbox;
pub mod payments;
pub mod product_photos;
pub mod purges;
pub mod refunds;
pub mod reservations;
pub mod schema_outline;
pub mod vendor_products;

// What the event consumers keep and read, the dead letters, and the read models replay
// rebuilds.
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

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> Result<()> {
        on_backend!(self, ping())
    }

    pub async fn product_count(&self) -> Result<i64> {
        on_backend!(self, product_count())
    }

    pub async fn categories(&self) -> Result<Vec<Category>> {
        on_backend!(self, categories())
    }

    pub async fn category_by_slug(&self, slug: &str) -> Result<Option<Category>> {
        on_backend!(self, category_by_slug(slug))
    }

    pub async fn home(&self) -> Result<HomeFeed> {
        let categories = self.categories().await?;
        let featured = on_backend!(self, featured(FEATURED_ON_HOME))?;
        Ok(HomeFeed { categories, featured })
    }

    /// A page of products, all or within one category, in id order after `cursor`.
    pub async fn products(
        &self,
        category: Option<CategoryId>,
        cursor: Option<Cursor>,
        limit: Limit,
    ) -> Result<(Vec<ProductCard>, Option<Cursor>)> {
        let after = cursor.map_or(0, |c| c.last_product().get());
        let rows = on_backend!(self, products(category, after, i64::from(limit.get()) + 1))?;
        Ok(into_page(rows, limit))
    }

    pub async fn product(&self, id: ProductId) -> Result<Option<ProductDetail>> {
        on_backend!(self, product(id))
    }

    pub async fn vendor_storefront(
        &self,
        id: VendorId,
        cursor: Option<Cursor>,
        limit: Limit,
    ) -> Result<Option<VendorStorefront>> {
        let after = cursor.map_or(0, |c| c.last_product().get());
        let Some((vendor, rows)) =
            on_backend!(self, vendor_with_products(id, after, i64::from(limit.get()) + 1))?
        else {
            return Ok(None);
        };
        let (products, next_cursor) = into_page(rows, limit);
        Ok(Some(VendorStorefront { vendor, products, next_cursor }))
    }

    /// Ranked full-text search over product names (weighted higher) and descriptions.
    pub async fn search(&self, query: &str, limit: Limit) -> Result<SearchResults> {
        let items = on_backend!(self, search(query, i64::from(limit.get())))?;
        Ok(SearchResults { query: query.to_owned(), items })
    }

    /// Name and category slug of a product, for its generated picture.
    pub async fn product_label(&self, id: ProductId) -> Result<Option<(String, String)>> {
        on_backend!(self, product_label(id))
    }
}
