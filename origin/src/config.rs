//! Typed settings for the origin, from flags or `LINKEDALL_*` environment variables.

use std::net::SocketAddr;

use clap::{Args, ValueEnum};

use crate::accounts::PasswordCost;

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
}

/// Development defaults for the secrets; the origin warns at start when it runs with them.
pub const DEV_SESSION_SECRET: &str = "linkedall-dev-session-secret-do-not-use-in-production";
pub const DEV_WEBHOOK_SECRET: &str = "linkedall-dev-webhook-secret";

/// What accounts, sessions and payments need: secrets and how hard to hash passwords.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub session_secret: String,
    pub payment_webhook_secret: String,
    pub password_cost: PasswordCost,
}

impl AuthSettings {
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            session_secret: settings.session_secret.clone(),
            payment_webhook_secret: settings.payment_webhook_secret.clone(),
            password_cost: PasswordCost::Standard,
        }
    }

    /// The development secrets with production-strength password hashing.
    pub fn development() -> Self {
        Self {
            session_secret: DEV_SESSION_SECRET.into(),
            payment_webhook_secret: DEV_WEBHOOK_SECRET.into(),
            password_cost: PasswordCost::Standard,
        }
    }

    pub fn uses_development_secrets(&self) -> bool {
        self.session_secret == DEV_SESSION_SECRET || self.payment_webhook_secret == DEV_WEBHOOK_SECRET
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
        }
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
