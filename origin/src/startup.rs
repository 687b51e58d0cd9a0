//! Building and running the origin: connect, migrate, route, serve until told to stop.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;

use crate::accounts::Passwords;
use crate::catalog_cache::{self, CatalogCache, RedisCatalog};
use crate::client_address::TrustedEdges;
use crate::cloudflare_purge::{CloudflarePurger, CloudflareSettings};
use crate::config::{AuthSettings, Settings};
use crate::error::Result;
use crate::events::consumers;
use crate::events::purge::JournalPurges;
use crate::events::service::EventsPlan;
use crate::login_limit::{LoginLimiter, RegistrationLimit};
use crate::media::MediaStore;
use crate::payments::paystack::PaystackProvider;
use crate::payments::{PaymentProvider, SandboxProvider};
use crate::refunds::RefundSweeper;
use crate::reservations::ReservationSweeper;
use crate::routes::{AppState, InternalTokens, router};
use crate::session::SessionKeys;
use crate::session_cache::SessionCache;
use crate::store::{PoolSettings, Store};
use crate::supabase::SupabaseVerifier;
use crate::telemetry;

/// How often an origin sweeps expired reservations unless told otherwise.
pub const DEFAULT_SWEEP_EVERY: Duration = Duration::from_secs(30);

/// The site name of an origin not told which region it serves.
pub const DEFAULT_SITE: &str = "local";

/// A ready-to-serve origin: database connected and migrated.
pub struct Origin {
    pub state: AppState,
    /// How often [`Origin::serve`]'s reservation sweeper runs.
    pub sweep_every: Duration,
    /// Where purges are forwarded to Cloudflare, when configured.
    pub cloudflare: Option<CloudflareSettings>,
    /// The relay and consumers [`Origin::serve`] runs beside the server (none by default;
    /// [`Origin::build`] takes them from the settings).
    pub events: EventsPlan,
}

impl Origin {
    /// Connects to the configured database and applies pending migrations.
    pub async fn build(settings: &Settings) -> Result<Origin> {
        // Refuse missing secrets before touching the database.
        let auth = AuthSettings::from_settings(settings)?;
        let store = Store::connect(
            &settings.database_url,
            &PoolSettings { max_connections: settings.db_max_connections, schema: None },
        )
        .await?;
        let mut origin = Self::with_store_and_auth(store, auth).await?;
        if let Some(url) = &settings.redis_url {
            origin =
                origin.with_session_cache(SessionCache::redis(url, settings.redis_prefix.clone()).await?);
        }
        // The catalog cache shares the session cache's Redis connection when there is one.
        let catalog_cache = match origin.state.session_cache.connection() {
            Some(connection) => CatalogCache::redis(
                RedisCatalog::with_connection(connection, settings.redis_prefix.clone()),
                settings.catalog_cache_ttl(),
            ),
            None => CatalogCache::memory(settings.catalog_cache_bytes(), settings.catalog_cache_ttl()),
        };
        origin = origin.with_catalog_cache(catalog_cache);
        origin.state.media = MediaStore::open(&settings.media_location()?, &settings.s3(), settings.media())?;
        origin.sweep_every = settings.reservation_sweep_every();
        origin.cloudflare = settings.cloudflare();
        origin.state.admin_token =
            settings.admin_token.as_ref().filter(|t| !t.is_blank()).map(|t| Arc::from(t.expose()));
        origin.state.site = Arc::from(settings.site.as_str());
        origin.state.internal_tokens =
            InternalTokens::new(settings.metrics_token.as_ref(), settings.purge_feed_token.as_ref());
        origin.state.trusted_edges = settings.trusted_edges.clone();
        let plan = EventsPlan {
            bus: settings.bus_choice()?,
            relay: true,
            consumers: origin.state.consumers.as_ref().clone(),
            policy: settings.retry_policy(),
            poll_every: Duration::from_millis(settings.relay_poll_ms.max(1)),
            batch: crate::events::relay::DEFAULT_BATCH,
            consumer_batch: settings.events_consumer_batch.max(1),
        };
        Ok(origin.with_events(plan))
    }

    /// An origin over an existing store (tests use this to pick a schema and cheap hashing).
    pub async fn with_store_and_auth(store: Store, auth: AuthSettings) -> Result<Origin> {
        store.migrate().await?;
        if auth.uses_development_secrets() {
            tracing::warn!(
                "running with the development session or webhook secret; set LINKEDALL_SESSION_SECRET and LINKEDALL_PAYMENT_WEBHOOK_SECRET in production"
            );
        }
        let supabase = SupabaseVerifier::new(&auth.supabase)?.map(Arc::new);
        if let Some(supabase) = &supabase {
            tracing::info!(?supabase, "Supabase Auth tokens are accepted as sessions");
        }
        let payments: Arc<dyn PaymentProvider> = match &auth.paystack {
            Some(paystack) => Arc::new(PaystackProvider::new(paystack)?),
            None => Arc::new(SandboxProvider::new(auth.payment_webhook_secret.expose().as_bytes())),
        };
        tracing::info!(provider = payments.name(), "payment provider");
        let purges = JournalPurges;
        Ok(Origin {
            state: AppState {
                store,
                metrics: telemetry::prometheus(),
                sessions: SessionKeys::new(auth.session_secret.expose().as_bytes()),
                session_cache: SessionCache::memory(),
                supabase,
                passwords: Passwords::new(auth.password_cost),
                login_limit: Arc::new(LoginLimiter::default()),
                trusted_edges: TrustedEdges::default(),
                catalog_cache: CatalogCache::memory(
                    catalog_cache::DEFAULT_MEMORY_BYTES,
                    catalog_cache::DEFAULT_TTL,
                ),
                payments,
                admin_token: None,
                internal_tokens: InternalTokens::default(),
                site: Arc::from(DEFAULT_SITE),
                consumers: Arc::new(consumers::all(purges)),
                media: MediaStore::temporary()?,
            },
            sweep_every: DEFAULT_SWEEP_EVERY,
            cloudflare: None,
            events: EventsPlan::off(),
        })
    }

    /// Keeps sessions in `cache` (Redis) instead of this process's memory.
    pub fn with_session_cache(mut self, cache: SessionCache) -> Origin {
        self.state.session_cache = cache;
        self
    }

    /// Believes `x-linkedall-client-ip` from these peers only.
    pub fn with_trusted_edges(mut self, edges: TrustedEdges) -> Origin {
        self.state.trusted_edges = edges;
        self
    }

    /// Hashes passwords with `passwords` (a bound of its own) instead of one hash per core.
    pub fn with_passwords(mut self, passwords: Passwords) -> Origin {
        self.state.passwords = passwords;
        self
    }

    /// Limits account registrations per client address by `limit`.
    pub fn with_registration_limit(mut self, limit: RegistrationLimit) -> Origin {
        self.state.login_limit = Arc::new(LoginLimiter::new(limit));
        self
    }

    /// Accepts `token` as an admin's on `/admin/*`.
    /// What `/metrics` and the purge feed ask of their readers.
    pub fn with_internal_tokens(mut self, tokens: InternalTokens) -> Origin {
        self.state.internal_tokens = tokens;
        self
    }

    pub fn with_admin_token(mut self, token: &str) -> Origin {
        self.state.admin_token = Some(Arc::from(token));
        self
    }

    /// Names this origin's site (`x-linkedall-site`).
    pub fn with_site(mut self, site: &str) -> Origin {
        self.state.site = Arc::from(site);
        self
    }

    /// Forwards the purge journal to Cloudflare's purge API.
    pub fn with_cloudflare(mut self, settings: CloudflareSettings) -> Origin {
        self.cloudflare = Some(settings);
        self
    }

    /// Keeps catalog answers in `cache` instead of the default in-memory one.
    pub fn with_catalog_cache(mut self, cache: CatalogCache) -> Origin {
        self.state.catalog_cache = cache;
        self
    }

    /// Keeps product photos in `media` instead of a fresh temporary folder.
    pub fn with_media(mut self, media: MediaStore) -> Origin {
        self.state.media = media;
        self
    }

    /// Takes payments through `provider` instead of the configured one (tests use a provider
    /// whose refunds fail on demand).
    pub fn with_payments(mut self, provider: Arc<dyn PaymentProvider>) -> Origin {
        tracing::info!(provider = provider.name(), "payment provider replaced");
        self.state.payments = provider;
        self
    }

    /// Sweeps expired reservations every `every`.
    pub fn with_sweep_interval(mut self, every: Duration) -> Origin {
        self.sweep_every = every;
        self
    }

    /// Runs `plan`'s relay and consumers beside the server. Its consumers also become the
    /// ones the admin API replays dead letters into (the lead wires a real edge purge here:
    /// `consumers::all(edge_purge_sink)`).
    pub fn with_events(mut self, plan: EventsPlan) -> Origin {
        if !plan.consumers.is_empty() {
            self.state.consumers = Arc::new(plan.consumers.clone());
        }
        self.events = plan;
        self
    }

    pub fn router(&self) -> Router {
        router(self.state.clone())
    }

    /// Serves on `listener` until `shutdown` resolves, then finishes in-flight requests. The
    /// reservation and refund sweepers run beside it and stop with it.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<()> {
        let addr = listener.local_addr()?;
        tracing::info!(
            %addr,
            backend = ?self.state.store.backend(),
            session_cache = self.state.session_cache.backend(),
            catalog_cache = self.state.catalog_cache.backend(),
            "origin listening"
        );
        let (stop_sweeping, sweeper) = ReservationSweeper::new(self.state.store.clone(), self.sweep_every)
            .with_catalog_cache(self.state.catalog_cache.clone())
            .spawn();
        let (stop_refunding, refunder) =
            RefundSweeper::new(self.state.store.clone(), self.state.payments.clone(), self.sweep_every)
                .spawn();
        let purger = match self.cloudflare.clone() {
            Some(settings) => Some(CloudflarePurger::new(self.state.store.clone(), settings)?.spawn()),
            None => None,
        };
        let events = crate::events::service::spawn(self.state.store.clone(), self.events.clone());
        // Connect info gives the login rate limiter the client's address.
        let service = self.router().into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(listener, service).with_graceful_shutdown(shutdown).await;
        stop_sweeping.stop();
        let _ = sweeper.await;
        stop_refunding.stop();
        let _ = refunder.await;
        if let Some((stop_purging, purger)) = purger {
            stop_purging.stop();
            let _ = purger.await;
        }
        if let Some(events) = events {
            events.stop().await;
        }
        served?;
        tracing::info!("origin stopped");
        Ok(())
    }
}
