//! The session cache: what a request's token stands for (user id → role, shop, active flag),
//! and which tokens were signed out.
//!
//! Every authenticated request asks it one question — "is this token revoked, and who is its
//! user?" — answered by one `MGET` on Redis or two map reads in memory, so an account that is
//! disabled or a token that is signed out stops working at once, yet a request needs no
//! database round trip. Redis (`LINKEDALL_REDIS_URL`) is for production and CI, where several
//! origins share one view; without it the cache lives in this process's memory.
//!
//! Keys, under a prefix (per deployment, or per test): `session:user:{id}` and
//! `session:supabase:{uuid}` hold a [`SessionRecord`] for [`RECORD_TTL`];
//! `revoked:{jti}` marks a signed-out token until the token itself would have expired.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use redis::aio::ConnectionManager;
use tracing::Instrument;

use crate::error::{Error, Result};
use crate::redis_span::redis_span;
pub use linkedall_store::account::SessionRecord;

/// How long a looked-up session is trusted before the database is asked again. Sign-out drops
/// it at once; other changes (an account disabled in the database) take effect within this.
pub const RECORD_TTL: Duration = Duration::from_secs(300);

/// No token lives longer than this (sessions last 7 days; Supabase's access tokens an hour).
const MAX_REVOCATION: Duration = Duration::from_secs(31 * 24 * 3600);

/// Memory entries are swept of expired ones when a map grows past this.
const SWEEP_ABOVE: usize = 100_000;

/// Who a token stands for, as the cache keys it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Principal {
    /// A session this origin issued.
    User(i64),
    /// A Supabase Auth user (`sub`), linked to a local user on first sight.
    Supabase(uuid::Uuid),
}

impl Principal {
    fn key(&self) -> String {
        match self {
            Principal::User(id) => format!("session:user:{id}"),
            Principal::Supabase(subject) => format!("session:supabase:{subject}"),
        }
    }
}

/// The answer to a request's one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lookup {
    pub revoked: bool,
    /// `None` on a miss: the caller loads the record and [`SessionCache::store`]s it.
    pub record: Option<SessionRecord>,
}

/// The cache, in Redis or in memory. Cloning shares it.
#[derive(Clone)]
pub enum SessionCache {
    Memory(Arc<MemoryCache>),
    Redis(RedisCache),
}

impl std::fmt::Debug for SessionCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.backend())
    }
}

#[derive(Default)]
pub struct MemoryCache {
    records: Mutex<HashMap<String, (SessionRecord, Instant)>>,
    revoked: Mutex<HashMap<String, Instant>>,
}

#[derive(Clone)]
pub struct RedisCache {
    connection: ConnectionManager,
    prefix: String,
}

impl SessionCache {
    /// A cache in this process's memory.
    pub fn memory() -> SessionCache {
        SessionCache::Memory(Arc::default())
    }

    /// A cache in the Redis at `url`, its keys starting with `prefix` (`linkedall:` in
    /// production; unique per test). Fails when Redis does not answer within 5 s.
    pub async fn redis(url: &str, prefix: impl Into<String>) -> Result<SessionCache> {
        let connection = connect_redis(url, Duration::from_secs(5)).await?;
        Ok(SessionCache::Redis(RedisCache { connection, prefix: prefix.into() }))
    }

    /// The Redis connection, for other caches of this origin to share (it is multiplexed).
    pub fn connection(&self) -> Option<ConnectionManager> {
        match self {
            SessionCache::Memory(_) => None,
            SessionCache::Redis(redis) => Some(redis.connection.clone()),
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            SessionCache::Memory(_) => "memory",
            SessionCache::Redis(_) => "redis",
        }
    }

    /// Whether the token `jti` was signed out, and the cached record of `principal`.
    pub async fn lookup(&self, principal: &Principal, jti: &str) -> Result<Lookup> {
        let started = Instant::now();
        let lookup = match self {
            SessionCache::Memory(memory) => {
                let now = Instant::now();
                let revoked = lock(&memory.revoked).get(jti).is_some_and(|until| *until > now);
                let record = lock(&memory.records)
                    .get(&principal.key())
                    .filter(|(_, until)| *until > now)
                    .map(|(record, _)| *record);
                Lookup { revoked, record }
            }
            SessionCache::Redis(redis) => {
                let values: Vec<Option<String>> = redis::cmd("MGET")
                    .arg(redis.key(&format!("revoked:{jti}")))
                    .arg(redis.key(&principal.key()))
                    .query_async(&mut redis.connection.clone())
                    .instrument(redis_span("MGET", "session"))
                    .await
                    .map_err(Error::cache("looking up a session"))?;
                let revoked = values.first().is_some_and(Option::is_some);
                let record = values.get(1).and_then(Option::as_deref).and_then(SessionRecord::decode);
                Lookup { revoked, record }
            }
        };
        self.observe("lookup", started);
        let result = if lookup.record.is_some() { "hit" } else { "miss" };
        metrics::counter!("origin_cache_total", "cache" => "session", "result" => result).increment(1);
        Ok(lookup)
    }

    /// Keeps `record` for `principal` for [`RECORD_TTL`].
    pub async fn store(&self, principal: &Principal, record: SessionRecord) -> Result<()> {
        let started = Instant::now();
        match self {
            SessionCache::Memory(memory) => {
                let now = Instant::now();
                let mut records = lock(&memory.records);
                if records.len() > SWEEP_ABOVE {
                    records.retain(|_, (_, until)| *until > now);
                }
                records.insert(principal.key(), (record, now + RECORD_TTL));
            }
            SessionCache::Redis(redis) => {
                redis::cmd("SET")
                    .arg(redis.key(&principal.key()))
                    .arg(record.encode())
                    .arg("EX")
                    .arg(RECORD_TTL.as_secs())
                    .query_async::<()>(&mut redis.connection.clone())
                    .instrument(redis_span("SET", "session"))
                    .await
                    .map_err(Error::cache("caching a session"))?;
            }
        }
        self.observe("store", started);
        Ok(())
    }

    /// Drops the cached record of `principal` (at sign-out), so the next request reads it anew.
    pub async fn forget(&self, principal: &Principal) -> Result<()> {
        match self {
            SessionCache::Memory(memory) => {
                lock(&memory.records).remove(&principal.key());
            }
            SessionCache::Redis(redis) => {
                redis::cmd("DEL")
                    .arg(redis.key(&principal.key()))
                    .query_async::<()>(&mut redis.connection.clone())
                    .instrument(redis_span("DEL", "session"))
                    .await
                    .map_err(Error::cache("dropping a cached session"))?;
            }
        }
        Ok(())
    }

    /// Marks the token `jti` signed out until `expires_at` (Unix seconds), when the token would
    /// stop working anyway and the mark can go.
    pub async fn revoke(&self, jti: &str, expires_at: u64) -> Result<()> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        // Capped, so a forged far-future `exp` cannot make a mark outlive any real token.
        let remaining =
            Duration::from_secs(expires_at.saturating_sub(now).clamp(1, MAX_REVOCATION.as_secs()));
        match self {
            SessionCache::Memory(memory) => {
                let now = Instant::now();
                let mut revoked = lock(&memory.revoked);
                if revoked.len() > SWEEP_ABOVE {
                    revoked.retain(|_, until| *until > now);
                }
                revoked.insert(jti.to_owned(), now + remaining);
            }
            SessionCache::Redis(redis) => {
                redis::cmd("SET")
                    .arg(redis.key(&format!("revoked:{jti}")))
                    .arg(1)
                    .arg("EX")
                    .arg(remaining.as_secs())
                    .query_async::<()>(&mut redis.connection.clone())
                    .instrument(redis_span("SET", "session"))
                    .await
                    .map_err(Error::cache("revoking a session"))?;
            }
        }
        metrics::counter!("sessions_revoked_total").increment(1);
        Ok(())
    }

    fn observe(&self, op: &'static str, started: Instant) {
        metrics::histogram!(
            "origin_cache_duration_seconds", "cache" => "session", "backend" => self.backend(), "op" => op
        )
        .record(started.elapsed().as_secs_f64());
    }
}

impl RedisCache {
    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// Deletes every key under this cache's prefix (tests clean up with it).
    pub async fn delete_all(&self) -> Result<u64> {
        let mut connection = self.connection.clone();
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{}*", self.prefix))
            .query_async(&mut connection)
            .await
            .map_err(Error::cache("listing keys"))?;
        if keys.is_empty() {
            return Ok(0);
        }
        redis::cmd("DEL").arg(&keys).query_async(&mut connection).await.map_err(Error::cache("deleting keys"))
    }
}

/// A connection to the Redis at `url` that reconnects by itself after a failure; fails when
/// Redis does not answer within `within`. Every Redis user of the origin connects through this.
pub(crate) async fn connect_redis(url: &str, within: Duration) -> Result<ConnectionManager> {
    let client = redis::Client::open(url).map_err(Error::cache("opening the Redis URL"))?;
    tokio::time::timeout(within, ConnectionManager::new(client))
        .await
        .map_err(|_| {
            Error::Config(format!("Redis at {url} did not answer within {} ms", within.as_millis()))
        })?
        .map_err(Error::cache("connecting to Redis"))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkedall_shared::VendorId;
    use linkedall_store::account::{CurrentUser, Role};

    #[test]
    fn a_record_survives_its_redis_encoding() {
        for record in [
            SessionRecord {
                user: CurrentUser { id: 42, role: Role::Vendor, vendor_id: Some(VendorId::new(7)) },
                active: true,
                sessions_since: 0,
            },
            SessionRecord {
                user: CurrentUser { id: 43, role: Role::Shopper, vendor_id: None },
                active: false,
                sessions_since: 1_796_000_000,
            },
        ] {
            assert_eq!(SessionRecord::decode(&record.encode()), Some(record));
        }
        let before_resets = SessionRecord::decode("44:shopper:-:1").expect("a record cached before resets");
        assert_eq!(before_resets.sessions_since, 0);
        assert_eq!(SessionRecord::decode("x:shopper:-:1"), None);
        assert_eq!(SessionRecord::decode("1:pirate:-:1"), None);
    }

    #[tokio::test]
    async fn memory_cache_misses_then_hits_and_revocation_sticks() {
        let cache = SessionCache::memory();
        let principal = Principal::User(5);
        let record = SessionRecord {
            user: CurrentUser { id: 5, role: Role::Shopper, vendor_id: None },
            active: true,
            sessions_since: 0,
        };
        assert_eq!(cache.lookup(&principal, "j1").await.unwrap(), Lookup { revoked: false, record: None });
        cache.store(&principal, record).await.unwrap();
        assert_eq!(cache.lookup(&principal, "j1").await.unwrap().record, Some(record));
        cache.revoke("j1", u64::MAX).await.unwrap();
        cache.forget(&principal).await.unwrap();
        assert_eq!(cache.lookup(&principal, "j1").await.unwrap(), Lookup { revoked: true, record: None });
        assert!(!cache.lookup(&principal, "j2").await.unwrap().revoked);
    }
}
