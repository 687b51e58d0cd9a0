//! The catalog cache in Redis, shared by every origin of a deployment.
//!
//! Keys, under the deployment's prefix (unique per test):
//!
//! - `catalog:sequence` — where generations come from (`INCR`, never expires);
//! - `catalog:gen` — the catalog generation (no expiry);
//! - `catalog:gen:product:{id}` — a product's generation, expiring `ttl + MAX_FILL` after
//!   its last change;
//! - `catalog:g{generation}:{kind}:{format}:{params}` — an encoded answer, expiring after `ttl`.
//!
//! A lookup is one `EVAL` that reads the guarding generation and the value under it; a bump is
//! one `EVAL` that takes a new generation and sets the catalog's and the products' to it. The
//! connection is made in the background and remade after a failure (at most once a second),
//! so an origin starts and serves while Redis is down, and uses it once it is back.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ::redis::aio::ConnectionManager;
use ::redis::{ErrorKind, RedisError};
use axum::body::Bytes;
use linkedall_shared::ProductId;
use tracing::Instrument;

use super::{Found, Guard};
use crate::error::{Error, Result};
use crate::redis_span::redis_span;
use crate::session_cache::connect_redis;

/// Reads the guarding generation (`KEYS[1]`, 0 when absent) and the value stored under it
/// (`ARGV[1] .. generation .. ARGV[2]`) in one round trip, atomically.
const LOOKUP: &str = r"
local generation = redis.call('GET', KEYS[1]) or '0'
return {generation, redis.call('GET', ARGV[1] .. generation .. ARGV[2])}
";

/// Takes a new generation from the sequence (`KEYS[1]`) and sets the catalog's (`KEYS[2]`)
/// and each product's (`KEYS[3..]`, expiring after `ARGV[1]` ms) to it.
const BUMP: &str = r"
local generation = redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[2], generation)
for i = 3, #KEYS do
  redis.call('SET', KEYS[i], generation, 'PX', ARGV[1])
end
return generation
";

/// How long a background connection attempt may take.
const CONNECT_WITHIN: Duration = Duration::from_secs(2);

/// How often a lost connection is tried again.
const RECONNECT_EVERY: Duration = Duration::from_secs(1);

/// The Redis backend. Cloning shares its connection.
#[derive(Clone)]
pub struct RedisCatalog {
    connection: Arc<Connection>,
    prefix: String,
}

impl std::fmt::Debug for RedisCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisCatalog").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

struct Connection {
    /// Where to connect again; `None` for a connection lent by the session cache, which
    /// reconnects by itself.
    url: Option<String>,
    state: Mutex<State>,
}

enum State {
    Ready(ConnectionManager),
    Down { retry_at: Instant, connecting: bool },
}

impl RedisCatalog {
    /// Uses an established connection (the session cache's: one connection per origin), its
    /// keys under `prefix`.
    pub fn with_connection(connection: ConnectionManager, prefix: impl Into<String>) -> RedisCatalog {
        RedisCatalog {
            connection: Arc::new(Connection { url: None, state: Mutex::new(State::Ready(connection)) }),
            prefix: prefix.into(),
        }
    }

    /// Connects to the Redis at `url` in the background: until it answers, every operation
    /// fails at once and callers use the database.
    pub fn connect(url: impl Into<String>, prefix: impl Into<String>) -> RedisCatalog {
        let catalog = RedisCatalog {
            connection: Arc::new(Connection {
                url: Some(url.into()),
                state: Mutex::new(State::Down { retry_at: Instant::now(), connecting: false }),
            }),
            prefix: prefix.into(),
        };
        let _ = catalog.connection();
        catalog
    }

    pub(super) async fn lookup(&self, guard: Guard, name: &str) -> Result<Found> {
        let (generation, value): (String, Option<Vec<u8>>) = ::redis::cmd("EVAL")
            .arg(LOOKUP)
            .arg(1)
            .arg(self.generation_key(guard))
            .arg(format!("{}catalog:g", self.prefix))
            .arg(format!(":{name}"))
            .query_async(&mut self.connection()?)
            .instrument(redis_span("EVAL", "catalog"))
            .await
            .map_err(Error::cache("looking up the catalog cache"))?;
        let generation = generation.parse().map_err(|_| {
            Error::Corrupt(format!("catalog cache generation `{generation}` is not a number"))
        })?;
        Ok(Found { generation, value: value.map(Bytes::from) })
    }

    pub(super) async fn store(&self, name: &str, generation: u64, value: Bytes, ttl: Duration) -> Result<()> {
        ::redis::cmd("SET")
            .arg(format!("{}catalog:g{generation}:{name}", self.prefix))
            .arg(value.as_ref())
            .arg("PX")
            .arg(ttl.as_millis() as u64)
            .query_async::<()>(&mut self.connection()?)
            .instrument(redis_span("SET", "catalog"))
            .await
            .map_err(Error::cache("filling the catalog cache"))
    }

    pub(super) async fn bump(&self, products: &[ProductId], keep: Duration) -> Result<u64> {
        let mut command = ::redis::cmd("EVAL");
        command
            .arg(BUMP)
            .arg(2 + products.len())
            .arg(format!("{}catalog:sequence", self.prefix))
            .arg(self.generation_key(Guard::Catalog));
        for id in products {
            command.arg(self.generation_key(Guard::Product(*id)));
        }
        command
            .arg(keep.as_millis() as u64)
            .query_async(&mut self.connection()?)
            .instrument(redis_span("EVAL", "catalog"))
            .await
            .map_err(Error::cache("invalidating the catalog cache"))
    }

    fn generation_key(&self, guard: Guard) -> String {
        match guard {
            Guard::Catalog => format!("{}catalog:gen", self.prefix),
            Guard::Product(id) => format!("{}catalog:gen:product:{id}", self.prefix),
        }
    }

    /// The connection, or an error at once while there is none (starting a background
    /// attempt to make one when the last is more than [`RECONNECT_EVERY`] ago).
    fn connection(&self) -> Result<ConnectionManager> {
        let mut state = lock(&self.connection.state);
        match &mut *state {
            State::Ready(connection) => return Ok(connection.clone()),
            State::Down { retry_at, connecting } => {
                if let Some(url) = &self.connection.url
                    && !*connecting
                    && Instant::now() >= *retry_at
                {
                    *connecting = true;
                    let (url, connection) = (url.clone(), self.connection.clone());
                    tokio::spawn(async move {
                        let made = connect_redis(&url, CONNECT_WITHIN).await;
                        let mut state = lock(&connection.state);
                        *state = match made {
                            Ok(manager) => {
                                tracing::info!(%url, "catalog cache connected to Redis");
                                State::Ready(manager)
                            }
                            Err(error) => {
                                tracing::warn!(%url, %error, "catalog cache cannot reach Redis; retrying");
                                State::Down { retry_at: Instant::now() + RECONNECT_EVERY, connecting: false }
                            }
                        };
                    });
                }
            }
        }
        Err(unavailable("Redis is not connected yet"))
    }
}

/// The error of an operation that got no answer within the cache's time limit.
pub(super) fn timed_out() -> Error {
    unavailable("Redis did not answer in time")
}

fn unavailable(why: &'static str) -> Error {
    Error::Cache { during: "a catalog cache operation", source: RedisError::from((ErrorKind::IoError, why)) }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
