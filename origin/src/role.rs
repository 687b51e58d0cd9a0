//! The roles one origin binary plays, as large services split theirs: `serve` answers HTTP,
//! `relay` moves the outbox to the bus, `consumers` apply events, `sweeper` runs the periodic
//! jobs; `all` runs every one in one process (the demo: SQLite and the in-process bus). Each
//! role builds only what it needs — the relay connects to the database and the bus, nothing
//! else — so production runs them as separate processes and scales each on its own.

use clap::ValueEnum;
use std::future::Future;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::{AuthSettings, Settings};
use crate::error::{Error, Result};
use crate::role_metrics;
use crate::routes::InternalTokens;
use crate::startup::{Origin, catalog_cache_for, payment_provider};
use crate::sweepers::{RunningSweepers, Sweepers};
use linkedall_events::consumers;
use linkedall_events::purge::JournalPurges;
use linkedall_events::service::{self, BusChoice, EventsPlan, RunningEvents};
use linkedall_store::{PoolSettings, Store};

/// What one origin process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Role {
    /// The HTTP API only.
    Serve,
    /// Publish the outbox to the bus.
    Relay,
    /// Apply events from the bus: edge purges, inventory, analytics, fraud, projections.
    Consumers,
    /// Expired reservations, refund retries, the Cloudflare purge forwarder.
    Sweeper,
    /// Every role in this process.
    All,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Serve => "serve",
            Role::Relay => "relay",
            Role::Consumers => "consumers",
            Role::Sweeper => "sweeper",
            Role::All => "all",
        }
    }

    /// Runs this role until `shutdown` resolves, then stops it between requests or events.
    pub async fn run(
        self,
        settings: &Settings,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<()> {
        // The recorder first, so the role's own metrics from its first moment are kept.
        crate::telemetry::prometheus();
        tracing::info!(role = self.as_str(), "origin role starting");
        metrics::gauge!("origin_role_info", "role" => self.as_str()).set(1.0);
        match self {
            Role::Serve | Role::All => {
                let mut origin = Origin::build(settings).await?;
                if self == Role::Serve {
                    origin = origin.api_only();
                }
                let listener = TcpListener::bind(settings.service.listen).await?;
                origin.serve(listener, shutdown).await
            }
            Role::Relay | Role::Consumers | Role::Sweeper => {
                let running = self.start_background(settings).await?;
                let (stop_metrics, metrics) = match settings.service.metrics_listen {
                    Some(listen) => {
                        let (stop, mut stopped) = watch::channel(false);
                        let tokens = InternalTokens::new(
                            settings.operators.metrics_token.as_ref(),
                            settings.operators.purge_feed_token.as_ref(),
                        );
                        let trusted = settings.service.trusted_edges.clone();
                        let server = tokio::spawn(role_metrics::serve(listen, tokens, trusted, async move {
                            let _ = stopped.wait_for(|stop| *stop).await;
                        }));
                        (Some(stop), Some(server))
                    }
                    None => (None, None),
                };
                shutdown.await;
                running.stop().await;
                if let (Some(stop), Some(server)) = (stop_metrics, metrics) {
                    let _ = stop.send(true);
                    server
                        .await
                        .map_err(|e| Error::Config(format!("the metrics listener failed: {e}")))??;
                }
                Ok(())
            }
        }
    }

    /// Starts the work of a background role (not `serve` or `all`).
    async fn start_background(self, settings: &Settings) -> Result<Background> {
        match self {
            Role::Relay | Role::Consumers => {
                let store = connect(settings).await?;
                let plan = events_plan(self, settings)?;
                service::spawn(store, plan)
                    .map(Background::Events)
                    .ok_or_else(|| Error::Config("LINKEDALL_EVENTS=off: this role has nothing to do".into()))
            }
            _ => {
                let auth = AuthSettings::from_settings(settings)?;
                let store = connect(settings).await?;
                let sweepers = Sweepers {
                    catalog_cache: catalog_cache_for(settings, None),
                    payments: payment_provider(&auth)?,
                    every: settings.sweeper.every(),
                    cloudflare: settings.cloudflare.settings(),
                    store,
                }
                .spawn()?;
                Ok(Background::Sweepers(sweepers))
            }
        }
    }
}

/// A background role at work.
enum Background {
    Events(RunningEvents),
    Sweepers(RunningSweepers),
}

impl Background {
    async fn stop(self) {
        match self {
            Background::Events(events) => events.stop().await,
            Background::Sweepers(sweepers) => sweepers.stop().await,
        }
    }
}

/// The database, migrated (every role may start first; migrations take a lock). The one-shot
/// jobs (`migrate`, `seed`, `replay`) open it the same way.
pub async fn connect(settings: &Settings) -> Result<Store> {
    let pool = PoolSettings { max_connections: settings.database.max_connections, schema: None };
    let store = Store::connect(&settings.database.url, &pool).await?;
    store.migrate().await?;
    Ok(store)
}

/// The relay alone, or the consumers alone, on the configured bus. The in-process bus lives
/// in one process's memory, so it only joins a relay to consumers inside `all`.
fn events_plan(role: Role, settings: &Settings) -> Result<EventsPlan> {
    let events = &settings.events;
    if events.bus_choice()? == BusChoice::InProcess {
        return Err(Error::Config(format!(
            "`origin {}` needs a bus other processes reach (LINKEDALL_EVENTS=jetstream); \
             the in-process bus only works in `origin all`",
            role.as_str()
        )));
    }
    let consumers = if role == Role::Consumers { consumers::all(JournalPurges) } else { Vec::new() };
    events.plan(role == Role::Relay, consumers)
}
