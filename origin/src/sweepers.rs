//! The sweeper role: the periodic jobs beside the API — releasing the stock of expired
//! reservations ([`crate::reservations`]), retrying refunds the provider refused
//! ([`crate::refunds`]) and, when configured, forwarding the purge journal to Cloudflare
//! ([`crate::cloudflare_purge`]). They run in `origin all` beside the server, or alone in
//! `origin sweeper`. The reservation and refund sweepers pick their rows `FOR UPDATE SKIP
//! LOCKED`, so several sweeper processes share the work; the Cloudflare forwarder saves its
//! journal position in the database, and two forwarders would only send purges twice (harmless,
//! but it spends the account's purge budget), so run one sweeper per region.

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::catalog_cache::CatalogCache;
use crate::cloudflare_purge::{CloudflarePurger, CloudflareSettings, StopPurging};
use crate::error::Result;
use crate::payments::PaymentProvider;
use crate::refunds::{RefundSweeper, StopRefunding};
use crate::reservations::{ReservationSweeper, StopSweeping};
use linkedall_store::Store;

/// What the sweepers need, and nothing else of the origin.
pub struct Sweepers {
    pub store: Store,
    /// Cleared of the products whose stock a released reservation returns.
    pub catalog_cache: CatalogCache,
    /// Asked again for the refunds it refused.
    pub payments: Arc<dyn PaymentProvider>,
    pub every: Duration,
    pub cloudflare: Option<CloudflareSettings>,
}

/// Sweepers at work; [`RunningSweepers::stop`] ends them between rounds.
pub struct RunningSweepers {
    reservations: (StopSweeping, JoinHandle<()>),
    refunds: (StopRefunding, JoinHandle<()>),
    cloudflare: Option<(StopPurging, JoinHandle<()>)>,
}

impl Sweepers {
    pub fn spawn(self) -> Result<RunningSweepers> {
        let cloudflare = match self.cloudflare {
            Some(settings) => Some(CloudflarePurger::new(self.store.clone(), settings)?.spawn()),
            None => None,
        };
        let reservations = ReservationSweeper::new(self.store.clone(), self.every)
            .with_catalog_cache(self.catalog_cache)
            .spawn();
        let refunds = RefundSweeper::new(self.store, self.payments, self.every).spawn();
        Ok(RunningSweepers { reservations, refunds, cloudflare })
    }
}

impl RunningSweepers {
    pub async fn stop(self) {
        let (stop, task) = self.reservations;
        stop.stop();
        let _ = task.await;
        let (stop, task) = self.refunds;
        stop.stop();
        let _ = task.await;
        if let Some((stop, task)) = self.cloudflare {
            stop.stop();
            let _ = task.await;
        }
    }
}
