//! Test support shared by the origin's tests and the end-to-end tests: a database of each
//! backend, isolated per test and removed afterwards, and an origin spawned on a random port.
//!
//! PostgreSQL is the real service on 127.0.0.1:5432 (`DATABASE_URL` overrides), Redis on
//! 127.0.0.1:6379 (`REDIS_URL` overrides). When one is unreachable a test that needs it fails
//! if `CI=true`, and otherwise is skipped with a message on stderr.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::Origin;
use crate::accounts::PasswordCost;
use crate::catalog_cache::{CatalogCache, RedisCatalog};
use crate::config::AuthSettings;
use crate::seed::{SeedOptions, seed};
use crate::session_cache::SessionCache;
use crate::supabase::SupabaseSettings;
use linkedall_store::{Backend, PoolSettings, Store};

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The one number `sql` selects (a count, a sum, a stock level) from `store`: what a test
/// checks was written, or was not.
pub async fn number(store: &linkedall_store::Store, sql: &str) -> i64 {
    match store {
        linkedall_store::Store::Postgres(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await,
        linkedall_store::Store::Sqlite(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Runs `sql` (an update a test needs and no route offers, such as moving a deadline past).
pub async fn execute(store: &linkedall_store::Store, sql: &str) {
    match store {
        linkedall_store::Store::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(drop),
        linkedall_store::Store::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(drop),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

pub fn postgres_url() -> String {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
        .unwrap_or(DEFAULT_POSTGRES_URL.into())
}

pub const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379";

pub fn redis_url() -> String {
    std::env::var("REDIS_URL").ok().filter(|u| u.starts_with("redis")).unwrap_or(DEFAULT_REDIS_URL.into())
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// A database used by one test: a fresh SQLite file, or a fresh PostgreSQL schema.
pub struct TestDatabase {
    pub store: Store,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteFile(PathBuf),
    PostgresSchema { url: String, schema: String },
}

impl TestDatabase {
    /// A new, migrated database of `backend`; `None` when PostgreSQL is unreachable outside CI.
    pub async fn new(backend: Backend) -> Option<TestDatabase> {
        let db = match backend {
            Backend::Sqlite => Self::sqlite().await,
            Backend::Postgres => Self::postgres().await?,
        };
        db.store.migrate().await.expect("migrations apply");
        Some(db)
    }

    async fn sqlite() -> TestDatabase {
        let path = std::env::temp_dir().join(format!("linkedall-test-{}.db", uuid::Uuid::new_v4().simple()));
        let url = format!("sqlite://{}", path.display());
        let store = Store::connect(&url, &PoolSettings::default()).await.expect("SQLite opens");
        TestDatabase { store, cleanup: Cleanup::SqliteFile(path) }
    }

    async fn postgres() -> Option<TestDatabase> {
        let url = postgres_url();
        let admin = match Store::connect(&url, &PoolSettings { max_connections: 1, schema: None }).await {
            Ok(Store::Postgres(pool)) => pool,
            Ok(Store::Sqlite(_)) => unreachable!("postgres_url is a PostgreSQL URL"),
            Err(error) if in_ci() => panic!("PostgreSQL at {url} is required when CI=true: {error}"),
            Err(error) => {
                eprintln!(
                    "SKIPPED: PostgreSQL at {url} is unreachable ({error}); set CI=true to make this a failure"
                );
                return None;
            }
        };
        let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&admin).await.expect("schema is created");
        admin.close().await;
        let store = Store::connect(&url, &PoolSettings { max_connections: 8, schema: Some(schema.clone()) })
            .await
            .expect("PostgreSQL connects with the test schema");
        Some(TestDatabase { store, cleanup: Cleanup::PostgresSchema { url, schema } })
    }

    /// A URL another process (the origin binary's roles) can open this database with.
    pub fn url(&self) -> String {
        match &self.cleanup {
            Cleanup::SqliteFile(path) => format!("sqlite://{}", path.display()),
            Cleanup::PostgresSchema { url, schema } => {
                let join = if url.contains('?') { '&' } else { '?' };
                format!("{url}{join}options=-c%20search_path%3D{schema}")
            }
        }
    }

    /// Seeds `products` products with a fixed seed.
    pub async fn seeded(self, products: u64) -> TestDatabase {
        seed(&self.store, &SeedOptions { products, seed: 7, reset: false, progress: false })
            .await
            .expect("seeding works");
        self
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::SqliteFile(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::PostgresSchema { url, schema } => {
                let (url, schema) = (url.clone(), schema.clone());
                // Drop runs outside any runtime we may block on; use a short-lived one.
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
                    runtime.block_on(async {
                        let store = Store::connect(&url, &PoolSettings { max_connections: 1, schema: None })
                            .await
                            .ok()?;
                        if let Store::Postgres(pool) = store {
                            sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                                .execute(&pool)
                                .await
                                .ok()?;
                        }
                        Some(())
                    })
                })
                .join();
            }
        }
    }
}

/// A session cache in the real Redis, its keys under a prefix of its own, deleted afterwards.
pub struct TestRedis {
    pub cache: SessionCache,
    pub prefix: String,
    url: String,
}

impl TestRedis {
    /// `None` when Redis is unreachable outside CI.
    pub async fn new() -> Option<TestRedis> {
        let url = redis_url();
        let prefix = format!("linkedall-test:{}:", uuid::Uuid::new_v4().simple());
        match SessionCache::redis(&url, prefix.clone()).await {
            Ok(cache) => Some(TestRedis { cache, prefix, url }),
            Err(error) if in_ci() => panic!("Redis at {url} is required when CI=true: {error}"),
            Err(error) => {
                eprintln!(
                    "SKIPPED: Redis at {url} is unreachable ({error}); set CI=true to make this a failure"
                );
                None
            }
        }
    }

    /// A catalog cache in this Redis, under this test's prefix, sharing the session cache's
    /// connection.
    pub fn catalog_cache(&self, ttl: Duration) -> CatalogCache {
        let connection = self.cache.connection().expect("a Redis session cache has a connection");
        CatalogCache::redis(RedisCatalog::with_connection(connection, self.prefix.clone()), ttl)
    }

    /// The keys this test wrote, without their prefix, sorted.
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .sync_connection()
            .and_then(|mut c| redis::cmd("KEYS").arg(format!("{}*", self.prefix)).query(&mut c).ok())
            .unwrap_or_default();
        keys.iter_mut().for_each(|k| *k = k[self.prefix.len()..].to_owned());
        keys.sort();
        keys
    }

    /// Seconds until `key` (without the prefix) expires; -1 without expiry, -2 when absent.
    pub fn ttl(&self, key: &str) -> i64 {
        self.sync_connection()
            .and_then(|mut c| redis::cmd("TTL").arg(format!("{}{key}", self.prefix)).query(&mut c).ok())
            .unwrap_or(-2)
    }

    fn sync_connection(&self) -> Option<redis::Connection> {
        redis::Client::open(self.url.as_str()).ok()?.get_connection_with_timeout(Duration::from_secs(2)).ok()
    }
}

impl Drop for TestOrigin {
    fn drop(&mut self) {
        if let Some(root) = self.media.root() {
            let _ = std::fs::remove_dir_all(root);
        }
    }
}

impl Drop for TestRedis {
    fn drop(&mut self) {
        let Some(mut connection) = self.sync_connection() else { return };
        let keys: Vec<String> =
            redis::cmd("KEYS").arg(format!("{}*", self.prefix)).query(&mut connection).unwrap_or_default();
        if !keys.is_empty() {
            let _: redis::RedisResult<()> = redis::cmd("DEL").arg(&keys).query(&mut connection);
        }
    }
}

/// The payment webhook secret of a [`TestOrigin`], for tests that sign webhooks.
pub const TEST_WEBHOOK_SECRET: &str = "test-webhook-secret";

/// Test secrets (the session secret random per call, as production's must be real) and the
/// cheapest password hashing, so tests can register many accounts.
pub fn test_auth() -> AuthSettings {
    AuthSettings {
        session_secret: crate::secret::Secret::random(),
        payment_webhook_secret: TEST_WEBHOOK_SECRET.into(),
        paystack: None,
        password_cost: PasswordCost::TestOnly,
        supabase: SupabaseSettings::default(),
    }
}

/// How a [`TestOrigin`] differs from the default one.
pub struct TestOptions {
    pub auth: AuthSettings,
    /// In memory unless a test brings its [`TestRedis`] cache.
    pub session_cache: Option<SessionCache>,
    /// The default in-memory catalog cache unless a test brings one.
    pub catalog_cache: Option<CatalogCache>,
    /// An hour by default, so the sweeper never runs (nor holds a connection when the test's
    /// schema is dropped); the reservation tests set it short, and stop the origin at the end.
    pub sweep_every: Duration,
    /// The admin token ([`TEST_ADMIN_TOKEN`] by default).
    pub admin_token: Option<String>,
    /// The site name in `x-linkedall-site` (`local` by default).
    pub site: Option<String>,
    /// Forward purges to this (imitation of) Cloudflare.
    pub cloudflare: Option<crate::cloudflare_purge::CloudflareSettings>,
    /// The relay and consumers the origin runs (none by default: events stay in the outbox).
    pub events: linkedall_events::service::EventsPlan,
    /// Where photos are stored (a fresh temporary folder by default).
    pub media: Option<crate::media::MediaStore>,
    /// The payment provider (the sandbox of [`test_auth`] by default), e.g. a [`ScriptedRefunds`].
    pub payments: Option<std::sync::Arc<dyn crate::payments::PaymentProvider>>,
    /// Registrations per client address: generous by default, since tests register many
    /// accounts from 127.0.0.1.
    pub registrations: crate::login_limit::RegistrationLimit,
    /// Password hashing with a bound of the test's (one hash per core by default).
    pub passwords: Option<crate::accounts::Passwords>,
    /// Whose `x-linkedall-client-ip` is believed (loopback by default, as in the demo).
    pub trusted_edges: Option<crate::client_address::TrustedEdges>,
    /// What `/metrics` and the purge feed ask of readers (no tokens by default).
    pub internal_tokens: Option<crate::routes::InternalTokens>,
    /// Where mail goes, and the shop address its links name (files in a temporary folder by
    /// default), e.g. a [`crate::test_smtp::TestSmtp`].
    pub mailer: Option<(crate::mail::Mailer, String)>,
}

/// The admin token of a default [`TestOrigin`].
pub const TEST_ADMIN_TOKEN: &str = "test-admin-token";

impl Default for TestOptions {
    fn default() -> Self {
        Self {
            auth: test_auth(),
            session_cache: None,
            catalog_cache: None,
            sweep_every: Duration::from_secs(3600),
            admin_token: Some(TEST_ADMIN_TOKEN.into()),
            site: None,
            cloudflare: None,
            events: linkedall_events::service::EventsPlan::off(),
            media: None,
            payments: None,
            registrations: crate::login_limit::RegistrationLimit {
                burst: 100_000,
                refill_every: Duration::from_secs(1),
            },
            passwords: None,
            trusted_edges: None,
            internal_tokens: None,
            mailer: None,
        }
    }
}

/// An origin serving a test database on 127.0.0.1 with a random port.
pub struct TestOrigin {
    pub addr: SocketAddr,
    pub db: TestDatabase,
    /// Its product photos, in a temporary folder removed with it.
    pub media: crate::media::MediaStore,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl TestOrigin {
    pub async fn spawn(db: TestDatabase) -> TestOrigin {
        Self::spawn_with(db, TestOptions::default()).await
    }

    pub async fn spawn_with(db: TestDatabase, options: TestOptions) -> TestOrigin {
        init_test_tracing();
        let mut origin = Origin::with_store_and_auth(db.store.clone(), options.auth)
            .await
            .expect("origin builds")
            .with_sweep_interval(options.sweep_every)
            .with_events(options.events);
        if let Some(cache) = options.session_cache {
            origin = origin.with_session_cache(cache);
        }
        if let Some(token) = &options.admin_token {
            origin = origin.with_admin_token(token);
        }
        if let Some(site) = &options.site {
            origin = origin.with_site(site);
        }
        if let Some(cloudflare) = options.cloudflare {
            origin = origin.with_cloudflare(cloudflare);
        }
        if let Some(cache) = options.catalog_cache {
            origin = origin.with_catalog_cache(cache);
        }
        if let Some(media) = options.media {
            origin = origin.with_media(media);
        }
        if let Some(payments) = options.payments {
            origin = origin.with_payments(payments);
        }
        if let Some(passwords) = options.passwords {
            origin = origin.with_passwords(passwords);
        }
        if let Some(tokens) = options.internal_tokens {
            origin = origin.with_internal_tokens(tokens);
        }
        if let Some(edges) = options.trusted_edges {
            origin = origin.with_trusted_edges(edges);
        }
        if let Some((mailer, shop_url)) = options.mailer {
            origin = origin.with_mailer(mailer, &shop_url);
        }
        origin = origin.with_registration_limit(options.registrations);
        let media = origin.state.media.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a random port");
        let addr = listener.local_addr().expect("bound address");
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(async move {
            origin
                .serve(listener, async {
                    let _ = stopped.await;
                })
                .await
                .expect("origin serves");
        });
        TestOrigin { addr, db, media, stop: Some(stop), task: Some(task) }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Opens an account with `body` (`POST /api/v1/auth/register`), which must succeed (201);
    /// the session document (`token`, `user_id`, `vendor_id` …).
    pub async fn register(&self, body: serde_json::Value) -> serde_json::Value {
        let response = reqwest::Client::new()
            .post(format!("{}/api/v1/auth/register", self.url()))
            .json(&body)
            .send()
            .await
            .expect("origin answers");
        let status = response.status();
        let text = response.text().await.expect("a body");
        assert_eq!(status, reqwest::StatusCode::CREATED, "registering {body}: {text}");
        serde_json::from_str(&text).expect("a session document")
    }

    /// `method path` with `token` as the bearer (and an `Idempotency-Key` when given): the
    /// status and the JSON body (a string when the body is not JSON).
    pub async fn call(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
        key: Option<&str>,
    ) -> (reqwest::StatusCode, serde_json::Value) {
        let mut request =
            reqwest::Client::new().request(method, format!("{}{path}", self.url())).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        let response = request.send().await.expect("origin answers");
        let status = response.status();
        let text = response.text().await.expect("a body");
        (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
    }

    /// `method path` with one file (`field`, named `file_name`, of `content_type`) in a
    /// `multipart/form-data` body, as a browser's form sends it, with `token` as the bearer
    /// (none: anonymous): the status and the JSON body (`null` when it is not JSON). A refusal
    /// must be a problem document.
    pub async fn send_file(
        &self,
        token: Option<&str>,
        method: reqwest::Method,
        path: &str,
        (field, file_name, content_type): (&str, &str, &str),
        bytes: &[u8],
    ) -> (reqwest::StatusCode, serde_json::Value) {
        let boundary = "linkedall-test-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\n\
             Content-Type: {content_type}\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut request = reqwest::Client::new()
            .request(method, format!("{}{path}", self.url()))
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("origin answers");
        let status = response.status();
        let content_type =
            response.headers().get("content-type").map(|v| v.to_str().unwrap_or("").to_owned());
        let body = response.json().await.unwrap_or(serde_json::Value::Null);
        if status.is_client_error() {
            assert_eq!(content_type.as_deref(), Some("application/problem+json"), "{status} {body}");
        }
        (status, body)
    }

    /// Posts `body` to the payment webhook, signed with [`TEST_WEBHOOK_SECRET`].
    pub async fn webhook(&self, body: &serde_json::Value) -> (reqwest::StatusCode, serde_json::Value) {
        let body = serde_json::to_vec(body).expect("JSON");
        let signature = crate::payments::paystack_signature(TEST_WEBHOOK_SECRET.as_bytes(), &body);
        let response = reqwest::Client::new()
            .post(format!("{}/api/v1/payments/webhook", self.url()))
            .header(crate::payments::SIGNATURE_HEADER, signature)
            .body(body)
            .send()
            .await
            .expect("origin answers");
        let status = response.status();
        let text = response.text().await.expect("a body");
        (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
    }

    /// The purge journal after `after`, as edges read it (`GET /api/v1/cache/purges`): its
    /// newest position and its entries as `Kind:value` (`Tag:product:7`, `Prefix:/v/`) or
    /// `Everything`.
    pub async fn purge_journal(&self, after: u64) -> (u64, Vec<String>) {
        let feed: serde_json::Value =
            reqwest::get(format!("{}/api/v1/cache/purges?after={after}", self.url()))
                .await
                .expect("origin answers")
                .json()
                .await
                .expect("a purge feed");
        let entries = feed["purges"]
            .as_array()
            .expect("purges")
            .iter()
            .map(|p| match &p["selector"] {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Object(o) => {
                    let (kind, value) = o.iter().next().expect("one selector");
                    format!("{kind}:{}", value.as_str().expect("a selector value"))
                }
                other => panic!("unexpected selector {other}"),
            })
            .collect();
        (feed["latest"].as_u64().expect("latest"), entries)
    }

    /// Paths (relative to the media folder) of every stored photo object, sorted.
    pub fn media_objects(&self) -> Vec<String> {
        fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, root, out);
                } else if let Ok(relative) = path.strip_prefix(root) {
                    out.push(relative.to_string_lossy().into_owned());
                }
            }
        }
        let mut out = Vec::new();
        if let Some(root) = self.media.root() {
            walk(root, root, &mut out);
        }
        out.sort();
        out
    }

    /// Stops the origin and waits until its port is closed.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

/// The sandbox provider, whose refund requests fail when told to and which remembers every
/// refund it accepted: what a test needs to see that a refund was really asked for, and what
/// happens when the provider refuses one.
pub struct ScriptedRefunds {
    sandbox: crate::payments::SandboxProvider,
    failures_to_come: std::sync::atomic::AtomicU32,
    accepted: std::sync::Mutex<Vec<(String, linkedall_shared::Money)>>,
}

impl ScriptedRefunds {
    /// A sandbox signing with [`TEST_WEBHOOK_SECRET`], refunding until told otherwise.
    pub fn new() -> std::sync::Arc<ScriptedRefunds> {
        std::sync::Arc::new(ScriptedRefunds {
            sandbox: crate::payments::SandboxProvider::new(TEST_WEBHOOK_SECRET),
            failures_to_come: std::sync::atomic::AtomicU32::new(0),
            accepted: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// The next `n` refund requests fail (as a provider that is down would).
    pub fn fail_next_refunds(&self, n: u32) {
        self.failures_to_come.store(n, std::sync::atomic::Ordering::SeqCst);
    }

    /// Every refund accepted so far: (payment reference, amount), in order.
    pub fn refunds(&self) -> Vec<(String, linkedall_shared::Money)> {
        self.accepted.lock().map(|a| a.clone()).unwrap_or_default()
    }
}

impl crate::payments::PaymentProvider for ScriptedRefunds {
    fn name(&self) -> &'static str {
        self.sandbox.name()
    }

    fn initialize(
        &self,
        order: i64,
        email: &crate::accounts::Email,
        amount: linkedall_shared::Money,
        method: linkedall_shared::PaymentMethod,
    ) -> crate::payments::BoxFuture<'_, crate::error::Result<crate::payments::PaymentSession>> {
        self.sandbox.initialize(order, email, amount, method)
    }

    fn refund(
        &self,
        reference: &str,
        amount: linkedall_shared::Money,
    ) -> crate::payments::BoxFuture<'_, crate::error::Result<()>> {
        use std::sync::atomic::Ordering;
        let failing = self
            .failures_to_come
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        let reference = reference.to_owned();
        Box::pin(async move {
            if failing {
                return Err(crate::Error::PaymentProvider(format!("scripted refusal to refund {reference}")));
            }
            if let Ok(mut accepted) = self.accepted.lock() {
                accepted.push((reference, amount));
            }
            Ok(())
        })
    }

    fn verify_signature(&self, body: &[u8], signature: &str) -> bool {
        self.sandbox.verify_signature(body, signature)
    }

    fn sandbox(&self) -> Option<&crate::payments::SandboxProvider> {
        Some(&self.sandbox)
    }
}

/// JSON logs captured by the test harness (shown only for failing tests).
pub fn init_test_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt().json().with_env_filter(filter).with_test_writer().try_init();
}

pub const DEFAULT_NATS_URL: &str = "nats://127.0.0.1:4222";

pub fn nats_url() -> String {
    std::env::var("NATS_URL").ok().filter(|u| u.starts_with("nats")).unwrap_or(DEFAULT_NATS_URL.into())
}

/// JetStream streams of one test (unique names, so tests run side by side), deleted afterwards.
pub struct TestNats {
    pub url: String,
    pub names: linkedall_events::jetstream::StreamNames,
    pub bus: linkedall_events::jetstream::JetStreamBus,
}

impl TestNats {
    /// `None` when NATS is unreachable outside CI.
    pub async fn new() -> Option<TestNats> {
        let url = nats_url();
        let id = uuid::Uuid::new_v4().simple().to_string();
        let names =
            linkedall_events::jetstream::StreamNames::with_stream(&format!("T_{id}"), &format!("t{id}"));
        match linkedall_events::jetstream::JetStreamBus::connect(&url, names.clone()).await {
            Ok(bus) => Some(TestNats { url, names, bus }),
            Err(error) if in_ci() => panic!("NATS JetStream at {url} is required when CI=true: {error}"),
            Err(error) => {
                eprintln!(
                    "SKIPPED: NATS at {url} is unreachable ({error}); set CI=true to make this a failure"
                );
                None
            }
        }
    }

    pub fn choice(&self) -> linkedall_events::service::BusChoice {
        linkedall_events::service::BusChoice::JetStream { url: self.url.clone(), names: self.names.clone() }
    }
}

impl Drop for TestNats {
    fn drop(&mut self) {
        let (url, names) = (self.url.clone(), self.names.clone());
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(async {
                let bus = linkedall_events::jetstream::JetStreamBus::connect(&url, names).await.ok()?;
                bus.delete_streams().await.ok()
            })
        })
        .join();
    }
}

/// The moto version `cargo xtask test` installs (`python3 -m pip install 'moto[server]==…'`).
pub const MOTO_VERSION: &str = "5.2.1";

/// A real S3-compatible server for the photo store's tests: `moto` (PyPI), started on a free
/// port for one test with one empty bucket, stopped when dropped.
pub struct TestS3 {
    pub endpoint: String,
    pub bucket: String,
    server: std::process::Child,
}

impl TestS3 {
    /// `None` when moto is not installed, outside CI; with `CI=true` that is a failure.
    pub async fn start() -> Option<TestS3> {
        let missing = |why: String| {
            if in_ci() {
                panic!(
                    "the S3 tests need moto and CI=true: {why}; `cargo xtask test` installs it \
                     (python3 -m pip install 'moto[server]=={MOTO_VERSION}')"
                );
            }
            eprintln!("SKIPPED: {why}; install moto[server] or set CI=true to make this a failure");
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let spawned = std::process::Command::new("python3")
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn();
        let mut server = match spawned {
            Ok(server) => server,
            Err(error) => {
                missing(format!("python3 cannot be started ({error})"));
                return None;
            }
        };
        let started = std::time::Instant::now();
        let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        while tokio::net::TcpStream::connect(address).await.is_err() {
            if let Ok(Some(status)) = server.try_wait() {
                let mut stderr = String::new();
                if let Some(mut pipe) = server.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
                }
                let last = stderr.lines().last().unwrap_or_default().to_owned();
                missing(format!("`python3 -m moto.server` exited with {status}: {last}"));
                return None;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "moto did not listen on {address} in 30 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let endpoint = format!("http://{address}");
        let bucket = format!("linkedall-test-{}", uuid::Uuid::new_v4().simple());
        // moto takes unsigned requests; a real store would need the bucket made by its owner.
        let created = reqwest::Client::new().put(format!("{endpoint}/{bucket}")).send().await;
        assert!(created.is_ok_and(|r| r.status().is_success()), "moto did not create the bucket {bucket}");
        eprintln!("moto S3 at {endpoint} ready in {:.1} s", started.elapsed().as_secs_f64());
        Some(TestS3 { endpoint, bucket, server })
    }

    /// Settings reaching this server (moto takes any key).
    pub fn settings(&self) -> crate::media::S3Settings {
        crate::media::S3Settings {
            endpoint: Some(self.endpoint.clone()),
            region: Some("us-east-1".into()),
            access_key_id: Some("linkedall-test".into()),
            secret_access_key: Some("linkedall-test-secret".into()),
        }
    }

    /// An object's bytes read straight from the server, bypassing the origin and
    /// `object_store`. moto refuses anonymous reads but checks no signature, so any
    /// SigV4-shaped header will do.
    pub async fn object(&self, key: &str) -> Option<Vec<u8>> {
        let response = reqwest::Client::new()
            .get(format!("{}/{}/{key}", self.endpoint, self.bucket))
            .header(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=linkedall-test/20260101/us-east-1/s3/aws4_request, \
                 SignedHeaders=host, Signature=00",
            )
            .send()
            .await
            .ok()?;
        if !response.status().is_success() {
            return None;
        }
        Some(response.bytes().await.ok()?.to_vec())
    }
}

impl Drop for TestS3 {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// Declares each named check as two tests, `sqlite::<check>` and `postgres::<check>`, each
/// calling `super::<check>(subject)` with what the calling file's
/// `async fn spawn(backend: Backend) -> Option<T>` gives for that backend (an origin, a
/// database, …); a `None` (PostgreSQL unreachable outside CI) skips the test. Start the list
/// with `multi_thread:` for checks that need a second runtime thread.
///
/// ```ignore
/// async fn spawn(backend: Backend) -> Option<TestOrigin> { … }
/// linkedall_origin::on_both_backends!(purging_needs_an_admin, catalog_changes_purge_pages);
/// ```
#[macro_export]
macro_rules! on_both_backends {
    (multi_thread: $($check:ident),* $(,)?) => {
        mod sqlite { $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $check() {
            if let Some(subject) = super::spawn(linkedall_store::Backend::Sqlite).await { super::$check(subject).await }
        })* }
        mod postgres { $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $check() {
            if let Some(subject) = super::spawn(linkedall_store::Backend::Postgres).await { super::$check(subject).await }
        })* }
    };
    ($($check:ident),* $(,)?) => {
        mod sqlite { $(#[tokio::test] async fn $check() {
            if let Some(subject) = super::spawn(linkedall_store::Backend::Sqlite).await { super::$check(subject).await }
        })* }
        mod postgres { $(#[tokio::test] async fn $check() {
            if let Some(subject) = super::spawn(linkedall_store::Backend::Postgres).await { super::$check(subject).await }
        })* }
    };
}
