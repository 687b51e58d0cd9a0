//! Demo or production, and the secrets production cannot start without.
//!
//! The demo (`cargo run`: embedded SQLite, listening on loopback) signs sessions and sandbox
//! webhooks with development secrets written in the source, so it runs with no setup. Anyone
//! can read those, so any other origin — run with `--env production`
//! (`LINKEDALL_ENV=production`), or listening on a non-loopback address, or on a PostgreSQL
//! database — refuses to start until each required secret is set, naming every missing one in
//! one error.

use std::net::SocketAddr;

use clap::ValueEnum;

use crate::error::Error;
use crate::secret::Secret;

/// What `--env` / `LINKEDALL_ENV` says the origin is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Environment {
    /// The demo's conveniences, where nothing else says production.
    Development,
    /// Real secrets required, whatever the address and database.
    Production,
}

/// Why an origin with these settings is a production one; `None` for the demo.
pub fn production_reason(env: Option<Environment>, listen: SocketAddr, database_url: &str) -> Option<String> {
    if env == Some(Environment::Production) {
        Some("LINKEDALL_ENV=production".into())
    } else if !listen.ip().is_loopback() {
        Some(format!("it listens on {listen}, not on loopback"))
    } else if database_url.starts_with("postgres") {
        Some("its database is PostgreSQL".into())
    } else {
        None
    }
}

/// The shortest session secret production accepts (HS256 wants a key of at least 256 bits).
pub const MIN_SESSION_SECRET_LEN: usize = 32;

/// Collects the secrets a production origin lacks, to refuse them in one error.
#[derive(Debug, Default)]
pub struct RequiredSecrets {
    production: Option<String>,
    missing: Vec<String>,
}

impl RequiredSecrets {
    pub fn new(production: Option<String>) -> RequiredSecrets {
        RequiredSecrets { production, missing: Vec::new() }
    }

    /// `given` when it is a real secret of at least `min_len` characters; otherwise, in the
    /// demo, `development` (the public default), and in production a missing `name`.
    pub fn require(
        &mut self,
        name: &'static str,
        given: Option<&Secret>,
        development: &str,
        min_len: usize,
    ) -> Secret {
        match given.filter(|s| !s.is_blank() && s.expose() != development) {
            Some(secret) if self.production.is_none() || secret.expose().len() >= min_len => secret.clone(),
            Some(_) => {
                self.missing.push(format!("{name} (at least {min_len} characters)"));
                Secret::new(development)
            }
            None if self.production.is_none() => Secret::new(development),
            None => {
                self.missing.push(name.to_owned());
                Secret::new(development)
            }
        }
    }

    /// A secret that is required in every mode (a chosen provider's key).
    pub fn always(&mut self, name: &'static str, given: Option<&Secret>) -> Option<Secret> {
        let found = given.filter(|s| !s.is_blank()).cloned();
        if found.is_none() {
            self.missing.push(name.to_owned());
        }
        found
    }

    /// A setting production may not run with, named among the missing ones.
    pub fn refuse(&mut self, what: &'static str) {
        self.missing.push(what.to_owned());
    }

    /// Ok when nothing is missing; else one error naming each missing secret.
    pub fn check(self) -> Result<(), Error> {
        if self.missing.is_empty() {
            return Ok(());
        }
        metrics::counter!("origin_start_refused_total", "reason" => "missing_secrets").increment(1);
        Err(Error::Config(match &self.production {
            Some(reason) => format!(
                "this is a production origin ({reason}), so it will not start with development secrets; set {}",
                self.missing.join(", ")
            ),
            None => format!("set {}", self.missing.join(", ")),
        }))
    }
}
