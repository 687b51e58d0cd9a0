//! Typed settings for the origin, from flags or `LINKEDALL_*` environment variables, in one
//! section per concern (database, service, auth, operators, payments, caches, events,
//! sweeper, Cloudflare, media, mail). Secrets are [`Secret`]s: `Debug` prints `[redacted]`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, ValueEnum};

use crate::accounts::PasswordCost;
use crate::deployment::{Environment, RequiredSecrets, production_reason};
use crate::error::{Error, Result};
use crate::payments::paystack::PaystackSettings;
use crate::secret::Secret;
use crate::supabase::SupabaseSettings;
use linkedall_events::consumer::Consumer;
use linkedall_events::jetstream::StreamNames;
use linkedall_events::runner::RetryPolicy;
use linkedall_events::service::{BusChoice, EventsPlan};

/// The embedded default: a SQLite file under `./data`, created on first use.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/linkedall.db";

/// The site name of an origin not told which region it serves.
pub const DEFAULT_SITE: &str = "local";

/// Every setting of the origin, in sections. Each default is written once, in its `#[arg]`;
/// tests build settings the way the binary does, by parsing ([`Settings::parse_args`]).
#[derive(Debug, Clone, Args)]
pub struct Settings {
    #[command(flatten)]
    pub database: DatabaseConfig,
    #[command(flatten)]
    pub service: ServiceConfig,
    #[command(flatten)]
    pub auth: AuthConfig,
    #[command(flatten)]
    pub operators: OperatorsConfig,
    #[command(flatten)]
    pub payments: PaymentsConfig,
    #[command(flatten)]
    pub caches: CachesConfig,
    #[command(flatten)]
    pub events: EventsConfig,
    #[command(flatten)]
    pub sweeper: SweeperConfig,
    #[command(flatten)]
    pub cloudflare: CloudflareConfig,
    #[command(flatten)]
    pub media: MediaConfig,
    #[command(flatten)]
    pub mail: MailConfig,
}

/// Mail to shoppers (password reset links): SMTP, or files on a laptop.
#[derive(Debug, Clone, Args)]
pub struct MailConfig {
    /// SMTP server: `smtps://user:pass@host:465`, `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS) or `smtp://127.0.0.1:2525` (a local relay, unencrypted). Unset, mail is
    /// written to `--mail-dir` instead. Required in production.
    #[arg(long, env = "LINKEDALL_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,

    /// Who mail comes from.
    #[arg(long, env = "LINKEDALL_MAIL_FROM", default_value = "Linked All <no-reply@linkedall.africa>")]
    pub mail_from: String,

    /// Where mail is written as `.eml` files when no SMTP server is set.
    #[arg(long, env = "LINKEDALL_MAIL_DIR", default_value = "data/mail")]
    pub mail_dir: std::path::PathBuf,

    /// The shop's address as shoppers open it, for links in mail (never taken from a
    /// request's `Host`, which a stranger chooses). Unset: [`DEFAULT_SHOP_URL`], or in the demo
    /// stack the address its edge listens on.
    #[arg(long, env = "LINKEDALL_SHOP_URL")]
    pub shop_url: Option<String>,
}

/// The shop's address in mailed links when none is set: the demo edge's usual one.
pub const DEFAULT_SHOP_URL: &str = "http://127.0.0.1:3000";

impl MailConfig {
    /// The mailer these settings choose.
    pub fn mailer(&self) -> Result<crate::mail::Mailer> {
        match self.smtp_url.as_ref().filter(|url| !url.is_blank()) {
            Some(url) => crate::mail::Mailer::smtp(url.expose(), &self.mail_from),
            None => crate::mail::Mailer::files(&self.mail_dir, &self.mail_from),
        }
    }
}

/// Where the shop's data lives.
#[derive(Debug, Clone, Args)]
pub struct DatabaseConfig {
    /// Database URL: `postgres://user@host:5432/db` or `sqlite://path/to/file.db`.
    #[arg(id = "database_url", long = "database-url", env = "LINKEDALL_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub url: String,

    /// Maximum database connections in the pool.
    #[arg(
        id = "db_max_connections",
        long = "db-max-connections",
        env = "LINKEDALL_DB_MAX_CONNECTIONS",
        default_value_t = 16
    )]
    pub max_connections: u32,
}

/// This process on the network: where it listens, which site it is, whom it trusts.
#[derive(Debug, Clone, Args)]
pub struct ServiceConfig {
    /// Address the origin listens on.
    #[arg(long = "origin-listen", env = "LINKEDALL_ORIGIN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// `production` requires real secrets (see [`crate::deployment`]); so do a non-loopback
    /// listen address and a PostgreSQL database, whatever this says.
    #[arg(long = "env", env = "LINKEDALL_ENV", value_enum)]
    pub env: Option<Environment>,

    /// This origin's site name (`lagos`, `nairobi`, `johannesburg`, `cairo`), sent as
    /// `x-linkedall-site` on every response.
    #[arg(long, env = "LINKEDALL_SITE", default_value = DEFAULT_SITE)]
    pub site: String,

    /// Edge addresses (IPs or CIDR blocks, comma-separated) whose `x-linkedall-client-ip`
    /// header names the shopper; from any other peer the header is ignored.
    #[arg(long, env = "LINKEDALL_TRUSTED_EDGES", default_value = crate::client_address::DEFAULT_TRUSTED_EDGES,
          value_parser = crate::client_address::TrustedEdges::parse)]
    pub trusted_edges: crate::client_address::TrustedEdges,

    /// Where the background roles (`relay`, `consumers`, `sweeper`) serve `/metrics` and
    /// `/healthz`, e.g. `0.0.0.0:9464`; unset, they serve no HTTP at all. (`serve` and `all`
    /// answer both on the API's own address.)
    #[arg(long, env = "LINKEDALL_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
}

/// Sessions: our own signing secret, and Supabase Auth when configured.
#[derive(Debug, Clone, Args)]
pub struct AuthConfig {
    /// Secret that signs session tokens (HS256), at least 32 characters. Required in
    /// production; the demo uses a public development one.
    #[arg(long, env = "LINKEDALL_SESSION_SECRET", hide_env_values = true)]
    pub session_secret: Option<Secret>,

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
}

/// The tokens operators and their tools present (admin API, `/metrics`, the purge feed).
#[derive(Debug, Clone, Args)]
pub struct OperatorsConfig {
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
}

/// Who charges shoppers, and with which secrets.
#[derive(Debug, Clone, Args)]
pub struct PaymentsConfig {
    /// Who charges shoppers: the in-process sandbox, or Paystack.
    #[arg(id = "payment_provider", long = "payment-provider", env = "LINKEDALL_PAYMENT_PROVIDER", value_enum, default_value_t = PaymentProviderKind::Sandbox)]
    pub provider: PaymentProviderKind,

    /// Secret the sandbox payment provider signs its webhooks with. Required in production
    /// with the sandbox; the demo uses a public development one.
    #[arg(
        id = "payment_webhook_secret",
        long = "payment-webhook-secret",
        env = "LINKEDALL_PAYMENT_WEBHOOK_SECRET",
        hide_env_values = true
    )]
    pub webhook_secret: Option<Secret>,

    /// Paystack's API base (tests point it at a local imitation).
    #[arg(long, env = "LINKEDALL_PAYSTACK_BASE_URL", default_value = PAYSTACK_BASE_URL)]
    pub paystack_base_url: String,

    /// Paystack secret key (`sk_…`): authenticates our calls and signs Paystack's webhooks.
    #[arg(long, env = "LINKEDALL_PAYSTACK_SECRET_KEY", hide_env_values = true)]
    pub paystack_secret_key: Option<Secret>,

    /// Seconds one call to Paystack may take before the charge or refund fails.
    #[arg(long, env = "LINKEDALL_PAYSTACK_TIMEOUT_SECS", default_value_t = 15)]
    pub paystack_timeout_secs: u64,
}

/// Redis for sessions and catalog answers, or this process's memory.
#[derive(Debug, Clone, Args)]
pub struct CachesConfig {
    /// Redis for the session cache (`redis://127.0.0.1:6379`); in this process's memory without.
    #[arg(long, env = "LINKEDALL_REDIS_URL")]
    pub redis_url: Option<String>,

    /// Prefix of every Redis key this origin writes.
    #[arg(long, env = "LINKEDALL_REDIS_PREFIX", default_value = "linkedall:")]
    pub redis_prefix: String,

    /// Seconds the catalog cache keeps an answer (home, lists, products, storefronts, search):
    /// in Redis with `--redis-url`, in memory otherwise. 0 switches the cache off.
    #[arg(
        id = "catalog_cache_ttl_secs",
        long = "catalog-cache-ttl-secs",
        env = "LINKEDALL_CATALOG_CACHE_TTL_SECS",
        default_value_t = 60
    )]
    pub catalog_ttl_secs: u64,

    /// Megabytes the in-memory catalog cache holds (used without `--redis-url`); the least
    /// recently used answers are evicted beyond it.
    #[arg(
        id = "catalog_cache_mb",
        long = "catalog-cache-mb",
        env = "LINKEDALL_CATALOG_CACHE_MB",
        default_value_t = 64
    )]
    pub catalog_mb: u64,
}

/// The bus events travel on, and how the relay and consumers pace themselves.
#[derive(Debug, Clone, Args)]
pub struct EventsConfig {
    /// Where events go: `jetstream` (needs the NATS URL), `in-process`, or `off` (they wait in
    /// the outbox). By default JetStream when a NATS URL is set, in-process otherwise.
    #[arg(id = "events", long = "events", env = "LINKEDALL_EVENTS", value_enum)]
    pub mode: Option<EventsMode>,

    /// NATS server with JetStream (`nats://127.0.0.1:4222`).
    #[arg(long, env = "LINKEDALL_NATS_URL")]
    pub nats_url: Option<String>,

    /// JetStream stream of the events (`<name>_DEAD` holds the dead letters).
    #[arg(
        id = "events_stream",
        long = "events-stream",
        env = "LINKEDALL_EVENTS_STREAM",
        default_value = "LINKEDALL_EVENTS"
    )]
    pub stream: String,

    /// First subject token: events on `<prefix>.events.<type>`, dead letters on `<prefix>.dead.<consumer>`.
    #[arg(
        id = "events_subject_prefix",
        long = "events-subject-prefix",
        env = "LINKEDALL_EVENTS_SUBJECT_PREFIX",
        default_value = "linkedall"
    )]
    pub subject_prefix: String,

    /// Deliveries of one event to one consumer before it becomes a dead letter.
    #[arg(
        id = "events_max_deliveries",
        long = "events-max-deliveries",
        env = "LINKEDALL_EVENTS_MAX_DELIVERIES",
        default_value_t = 5
    )]
    pub max_deliveries: u32,

    /// Events one consumer applies in one database transaction (a failing batch is applied
    /// one event at a time, so one bad event cannot hold the others back).
    #[arg(
        id = "events_consumer_batch",
        long = "events-consumer-batch",
        env = "LINKEDALL_EVENTS_CONSUMER_BATCH",
        default_value_t = 64
    )]
    pub consumer_batch: usize,

    /// Milliseconds between outbox polls when the relay has caught up.
    #[arg(long, env = "LINKEDALL_RELAY_POLL_MS", default_value_t = 200)]
    pub relay_poll_ms: u64,
}

/// The periodic jobs (see `crate::sweepers`).
#[derive(Debug, Clone, Args)]
pub struct SweeperConfig {
    /// Seconds between sweeps that cancel unpaid orders past their reservation and release
    /// their stock.
    #[arg(long, env = "LINKEDALL_RESERVATION_SWEEP_SECS", default_value_t = 30)]
    pub reservation_sweep_secs: u64,
}

/// Forwarding the purge journal to Cloudflare's purge API.
#[derive(Debug, Clone, Args)]
pub struct CloudflareConfig {
    /// Cloudflare zone whose cache the Workers edge uses; with an API token, every purge in
    /// the journal is also sent to Cloudflare's purge API.
    #[arg(id = "cloudflare_zone_id", long = "cloudflare-zone-id", env = "LINKEDALL_CLOUDFLARE_ZONE_ID")]
    pub zone_id: Option<String>,

    /// Cloudflare API token with the Cache Purge permission.
    #[arg(
        id = "cloudflare_api_token",
        long = "cloudflare-api-token",
        env = "LINKEDALL_CLOUDFLARE_API_TOKEN",
        hide_env_values = true
    )]
    pub api_token: Option<Secret>,

    /// Cloudflare's API base (tests point it at a local imitation).
    #[arg(
        long,
        env = "LINKEDALL_CLOUDFLARE_API_BASE",
        default_value = "https://api.cloudflare.com/client/v4"
    )]
    pub api_base: String,

    /// The zone's plan, whose purge rate limits the forwarder keeps to.
    #[arg(id = "cloudflare_plan", long = "cloudflare-plan", env = "LINKEDALL_CLOUDFLARE_PLAN", value_enum, default_value_t = crate::cloudflare_purge::PurgePlan::Free)]
    pub plan: crate::cloudflare_purge::PurgePlan,

    /// The shop's public host name, under which the Workers edge keeps its cache keys.
    #[arg(long, env = "LINKEDALL_SHOP_HOST", default_value = "linkedall.africa")]
    pub shop_host: String,
}

/// Where product photos are kept, and the limits of an upload.
#[derive(Debug, Clone, Args)]
pub struct MediaConfig {
    /// Folder of product photos (originals and variants), created if missing; used when
    /// `--media-store` is not set.
    #[arg(id = "media_dir", long = "media-dir", env = "LINKEDALL_MEDIA_DIR", default_value = "data/media")]
    pub dir: std::path::PathBuf,

    /// Where product photos are stored: a folder, `file:///path`, or `s3://bucket[/prefix]`
    /// (S3, Cloudflare R2, MinIO; see the LINKEDALL_S3_* settings). Default: `--media-dir`.
    #[arg(id = "media_store", long = "media-store", env = "LINKEDALL_MEDIA_STORE")]
    pub store: Option<String>,

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
    #[arg(
        id = "media_max_upload_mb",
        long = "media-max-upload-mb",
        env = "LINKEDALL_MEDIA_MAX_UPLOAD_MB",
        default_value_t = 20
    )]
    pub max_upload_mb: u64,

    /// Longest side of an accepted photo, in pixels (checked on its header).
    #[arg(
        id = "media_max_side",
        long = "media-max-side",
        env = "LINKEDALL_MEDIA_MAX_SIDE",
        default_value_t = 12_000
    )]
    pub max_side: u32,

    /// Most megapixels of an accepted photo (checked on its header).
    #[arg(
        id = "media_max_megapixels",
        long = "media-max-megapixels",
        env = "LINKEDALL_MEDIA_MAX_MEGAPIXELS",
        default_value_t = 50
    )]
    pub max_megapixels: u64,

    /// Megabytes a decoder may allocate for one photo.
    #[arg(
        id = "media_decode_mb",
        long = "media-decode-mb",
        env = "LINKEDALL_MEDIA_DECODE_MB",
        default_value_t = 256
    )]
    pub decode_mb: u64,

    /// Photos decoded or resized at once.
    #[arg(
        id = "media_concurrency",
        long = "media-concurrency",
        env = "LINKEDALL_MEDIA_CONCURRENCY",
        default_value_t = 2
    )]
    pub concurrency: usize,
}

/// Where published events go (see [`EventsConfig::mode`]).
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
        let (service, auth, payments) = (&settings.service, &settings.auth, &settings.payments);
        let production = production_reason(service.env, service.listen, &settings.database.url);
        let mut required = RequiredSecrets::new(production);
        let session_secret = required.require(
            "LINKEDALL_SESSION_SECRET",
            auth.session_secret.as_ref(),
            DEV_SESSION_SECRET,
            crate::deployment::MIN_SESSION_SECRET_LEN,
        );
        let (paystack, payment_webhook_secret) = match payments.provider {
            PaymentProviderKind::Sandbox => {
                // The sandbox lets a shopper approve their own payment without paying: fine for
                // the demo and staging, never where the shop is declared production.
                if service.env == Some(Environment::Production) {
                    required.refuse("LINKEDALL_PAYMENT_PROVIDER=paystack (the sandbox takes no money)");
                }
                let webhook = payments.webhook_secret.as_ref();
                (None, required.require("LINKEDALL_PAYMENT_WEBHOOK_SECRET", webhook, DEV_WEBHOOK_SECRET, 1))
            }
            PaymentProviderKind::Paystack => {
                let key = required.always(
                    "LINKEDALL_PAYSTACK_SECRET_KEY (the payment provider is Paystack)",
                    payments.paystack_secret_key.as_ref(),
                );
                let paystack = key.map(|key| PaystackSettings {
                    base_url: payments.paystack_base_url.clone(),
                    secret_key: key.expose().to_owned(),
                    timeout: Duration::from_secs(payments.paystack_timeout_secs.max(1)),
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
                jwt_secret: auth.supabase_jwt_secret.clone().filter(|s| !s.is_blank()),
                jwks_url: auth.supabase_jwks_url.clone().filter(|s| !s.is_empty()),
                issuer: auth.supabase_issuer.clone().filter(|s| !s.is_empty()),
                jwks_refresh: Duration::from_secs(auth.supabase_jwks_refresh_secs.max(1)),
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

/// Parses [`Settings`] alone, as the binaries do with their other flags around them.
#[derive(Debug, Parser)]
#[command(name = "linkedall-origin")]
struct SettingsOnly {
    #[command(flatten)]
    settings: Settings,
}

impl Settings {
    /// Settings from flags, with `LINKEDALL_*` variables and every default filled in exactly
    /// as the binary fills them: `Settings::parse_args(["--database-url", "sqlite::memory:"])`.
    pub fn parse_args<I, T>(args: I) -> Result<Self>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let args = std::iter::once(std::ffi::OsString::from("linkedall-origin"))
            .chain(args.into_iter().map(Into::into));
        SettingsOnly::try_parse_from(args)
            .map(|parsed| parsed.settings)
            .map_err(|e| Error::Config(e.to_string()))
    }
}

impl CloudflareConfig {
    /// Cloudflare purge settings, when both the zone and the token are set.
    pub fn settings(&self) -> Option<crate::cloudflare_purge::CloudflareSettings> {
        let zone_id = self.zone_id.clone().filter(|z| !z.trim().is_empty())?;
        let api_token = self.api_token.as_ref().filter(|t| !t.is_blank())?.expose().to_owned();
        Some(crate::cloudflare_purge::CloudflareSettings {
            api_base: self.api_base.clone(),
            zone_id,
            api_token,
            shop_host: self.shop_host.clone(),
            budget: self.plan.budget(),
            poll_every: Duration::from_secs(1),
        })
    }
}

impl EventsConfig {
    /// The bus the settings choose; JetStream without a NATS URL is a configuration error.
    pub fn bus_choice(&self) -> Result<BusChoice> {
        let mode = self.mode.unwrap_or(if self.nats_url.is_some() {
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
                names: StreamNames::with_stream(&self.stream, &self.subject_prefix),
            },
        })
    }

    /// The retry policy of the consumers.
    pub fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy { max_deliveries: self.max_deliveries.max(1), ..RetryPolicy::default() }
    }

    /// What runs on the configured bus: the relay when `relay`, and `consumers`.
    pub fn plan(&self, relay: bool, consumers: Vec<Arc<dyn Consumer>>) -> Result<EventsPlan> {
        Ok(EventsPlan {
            bus: self.bus_choice()?,
            relay,
            consumers,
            policy: self.retry_policy(),
            poll_every: Duration::from_millis(self.relay_poll_ms.max(1)),
            batch: linkedall_events::relay::DEFAULT_BATCH,
            consumer_batch: self.consumer_batch.max(1),
        })
    }
}

impl CachesConfig {
    pub fn catalog_ttl(&self) -> Duration {
        Duration::from_secs(self.catalog_ttl_secs)
    }

    pub fn catalog_bytes(&self) -> usize {
        usize::try_from(self.catalog_mb.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX)
    }
}

impl SweeperConfig {
    pub fn every(&self) -> Duration {
        Duration::from_secs(self.reservation_sweep_secs.max(1))
    }
}

impl MediaConfig {
    /// Where product photos are stored: `--media-store`, else the `--media-dir` folder.
    pub fn location(&self) -> Result<crate::media::MediaLocation> {
        match self.store.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(text) => crate::media::MediaLocation::parse(text),
            None => Ok(crate::media::MediaLocation::Folder(self.dir.clone())),
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
    pub fn limits(&self) -> crate::media::MediaSettings {
        crate::media::MediaSettings {
            max_upload_bytes: self.max_upload_mb.saturating_mul(1_000_000),
            limits: linkedall_images::Limits {
                max_side: self.max_side,
                max_pixels: self.max_megapixels.saturating_mul(1_000_000),
                max_alloc: self.decode_mb.saturating_mul(1024 * 1024),
            },
            concurrent_processing: self.concurrency,
        }
    }
}

/// How log lines are written (ECS JSON lines, or compact lines for a terminal).
pub use linkedall_telemetry::LogFormat;
