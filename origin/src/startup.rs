//! Building and running the origin: connect, migrate, route, serve until told to stop.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;

use crate::accounts::Passwords;
use crate::catalog_cache::{self, CatalogCache, RedisCatalog};
use crate::config::{AuthSettings, Settings};
use crate::error::Result;
use crate::login_limit::LoginLimiter;
use crate::payments::paystack::PaystackProvider;
use crate::payments::{PaymentProvider, SandboxProvider};
use crate::reservations::ReservationSweeper;
use crate::routes::{AppState, router};
use crate::session::SessionKeys;
use crate::session_cache::SessionCache;
use crate::store::{PoolSettings, Store};
use crate::supabase::SupabaseVerifier;
use crate::telemetry;

/// How often an origin sweeps expired reservations unless told otherwise.
pub const DEFAULT_SWEEP_EVERY: Duration = Duration::from_secs(30);

/// A ready-to-serve origin: database connected and migrated.
pub struct Origin {
    pub state: AppState,
    /// How often [`Origin::serve`]'s reservation sweeper runs.
    pub sweep_every: Duration,
}

impl Origin {
    /// Connects to the configured database and applies pending migrations.
    pub async fn build(settings: &Settings) -> Result<Origin> {
        let store = Store::connect(
            &settings.database_url,
            &PoolSettings { max_connections: settings.db_max_connections, schema: None },
        )
        .await?;
        let mut origin = Self::with_store_and_auth(store, AuthSettings::from_settings(settings)?).await?;
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
        origin.sweep_every = settings.reservation_sweep_every();
        Ok(origin)
    }

    /// An origin over an existing store, with the development secrets.
    pub async fn with_store(store: Store) -> Result<Origin> {
        Self::with_store_and_auth(store, AuthSettings::development()).await
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
            None => Arc::new(SandboxProvider::new(auth.payment_webhook_secret.as_bytes())),
        };
        tracing::info!(provider = payments.name(), "payment provider");
        Ok(Origin {
            state: AppState {
                store,
                metrics: telemetry::prometheus(),
                sessions: SessionKeys::new(auth.session_secret.as_bytes()),
                session_cache: SessionCache::memory(),
                supabase,
                passwords: Passwords::new(auth.password_cost),
                login_limit: Arc::new(LoginLimiter::default()),
                catalog_cache: CatalogCache::memory(
                    catalog_cache::DEFAULT_MEMORY_BYTES,
                    catalog_cache::DEFAULT_TTL,
                ),
                payments,
            },
            sweep_every: DEFAULT_SWEEP_EVERY,
        })
    }

    /// Keeps sessions in `cache` (Redis) instead of this process's memory.
    pub fn with_session_cache(mut self, cache: SessionCache) -> Origin {
        self.state.session_cache = cache;
        self
    }

    /// Keeps catalog answers in `cache` instead of the default in-memory one.
    pub fn with_catalog_cache(mut self, cache: CatalogCache) -> Origin {
        self.state.catalog_cache = cache;
        self
    }

    /// Sweeps expired reservations every `every`.
    pub fn with_sweep_interval(mut self, every: Duration) -> Origin {
        self.sweep_every = every;
        self
    }

    pub fn router(&self) -> Router {
        router(self.state.clone())
    }

    /// Serves on `listener` until `shutdown` resolves, then finishes in-flight requests. The
    /// reservation sweeper runs beside it and stops with it.
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
        // Connect info gives the login rate limiter the client's address.
        let service = self.router().into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(listener, service).with_graceful_shutdown(shutdown).await;
        stop_sweeping.stop();
        let _ = sweeper.await;
        served?;
        tracing::info!("origin stopped");
        Ok(())
    }
}
