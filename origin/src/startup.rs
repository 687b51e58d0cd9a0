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
use crate::cloudflare_purge::CloudflareSettings;
use crate::config::{AuthSettings, Settings};
use crate::error::Result;
use crate::login_limit::{LoginLimiter, RegistrationLimit};
use crate::mail::Mailer;
use crate::media::MediaStore;
use crate::payments::paystack::PaystackProvider;
use crate::payments::{PaymentProvider, SandboxProvider};
use crate::routes::{AppState, InternalTokens, router};
use crate::session::SessionKeys;
use crate::session_cache::SessionCache;
use crate::supabase::SupabaseVerifier;
use crate::sweepers::Sweepers;
use crate::telemetry;
use linkedall_events::consumers;
use linkedall_events::purge::JournalPurges;
use linkedall_events::service::EventsPlan;
use linkedall_store::{PoolSettings, Store};

/// How often an origin sweeps expired reservations unless told otherwise.
pub const DEFAULT_SWEEP_EVERY: Duration = Duration::from_secs(30);

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
    /// Whether [`Origin::serve`] runs the sweepers and `events` beside the server (the `all`
    /// role) or only answers HTTP (the `serve` role).
    pub background: bool,
}

impl Origin {
    /// Connects to the configured database and applies pending migrations.
    pub async fn build(settings: &Settings) -> Result<Origin> {
        // Refuse missing secrets before touching the database.
        let auth = AuthSettings::from_settings(settings)?;
        let store = Store::connect(
            &settings.database.url,
            &PoolSettings { max_connections: settings.database.max_connections, schema: None },
        )
        .await?;
        let mut origin = Self::with_store_and_auth(store, auth).await?;
        let caches = &settings.caches;
        if let Some(url) = &caches.redis_url {
            origin = origin.with_session_cache(SessionCache::redis(url, caches.redis_prefix.clone()).await?);
        }
        // The catalog cache shares the session cache's Redis connection when there is one.
        let catalog_cache = catalog_cache_for(settings, origin.state.session_cache.connection());
        origin = origin.with_catalog_cache(catalog_cache);
        let media = &settings.media;
        origin.state.media = MediaStore::open(&media.location()?, &media.s3(), media.limits())?;
        origin.sweep_every = settings.sweeper.every();
        origin.cloudflare = settings.cloudflare.settings();
        origin.state.admin_token =
            settings.operators.admin_token.as_ref().filter(|t| !t.is_blank()).map(|t| Arc::from(t.expose()));
        origin.state.site = Arc::from(settings.service.site.as_str());
        origin.state.internal_tokens = InternalTokens::new(
            settings.operators.metrics_token.as_ref(),
            settings.operators.purge_feed_token.as_ref(),
        );
        origin.state.trusted_edges = settings.service.trusted_edges.clone();
        origin.state.mailer = Arc::new(settings.mail.mailer()?);
        if let Some(shop_url) = &settings.mail.shop_url {
            origin = origin.with_shop_url(shop_url);
        }
        if let Mailer::Files { dir, .. } = origin.state.mailer.as_ref() {
            tracing::warn!(dir = %dir.display(), "no SMTP server set (LINKEDALL_SMTP_URL): mail to shoppers is written to files");
        }
        let plan = settings.events.plan(true, origin.state.consumers.as_ref().clone())?;
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
        let payments = payment_provider(&auth)?;
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
                site: Arc::from(crate::config::DEFAULT_SITE),
                consumers: Arc::new(consumers::all(purges)),
                media: MediaStore::temporary()?,
                mailer: Arc::new(Mailer::files(
                    &std::env::temp_dir().join("linkedall-mail"),
                    "Linked All <no-reply@linkedall.africa>",
                )?),
                shop_url: Arc::from(crate::config::DEFAULT_SHOP_URL),
            },
            sweep_every: DEFAULT_SWEEP_EVERY,
            cloudflare: None,
            events: EventsPlan::off(),
            background: true,
        })
    }

    /// Serves the API only: the relay, consumers and sweepers run in processes of their own
    /// (`origin relay`, `origin consumers`, `origin sweeper`).
    pub fn api_only(mut self) -> Origin {
        self.background = false;
        self
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

    /// Sends mail through `mailer`, with links to the shop at `shop_url`.
    pub fn with_mailer(mut self, mailer: Mailer, shop_url: &str) -> Origin {
        self.state.mailer = Arc::new(mailer);
        self.with_shop_url(shop_url)
    }

    /// Links in mail lead to the shop at `shop_url` (`https://linkedall.africa`).
    pub fn with_shop_url(mut self, shop_url: &str) -> Origin {
        self.state.shop_url = Arc::from(shop_url.trim_end_matches('/'));
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

    /// Serves on `listener` until `shutdown` resolves, then finishes in-flight requests. Unless
    /// [`api_only`](Self::api_only), the sweepers, relay and consumers run beside it and stop
    /// with it.
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
        let (sweepers, events) = if self.background {
            let sweepers = Sweepers {
                store: self.state.store.clone(),
                catalog_cache: self.state.catalog_cache.clone(),
                payments: self.state.payments.clone(),
                every: self.sweep_every,
                cloudflare: self.cloudflare.clone(),
            }
            .spawn()?;
            (Some(sweepers), linkedall_events::service::spawn(self.state.store.clone(), self.events.clone()))
        } else {
            (None, None)
        };
        // Connect info gives the login rate limiter the client's address.
        let service = self.router().into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(listener, service).with_graceful_shutdown(shutdown).await;
        if let Some(sweepers) = sweepers {
            sweepers.stop().await;
        }
        if let Some(events) = events {
            events.stop().await;
        }
        served?;
        tracing::info!("origin stopped");
        Ok(())
    }
}

/// The payment provider the settings name: Paystack when its secret is set, else the sandbox.
pub fn payment_provider(auth: &AuthSettings) -> Result<Arc<dyn PaymentProvider>> {
    let payments: Arc<dyn PaymentProvider> = match &auth.paystack {
        Some(paystack) => Arc::new(PaystackProvider::new(paystack)?),
        None => Arc::new(SandboxProvider::new(auth.payment_webhook_secret.expose().as_bytes())),
    };
    tracing::info!(provider = payments.name(), "payment provider");
    Ok(payments)
}

/// The catalog cache the settings name: Redis when `LINKEDALL_REDIS_URL` is set (over
/// `connection` when the caller already holds one), else this process's memory.
pub fn catalog_cache_for(
    settings: &Settings,
    connection: Option<redis::aio::ConnectionManager>,
) -> CatalogCache {
    let caches = &settings.caches;
    let ttl = caches.catalog_ttl();
    match (connection, &caches.redis_url) {
        (Some(connection), _) => {
            CatalogCache::redis(RedisCatalog::with_connection(connection, caches.redis_prefix.clone()), ttl)
        }
        (None, Some(url)) => {
            CatalogCache::redis(RedisCatalog::connect(url.as_str(), caches.redis_prefix.clone()), ttl)
        }
        (None, None) => CatalogCache::memory(caches.catalog_bytes(), ttl),
    }
}
