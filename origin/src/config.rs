//! Typed settings for the origin, from flags or `LINKEDALL_*` environment variables.

use std::net::SocketAddr;

use clap::{Args, ValueEnum};

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
}

impl Settings {
    /// Settings for tests and embedding: the given database, an ephemeral port.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            db_max_connections: 8,
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
