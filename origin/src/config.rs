//! Typed settings for the origin, from flags or `LINKEDALL_*` environment variables.

use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::accounts::PasswordCost;
use crate::error::{Error, Result};
use crate::payments::paystack::PaystackSettings;
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

    /// Secret that signs session tokens (HS256). The default is for development only.
    #[arg(long, env = "LINKEDALL_SESSION_SECRET", default_value = DEV_SESSION_SECRET, hide_default_value = true)]
    pub session_secret: String,

    /// Secret the payment provider signs its webhooks with (Paystack: the secret key).
    #[arg(
        long,
        env = "LINKEDALL_PAYMENT_WEBHOOK_SECRET",
        default_value = DEV_WEBHOOK_SECRET,
        hide_default_value = true
    )]
    pub payment_webhook_secret: String,

    /// Who charges shoppers: the in-process sandbox, or Paystack.
    #[arg(long, env = "LINKEDALL_PAYMENT_PROVIDER", value_enum, default_value_t = PaymentProviderKind::Sandbox)]
    pub payment_provider: PaymentProviderKind,

    /// Paystack's API base (tests point it at a local imitation).
    #[arg(long, env = "LINKEDALL_PAYSTACK_BASE_URL", default_value = PAYSTACK_BASE_URL)]
    pub paystack_base_url: String,

    /// Paystack secret key (`sk_…`): authenticates our calls and signs Paystack's webhooks.
    #[arg(long, env = "LINKEDALL_PAYSTACK_SECRET_KEY", hide_env_values = true)]
    pub paystack_secret_key: Option<String>,

    /// Seconds one call to Paystack may take before the charge or refund fails.
    #[arg(long, env = "LINKEDALL_PAYSTACK_TIMEOUT_SECS", default_value_t = 15)]
    pub paystack_timeout_secs: u64,

    /// Supabase project JWT secret: Supabase Auth HS256 tokens are accepted as sessions.
    #[arg(long, env = "LINKEDALL_SUPABASE_JWT_SECRET", hide_env_values = true)]
    pub supabase_jwt_secret: Option<String>,

    /// Supabase project JWKS URL: Supabase Auth RS256/ES256 tokens are accepted as sessions.
    #[arg(long, env = "LINKEDALL_SUPABASE_JWKS_URL")]
    pub supabase_jwks_url: Option<String>,

    /// Seconds the fetched Supabase keys are used before they are fetched again.
    #[arg(long, env = "LINKEDALL_SUPABASE_JWKS_REFRESH_SECS", default_value_t = 600)]
    pub supabase_jwks_refresh_secs: u64,

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
}

/// Paystack's public API.
pub const PAYSTACK_BASE_URL: &str = "https://api.paystack.co";

/// Development defaults for the secrets; the origin warns at start when it runs with them.
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
    pub session_secret: String,
    /// Signs the sandbox provider's webhooks (Paystack's are signed with its secret key).
    pub payment_webhook_secret: String,
    /// Charges go to Paystack when set; to the sandbox otherwise.
    pub paystack: Option<PaystackSettings>,
    pub password_cost: PasswordCost,
    /// Supabase Auth tokens accepted too, when configured.
    pub supabase: SupabaseSettings,
}

impl AuthSettings {
    /// Fails when Paystack is chosen without its secret key.
    pub fn from_settings(settings: &Settings) -> Result<Self> {
        let paystack = match settings.payment_provider {
            PaymentProviderKind::Sandbox => None,
            PaymentProviderKind::Paystack => Some(PaystackSettings {
                base_url: settings.paystack_base_url.clone(),
                secret_key: settings
                    .paystack_secret_key
                    .clone()
                    .filter(|k| !k.trim().is_empty())
                    .ok_or_else(|| {
                        Error::Config(
                            "LINKEDALL_PAYMENT_PROVIDER=paystack needs LINKEDALL_PAYSTACK_SECRET_KEY".into(),
                        )
                    })?,
                timeout: Duration::from_secs(settings.paystack_timeout_secs.max(1)),
            }),
        };
        Ok(Self {
            session_secret: settings.session_secret.clone(),
            payment_webhook_secret: settings.payment_webhook_secret.clone(),
            paystack,
            password_cost: PasswordCost::Standard,
            supabase: SupabaseSettings {
                jwt_secret: settings.supabase_jwt_secret.clone().filter(|s| !s.is_empty()),
                jwks_url: settings.supabase_jwks_url.clone().filter(|s| !s.is_empty()),
                jwks_refresh: Duration::from_secs(settings.supabase_jwks_refresh_secs.max(1)),
            },
        })
    }

    /// The development secrets with production-strength password hashing.
    pub fn development() -> Self {
        Self {
            session_secret: DEV_SESSION_SECRET.into(),
            payment_webhook_secret: DEV_WEBHOOK_SECRET.into(),
            paystack: None,
            password_cost: PasswordCost::Standard,
            supabase: SupabaseSettings::default(),
        }
    }

    /// True when the session secret, or the sandbox's webhook secret while the sandbox takes
    /// the payments, is a development default.
    pub fn uses_development_secrets(&self) -> bool {
        self.session_secret == DEV_SESSION_SECRET
            || (self.paystack.is_none() && self.payment_webhook_secret == DEV_WEBHOOK_SECRET)
    }
}

impl Settings {
    /// Settings for tests and embedding: the given database, an ephemeral port.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            db_max_connections: 8,
            session_secret: DEV_SESSION_SECRET.into(),
            payment_webhook_secret: DEV_WEBHOOK_SECRET.into(),
            payment_provider: PaymentProviderKind::Sandbox,
            paystack_base_url: PAYSTACK_BASE_URL.into(),
            paystack_secret_key: None,
            paystack_timeout_secs: 15,
            supabase_jwt_secret: None,
            supabase_jwks_url: None,
            supabase_jwks_refresh_secs: 600,
            redis_url: None,
            redis_prefix: "linkedall:".into(),
            catalog_cache_ttl_secs: 60,
            catalog_cache_mb: 64,
            reservation_sweep_secs: 30,
        }
    }

    pub fn catalog_cache_ttl(&self) -> Duration {
        Duration::from_secs(self.catalog_cache_ttl_secs)
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
