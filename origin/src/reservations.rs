//! The reservation sweeper: a background task of every origin that gives the stock of unpaid
//! orders back when their reservation expires (see `store/reservations.rs` for the
//! transaction). Several origins may sweep the same database at once.

use std::time::Duration;

use tokio::sync::watch;

use crate::catalog_cache::CatalogCache;
use linkedall_store::Store;

/// Orders cancelled per transaction; a sweep repeats full batches until the backlog is gone.
const BATCH: i64 = 200;

/// Sweeps expired reservations every `every` until told to stop.
pub struct ReservationSweeper {
    store: Store,
    every: Duration,
    /// Told which products got stock back, after each batch commits.
    catalog_cache: CatalogCache,
}

/// Tells a running sweeper to stop; dropping it does too.
pub struct StopSweeping(watch::Sender<bool>);

impl StopSweeping {
    pub fn stop(self) {
        let _ = self.0.send(true);
    }
}

impl ReservationSweeper {
    pub fn new(store: Store, every: Duration) -> Self {
        Self { store, every, catalog_cache: CatalogCache::off() }
    }

    /// Invalidates the released products' cached pages in `cache` after each batch.
    pub fn with_catalog_cache(mut self, cache: CatalogCache) -> Self {
        self.catalog_cache = cache;
        self
    }

    /// Starts sweeping on a task of its own; the handle stops it between batches.
    pub fn spawn(self) -> (StopSweeping, tokio::task::JoinHandle<()>) {
        let (stop, stopped) = watch::channel(false);
        (StopSweeping(stop), tokio::spawn(self.run(stopped)))
    }

    async fn run(self, mut stopped: watch::Receiver<bool>) {
        // The first sweep comes one interval after start, not during start-up.
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + self.every, self.every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tracing::info!(every_ms = self.every.as_millis() as u64, "reservation sweeper started");
        loop {
            tokio::select! {
                _ = stopped.changed() => break,
                _ = ticks.tick() => {}
            }
            loop {
                match self.store.expire_reservations(BATCH).await {
                    Ok(expired) if !expired.is_empty() => {
                        tracing::info!(orders = ?expired, "unpaid orders expired; their stock is released");
                        self.stock_released(&expired).await;
                        if (expired.len() as i64) < BATCH || *stopped.borrow() {
                            break;
                        }
                    }
                    Ok(_) => break,
                    Err(error) => {
                        tracing::warn!(%error, "sweeping expired reservations failed; retrying next tick");
                        break;
                    }
                }
            }
        }
        tracing::info!("reservation sweeper stopped");
    }

    /// Tells the catalog cache which products got stock back from the committed `orders`.
    async fn stock_released(&self, orders: &[i64]) {
        match self.store.products_of_orders(orders).await {
            Ok(products) => self.catalog_cache.products_changed(&products, "reservation expired").await,
            Err(error) => {
                tracing::error!(%error, "could not list the released products; invalidating the whole catalog cache");
                self.catalog_cache.catalog_changed("reservation expired").await;
            }
        }
    }
}
