//! Typed settings for the origin, from flags or `LINKEDALL_*` environment variables.

use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::accounts::PasswordCost;
use crate::deployment::{Environment, RequiredSecrets, production_reason};
use crate::error::{Error, Result};
use crate::events::jetstream::StreamNames;
use crate::events::runner::RetryPolicy;
use crate::events::service::BusChoice;
use crate::payments::paystack::PaystackSettings;
use crate::secret::Secret;
use crate::supabase::SupabaseSettings;

/// The embedded default: a SQLite file under `./data`, created on first use.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/linkedall.db";

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database URL: `postgres://user@host:5432/db` or `sqlite://path/to/file.db`.
    #[arg(long, env = "LINKEDALL_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    /// Address the origin listens on.
    #[arg(long = "origin-listen", env = "LINKEDALL_ORIGIN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Maximum database connections in the pool.
    #[arg(long, env = "LINKEDALL_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,

    /// `production` requires real secrets (see [`crate::deployment`]); so do a non-loopback
    /// listen address and a PostgreSQL database, whatever this says.
    #[arg(long = "env", env = "LINKEDALL_ENV", value_enum)]
    pub env: Option<Environment>,

    /// Secret that signs session tokens (HS256), at least 32 characters. Required in
    /// production; the demo uses a public development one.
    #[arg(long, env = "LINKEDALL_SESSION_SECRET", hide_env_values = true)]
    pub session_secret: Option<Secret>,

    /// Secret the sandbox payment provider signs its webhooks with. Required in production
    /// with the sandbox; the demo uses a public development one.
    #[arg(long, env = "LINKEDALL_PAYMENT_WEBHOOK_SECRET", hide_env_values = true)]
    pub payment_webhook_secret: Option<Secret>,

    /// Who charges shoppers: the in-process sandbox, or Paystack.
    #[arg(long, env = "LINKEDALL_PAYMENT_PROVIDER", value_enum, default_value_t = PaymentProviderKind::Sandbox)]
    pub payment_provider: PaymentProviderKind,

    /// Paystack's API base (tests point it at a local imitation).
    #[arg(long, env = "LINKEDALL_PAYSTACK_BASE_URL", default_value = PAYSTACK_BASE_URL)]
    pub paystack_base_url: String,

    /// Paystack secret key (`sk_…`): authenticates our calls and signs Paystack's webhooks.
    #[arg(long, env = "LINKEDALL_PAYSTACK_SECRET_KEY", hide_env_values = true)]
    pub paystack_secret_key: Option<Secret>,

    /// Seconds one call to Paystack may take before the charge or refund fails.
    #[arg(long, env = "LINKEDALL_PAYSTACK_TIMEOUT_SECS", default_value_t = 15)]
    pub paystack_timeout_secs: u64,

    /// Supabase project JWT secret: Supabase Auth HS256 tokens are accepted as sessions.
    #[arg(long, env = "LINKEDALL_SUPABASE_JWT_SECRET", hide_env_values = true)]
    pub supabase_jwt_secret: Option<Secret>,

    /// Supabase project JWKS URL: Supabase Auth RS256/ES256 tokens are accepted as sessions.
    #[arg(long, env = "LINKEDALL_SUPABASE_JWKS_URL")]
    pub supabase_jwks_url: Option<String>,

    /// Issuer (`iss`) of the Supabase tokens accepted: `https://<project>.supabase.co/auth/v1`.
    /// By default derived from the JWKS URL; required with only a JWT secret.
    #[arg(long, env = "LINKEDALL_SUPABASE_ISSUER")]
    pub supabase_issuer: Option<String>,

    /// Seconds the fetched Supabase keys are used before they are fetched again.
    #[arg(long, env = "LINKEDALL_SUPABASE_JWKS_REFRESH_SECS", default_value_t = 600)]
    pub supabase_jwks_refresh_secs: u64,

    /// Token that operators present (`Authorization: Bearer …`) to use every admin route
    /// (`/admin/*`, `/api/v1/admin/*`); signed-in admins need none.
    #[arg(long, env = "LINKEDALL_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<Secret>,

    /// Token Prometheus presents to read `/metrics`; without one only this machine and the
    /// trusted edges themselves may (see `routes/internal.rs`).
    #[arg(long, env = "LINKEDALL_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<Secret>,

    /// Token edges present to read the purge feed (`/api/v1/cache/purges`); without one only
    /// this machine and the trusted edges themselves may.
    #[arg(long, env = "LINKEDALL_PURGE_FEED_TOKEN", hide_env_values = true)]
    pub purge_feed_token: Option<Secret>,

    /// Edge addresses (IPs or CIDR blocks, comma-separated) whose `x-linkedall-client-ip`
    /// header names the shopper; from any other peer the header is ignored.
    #[arg(long, env = "LINKEDALL_TRUSTED_EDGES", default_value = crate::client_address::DEFAULT_TRUSTED_EDGES,
          value_parser = crate::client_address::TrustedEdges::parse)]
    pub trusted_edges: crate::client_address::TrustedEdges,

    /// This origin's site name (`lagos`, `nairobi`, `johannesburg`, `cairo`), sent as
    /// `x-linkedall-site` on every response.
    #[arg(long, env = "LINKEDALL_SITE", default_value = crate::startup::DEFAULT_SITE)]
    pub site: String,

    /// Cloudflare zone whose cache the Workers edge uses; with an API token, every purge in
    /// the journal is also sent to Cloudflare's purge API.
    #[arg(long, env = "LINKEDALL_CLOUDFLARE_ZONE_ID")]
    pub cloudflare_zone_id: Option<String>,

    /// Cloudflare API token with the Cache Purge permission.
    #[arg(long, env = "LINKEDALL_CLOUDFLARE_API_TOKEN", hide_env_values = true)]
    pub cloudflare_api_token: Option<Secret>,

    /// Cloudflare's API base (tests point it at a local imitation).
    #[arg(
        long,
        env = "LINKEDALL_CLOUDFLARE_API_BASE",
        default_value = "https://api.cloudflare.com/client/v4"
    )]
    pub cloudflare_api_base: String,

    /// The zone's plan, whose purge rate limits the forwarder keeps to.
    #[arg(long, env = "LINKEDALL_CLOUDFLARE_PLAN", value_enum, default_value_t = crate::cloudflare_purge::PurgePlan::Free)]
    pub cloudflare_plan: crate::cloudflare_purge::PurgePlan,

    /// The shop's public host name, under which the Workers edge keeps its cache keys.
    #[arg(long, env = "LINKEDALL_SHOP_HOST", default_value = "linkedall.africa")]
    pub shop_host: String,

    /// Redis for the session cache (`redis://127.0.0.1:6379`); in this process's memory without.
    #[arg(long, env = "LINKEDALL_REDIS_URL")]
    pub redis_url: Option<String>,

    /// Prefix of every Redis key this origin writes.
    #[arg(long, env = "LINKEDALL_REDIS_PREFIX", default_value = "linkedall:")]
    pub redis_prefix: String,

    /// Seconds the catalog cache keeps an answer (home, lists, products, storefronts, search):
    /// in Redis with `--redis-url`, in memory otherwise. 0 switches the cache off.
    #[arg(long, env = "LINKEDALL_CATALOG_CACHE_TTL_SECS", default_value_t = 60)]
    pub catalog_cache_ttl_secs: u64,

    /// Megabytes the in-memory catalog cache holds (used without `--redis-url`); the least
    /// recently used answers are evicted beyond it.
    #[arg(long, env = "LINKEDALL_CATALOG_CACHE_MB", default_value_t = 64)]
    pub catalog_cache_mb: u64,

    /// Seconds between sweeps that cancel unpaid orders past their reservation and release
    /// their stock.
    #[arg(long, env = "LINKEDALL_RESERVATION_SWEEP_SECS", default_value_t = 30)]
    pub reservation_sweep_secs: u64,

    /// Where events go: `jetstream` (needs the NATS URL), `in-process`, or `off` (they wait in
    /// the outbox). By default JetStream when a NATS URL is set, in-process otherwise.
    #[arg(long, env = "LINKEDALL_EVENTS", value_enum)]
    pub events: Option<EventsMode>,

    /// NATS server with JetStream (`nats://127.0.0.1:4222`).
    #[arg(long, env = "LINKEDALL_NATS_URL")]
    pub nats_url: Option<String>,

    /// JetStream stream of the events (`<name>_DEAD` holds the dead letters).
    #[arg(long, env = "LINKEDALL_EVENTS_STREAM", default_value = "LINKEDALL_EVENTS")]
    pub events_stream: String,

    /// First subject token: events on `<prefix>.events.<type>`, dead letters on `<prefix>.dead.<consumer>`.
    #[arg(long, env = "LINKEDALL_EVENTS_SUBJECT_PREFIX", default_value = "linkedall")]
    pub events_subject_prefix: String,

    /// Deliveries of one event to one consumer before it becomes a dead letter.
    #[arg(long, env = "LINKEDALL_EVENTS_MAX_DELIVERIES", default_value_t = 5)]
    pub events_max_deliveries: u32,

    /// Events one consumer applies in one database transaction (a failing batch is applied
    /// one event at a time, so one bad event cannot hold the others back).
    #[arg(long, env = "LINKEDALL_EVENTS_CONSUMER_BATCH", default_value_t = 64)]
    pub events_consumer_batch: usize,

    /// Milliseconds between outbox polls when the relay has caught up.
    #[arg(long, env = "LINKEDALL_RELAY_POLL_MS", default_value_t = 200)]
    pub relay_poll_ms: u64,

    /// Folder of product photos (originals and variants), created if missing; used when
    /// `--media-store` is not set.
    #[arg(long, env = "LINKEDALL_MEDIA_DIR", default_value = "data/media")]
    pub media_dir: std::path::PathBuf,

    /// Where product photos are stored: a folder, `file:///path`, or `s3://bucket[/prefix]`
    /// (S3, Cloudflare R2, MinIO; see the LINKEDALL_S3_* settings). Default: `--media-dir`.
    #[arg(long, env = "LINKEDALL_MEDIA_STORE")]
    pub media_store: Option<String>,

    /// S3-compatible endpoint, e.g. `https://<account id>.r2.cloudflarestorage.com`; unset
    /// for AWS S3 itself.
    #[arg(long, env = "LINKEDALL_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,

    /// S3 region (`auto` for R2; `us-east-1` when unset).
    #[arg(long, env = "LINKEDALL_S3_REGION")]
    pub s3_region: Option<String>,

    /// S3 access key id (else the standard `AWS_ACCESS_KEY_ID`).
    #[arg(long, env = "LINKEDALL_S3_ACCESS_KEY_ID")]
    pub s3_access_key_id: Option<String>,

    /// S3 secret access key (else the standard `AWS_SECRET_ACCESS_KEY`).
    #[arg(long, env = "LINKEDALL_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<Secret>,

    /// Largest photo upload in megabytes (10^6 bytes), counted while it streams in.
    #[arg(long, env = "LINKEDALL_MEDIA_MAX_UPLOAD_MB", default_value_t = 20)]
    pub media_max_upload_mb: u64,

    /// Longest side of an accepted photo, in pixels (checked on its header).
    #[arg(long, env = "LINKEDALL_MEDIA_MAX_SIDE", default_value_t = 12_000)]
    pub media_max_side: u32,

    /// Most megapixels of an accepted photo (checked on its header).
    #[arg(long, env = "LINKEDALL_MEDIA_MAX_MEGAPIXELS", default_value_t = 50)]
    pub media_max_megapixels: u64,

    /// Megabytes a decoder may allocate for one photo.
    #[arg(long, env = "LINKEDALL_MEDIA_DECODE_MB", default_value_t = 256)]
    pub media_decode_mb: u64,

    /// Photos decoded or resized at once.
    #[arg(long, env = "LINKEDALL_MEDIA_CONCURRENCY", default_value_t = 2)]
    pub media_concurrency: usize,
}

/// Where published events go (see [`Settings::events`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EventsMode {
    Off,
    InProcess,
    Jetstream,
}

/// Paystack's public API.
pub const PAYSTACK_BASE_URL: &str = "https://api.paystack.co";

/// Development defaults for the secrets, public in this source: only the demo runs with them
/// (warned at start); a production origin refuses to ([`crate::deployment`]).
pub const DEV_SESSION_SECRET: &str = "linkedall-dev-session-secret-do-not-use-in-production";
pub const DEV_WEBHOOK_SECRET: &str = "linkedall-dev-webhook-secret";

/// The payment providers the origin can charge through.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum PaymentProviderKind {
    /// Never leaves the process; the demo's own payment page (the default).
    #[default]
    Sandbox,
    /// Paystack's API, with `LINKEDALL_PAYSTACK_SECRET_KEY`.
    Paystack,
}

/// What accounts, sessions and payments need: secrets and how hard to hash passwords.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub session_secret: Secret,
    /// Signs the sandbox provider's webhooks (Paystack's are signed with its secret key).
    pub payment_webhook_secret: Secret,
    /// Charges go to Paystack when set; to the sandbox otherwise.
    pub paystack: Option<PaystackSettings>,
    pub password_cost: PasswordCost,
    /// Supabase Auth tokens accepted too, when configured.
    pub supabase: SupabaseSettings,
}

impl AuthSettings {
    /// Fails, naming every missing secret at once, when a production origin (see
    /// [`crate::deployment`]) lacks one, or Paystack is chosen without its secret key.
    pub fn from_settings(settings: &Settings) -> Result<Self> {
        let production = production_reason(settings.env, settings.listen, &settings.database_url);
        let mut required = RequiredSecrets::new(production);
        let session_secret = required.require(
            "LINKEDALL_SESSION_SECRET",
            settings.session_secret.as_ref(),
            DEV_SESSION_SECRET,
            crate::deployment::MIN_SESSION_SECRET_LEN,
        );
        let (paystack, payment_webhook_secret) = match settings.payment_provider {
            PaymentProviderKind::Sandbox => {
                // The sandbox lets a shopper approve their own payment without paying: fine for
                // the demo and staging, never where the shop is declared production.
                if settings.env == Some(Environment::Production) {
                    required.refuse("LINKEDALL_PAYMENT_PROVIDER=paystack (the sandbox takes no money)");
                }
                let webhook = settings.payment_webhook_secret.as_ref();
                (None, required.require("LINKEDALL_PAYMENT_WEBHOOK_SECRET", webhook, DEV_WEBHOOK_SECRET, 1))
            }
            PaymentProviderKind::Paystack => {
                let key = required.always(
                    "LINKEDALL_PAYSTACK_SECRET_KEY (the payment provider is Paystack)",
                    settings.paystack_secret_key.as_ref(),
                );
                let paystack = key.map(|key| PaystackSettings {
                    base_url: settings.paystack_base_url.clone(),
                    secret_key: key.expose().to_owned(),
                    timeout: Duration::from_secs(settings.paystack_timeout_secs.max(1)),
                });
                (paystack, Secret::new(DEV_WEBHOOK_SECRET))
            }
        };
        required.check()?;
        Ok(Self {
            session_secret,
            payment_webhook_secret,
            paystack,
            password_cost: PasswordCost::Standard,
            supabase: SupabaseSettings {
                jwt_secret: settings.supabase_jwt_secret.clone().filter(|s| !s.is_blank()),
                jwks_url: settings.supabase_jwks_url.clone().filter(|s| !s.is_empty()),
                issuer: settings.supabase_issuer.clone().filter(|s| !s.is_empty()),
                jwks_refresh: Duration::from_secs(settings.supabase_jwks_refresh_secs.max(1)),
            },
        })
    }

    /// True when the session secret, or the sandbox's webhook secret while the sandbox takes
    /// the payments, is a development default.
    pub fn uses_development_secrets(&self) -> bool {
        self.session_secret.expose() == DEV_SESSION_SECRET
            || (self.paystack.is_none() && self.payment_webhook_secret.expose() == DEV_WEBHOOK_SECRET)
    }
}

impl Settings {
    /// Settings for tests and embedding: the given database, an ephemeral port.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            db_max_connections: 8,
            env: None,
            session_secret: None,
            payment_webhook_secret: None,
            payment_provider: PaymentProviderKind::Sandbox,
            paystack_base_url: PAYSTACK_BASE_URL.into(),
            paystack_secret_key: None,
            paystack_timeout_secs: 15,
            supabase_jwt_secret: None,
            supabase_jwks_url: None,
            supabase_issuer: None,
            supabase_jwks_refresh_secs: 600,
            admin_token: None,
            metrics_token: None,
            purge_feed_token: None,
            site: crate::startup::DEFAULT_SITE.into(),
            trusted_edges: crate::client_address::TrustedEdges::default(),
            cloudflare_zone_id: None,
            cloudflare_api_token: None,
            cloudflare_api_base: "https://api.cloudflare.com/client/v4".into(),
            cloudflare_plan: crate::cloudflare_purge::PurgePlan::Free,
            shop_host: "linkedall.africa".into(),
            redis_url: None,
            redis_prefix: "linkedall:".into(),
            catalog_cache_ttl_secs: 60,
            catalog_cache_mb: 64,
            reservation_sweep_secs: 30,
            events: None,
            nats_url: None,
            events_stream: "LINKEDALL_EVENTS".into(),
            events_subject_prefix: "linkedall".into(),
            events_max_deliveries: 5,
            events_consumer_batch: 64,
            relay_poll_ms: 200,
            media_dir: std::env::temp_dir().join(format!("linkedall-media-{}", uuid::Uuid::new_v4())),
            media_store: None,
            s3_endpoint: None,
            s3_region: None,
            s3_access_key_id: None,
            s3_secret_access_key: None,
            media_max_upload_mb: 20,
            media_max_side: 12_000,
            media_max_megapixels: 50,
            media_decode_mb: 256,
            media_concurrency: 2,
        }
    }

    /// Cloudflare purge settings, when both the zone and the token are set.
    pub fn cloudflare(&self) -> Option<crate::cloudflare_purge::CloudflareSettings> {
        let zone_id = self.cloudflare_zone_id.clone().filter(|z| !z.trim().is_empty())?;
        let api_token = self.cloudflare_api_token.as_ref().filter(|t| !t.is_blank())?.expose().to_owned();
        Some(crate::cloudflare_purge::CloudflareSettings {
            api_base: self.cloudflare_api_base.clone(),
            zone_id,
            api_token,
            shop_host: self.shop_host.clone(),
            budget: self.cloudflare_plan.budget(),
            poll_every: Duration::from_secs(1),
        })
    }

    /// The bus the settings choose; JetStream without a NATS URL is a configuration error.
    pub fn bus_choice(&self) -> Result<BusChoice> {
        let mode = self.events.unwrap_or(if self.nats_url.is_some() {
            EventsMode::Jetstream
        } else {
            EventsMode::InProcess
        });
        Ok(match mode {
            EventsMode::Off => BusChoice::Off,
            EventsMode::InProcess => BusChoice::InProcess,
            EventsMode::Jetstream => BusChoice::JetStream {
                url: self.nats_url.clone().filter(|u| !u.is_empty()).ok_or_else(|| {
                    Error::Config("LINKEDALL_EVENTS=jetstream needs LINKEDALL_NATS_URL".into())
                })?,
                names: StreamNames::with_stream(&self.events_stream, &self.events_subject_prefix),
            },
        })
    }

    /// The retry policy of the consumers.
    pub fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy { max_deliveries: self.events_max_deliveries.max(1), ..RetryPolicy::default() }
    }

    pub fn catalog_cache_ttl(&self) -> Duration {
        Duration::from_secs(self.catalog_cache_ttl_secs)
    }

    /// Where product photos are stored: `--media-store`, else the `--media-dir` folder.
    pub fn media_location(&self) -> Result<crate::media::MediaLocation> {
        match self.media_store.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(text) => crate::media::MediaLocation::parse(text),
            None => Ok(crate::media::MediaLocation::Folder(self.media_dir.clone())),
        }
    }

    /// How to reach an S3-compatible photo store (empty values count as unset).
    pub fn s3(&self) -> crate::media::S3Settings {
        let set = |value: &Option<String>| value.clone().filter(|v| !v.trim().is_empty());
        crate::media::S3Settings {
            endpoint: set(&self.s3_endpoint),
            region: set(&self.s3_region),
            access_key_id: set(&self.s3_access_key_id),
            secret_access_key: self
                .s3_secret_access_key
                .as_ref()
                .filter(|s| !s.is_blank())
                .map(|s| s.expose().to_owned()),
        }
    }

    /// Upload and decoding limits of product photos.
    pub fn media(&self) -> crate::media::MediaSettings {
        crate::media::MediaSettings {
            max_upload_bytes: self.media_max_upload_mb.saturating_mul(1_000_000),
            limits: linkedall_images::Limits {
                max_side: self.media_max_side,
                max_pixels: self.media_max_megapixels.saturating_mul(1_000_000),
                max_alloc: self.media_decode_mb.saturating_mul(1024 * 1024),
            },
            concurrent_processing: self.media_concurrency,
        }
    }

    pub fn catalog_cache_bytes(&self) -> usize {
        usize::try_from(self.catalog_cache_mb.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX)
    }

    pub fn reservation_sweep_every(&self) -> Duration {
        Duration::from_secs(self.reservation_sweep_secs.max(1))
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One JSON object per line, for machines (the default).
    #[default]
    Json,
    /// Human-readable lines, for a terminal.
    Pretty,
}
