//! Sessions: sign-out revokes a token everywhere, the session cache in Redis and in memory, and
//! Supabase Auth tokens (shared secret and JWKS) accepted as sessions.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use linkedall_origin::config::AuthSettings;
use linkedall_origin::session_cache::{Lookup, Principal, SessionRecord};
use linkedall_origin::supabase::{SupabaseSettings, SupabaseVerifier};
use linkedall_origin::test_client::TestClient;
use linkedall_origin::testing::{TestDatabase, TestOptions, TestOrigin, TestRedis, test_auth};
use linkedall_store::{Backend, Store};
use reqwest::StatusCode;
use serde_json::{Value, json};

const SUPABASE_SECRET: &str = "super-secret-jwt-token-with-at-least-32-characters";

/// The issuer of the test project's tokens.
const ISSUER: &str = "https://project.supabase.co/auth/v1";

/// A private key for signing test tokens, and its modulus for the JWK set the test serves.
/// Generated once with `openssl genrsa -traditional 2048`; it signs nothing but these tests.
const TEST_RSA_KEY: &str = r"-----BEGIN RSA PRIVATE KEY-----
MIIEogIBAAKCAQEA1U1BwiESa2VC15HHBCfVuEC7uKMqOA1h+YGUlvyPXtrSfABY
Yi/AkN8p83mIcw/unZGgIqeh6GrRDc7ETkwbrpb5/ALIyS4bXSZ6+gZ8ikSdKDyr
4UaQt9Uf19ssUOnnAf5b2EZWU/RlLo3AVKoWHq/O5p9Q6igK8CdcWMmWFNKvkr/C
q7doQBva1OTUX+WWqI2IlOSfgC236ZhA45jHsB+76pQNNvNGUYc5LFabnsgOw+Pc
z0a5GCPAQ+wZAiayV6OFPAE2JKCv5SfXTbW7HCw1THiAuulaYlDb5vrqmQERIICP
7Fcz+9s0S2JO4LVs7lFKaN5HjEjN9reoDwCyfQIDAQABAoIBAF8NHOsZ2r/x8W3n
v+SJrdL8Qcr/Jt6wlALgLCt2Y5tU7uwkKT6j4e+NCwA9HcGMjXw4+z/GLL/J7dv1
0oPDpahRDhgv03LXMYl6jt2hC1mARvo5wyxRykapWhXSTPbHrNI2G46OlYS3CWnL
8DOqUc4d8RjTUPbvniQznhLQzij7gvk/b1ZMFDMq8KzdfsCD3ZzKEJY0Z9YK3cvO
WGG3J5nARUyK3bZFHSBvttO6xfRbhBqzyXP5QvlkZ3vEt6/Dh7E5p+sM7r7v3zjR
X56otSjdEhqTfuoh+0aEA/5Yx5oeaycuWrFCHO4OpPh4XJFvoH71kr1ffqvfRFuA
s3ha788CgYEA/47iCS+BkwAnhsDViqx8YYq6MfjfWDf0TpYo8DGYsbRvkJQ67iA7
3QvR7mLPsAEGKkjJTjlSzrlX0wQupeGR8wBgtxTvirAoTDQ7JjmMgmEfzDETNP1s
et487tHVD6iRrfnjDoV2A5QLrQGlkOWVYXb3gsunsNDLFKnkmgGmlO8CgYEA1aur
i0z6Bi/dFT4crTSVFVxzd9jOk0XnaLcWV0qAppNNVbMUbR22i1grl7qxyIww6C64
QZkbSZUwdCcX4vctq8y6X6Cn7hWxls17jWx27EnB8zOi9XHFG7cDYFGTo2HzoTdN
A88tL8pYlv/q9HZGF91ZP2c7RzFkK2o5bRuSJ1MCgYA3OVcbCQsFCxl/gxgiGVff
dCz8M32AAMdoXAaIsQ8AB6+8HGwHnSuSfsVksDGVJQOCC6yEnNqKFX8m+FZkPjRd
wI0lwv5oh9yNaxQFFJaKbhaC92/hGYphmrisGufhtFmWsNMiBjEUYN+NCTgP8ayw
HRcrSnr4OIZJ9tSRex3WPQKBgHQGQyFiTEX9yZxWXPYEnou55w2GEi5QgCcRfDUs
RI2vYQgPNSFHSC+EUi+S9iUDUy9Q50bfn7ymIWiBLexV8lve0LlKoMWczBEqRVP3
OOB38LRiLrP+8lxpVZEA2x2V+9hoEg7mehAAXXipQOk8LDWbQXI3WS4AePdGOCay
GPv3AoGAS9JmSXQEnRs5JGrSL5Ah+UtESDP3wMyQc2bJuHKF+rOPbDpnooUJFIZO
gXWt73WkMmZA2Q2RWEdEOc4KO66ZnvjWUWL4/FzplOTrIS7JBwthVuuoIjCsfB5p
82/Z0YzodzIi6kXP0itjrD1GbvYiYjBzJj7v410kbigDZQxOs4s=
-----END RSA PRIVATE KEY-----";
const TEST_RSA_MODULUS: &str = "1U1BwiESa2VC15HHBCfVuEC7uKMqOA1h-YGUlvyPXtrSfABYYi_AkN8p83mIcw_unZGgIqeh6GrRDc7ETkwbrpb5_ALIyS4bXSZ6-gZ8ikSdKDyr4UaQt9Uf19ssUOnnAf5b2EZWU_RlLo3AVKoWHq_O5p9Q6igK8CdcWMmWFNKvkr_Cq7doQBva1OTUX-WWqI2IlOSfgC236ZhA45jHsB-76pQNNvNGUYc5LFabnsgOw-Pcz0a5GCPAQ-wZAiayV6OFPAE2JKCv5SfXTbW7HCw1THiAuulaYlDb5vrqmQERIICP7Fcz-9s0S2JO4LVs7lFKaN5HjEjN9reoDwCyfQ";

async fn origin_with(options: TestOptions) -> TestOrigin {
    let db = TestDatabase::new(Backend::Sqlite).await.expect("SQLite is always there");
    TestOrigin::spawn_with(db, options).await
}

fn supabase_auth(settings: SupabaseSettings) -> AuthSettings {
    AuthSettings { supabase: settings, ..test_auth() }
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// The claims of a Supabase access token for a signed-in user who confirmed their email.
fn supabase_claims(subject: &str, email: &str) -> Value {
    json!({
        "aud": "authenticated", "exp": now() + 3600, "iat": now(), "sub": subject, "email": email,
        "role": "authenticated", "session_id": uuid::Uuid::new_v4().to_string(), "iss": ISSUER,
        "user_metadata": { "email": email, "email_verified": true }, "is_anonymous": false,
    })
}

/// The test project's HS256 settings.
fn shared_secret_settings() -> SupabaseSettings {
    SupabaseSettings {
        jwt_secret: Some(SUPABASE_SECRET.into()),
        issuer: Some(ISSUER.into()),
        ..SupabaseSettings::default()
    }
}

async fn spawn(backend: Backend) -> Option<TestOrigin> {
    let db = TestDatabase::new(backend).await?;
    let options = TestOptions { auth: supabase_auth(shared_secret_settings()), ..TestOptions::default() };
    Some(TestOrigin::spawn_with(db, options).await)
}

linkedall_origin::on_both_backends!(
    multi_thread: an_unverified_supabase_email_does_not_take_over_an_account,
    a_token_from_another_issuer_is_refused,
);

fn hs256(claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(secret.as_bytes()))
        .unwrap()
}

async fn register(origin: &TestOrigin, email: &str) -> (i64, String) {
    let body = origin.register(json!({ "email": email, "password": "correct horse battery" })).await;
    (body["user_id"].as_i64().unwrap(), body["token"].as_str().unwrap().to_owned())
}

/// The status of a shopper-only request made with `token`.
async fn my_orders(origin: &TestOrigin, token: &str) -> StatusCode {
    reqwest::Client::new()
        .get(format!("{}/api/v1/orders", origin.url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

async fn logout(origin: &TestOrigin, token: &str) -> StatusCode {
    reqwest::Client::new()
        .post(format!("{}/api/v1/auth/logout", origin.url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

async fn scalar(store: &Store, sql: &str) -> i64 {
    match store {
        Store::Postgres(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await,
        Store::Sqlite(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn signing_out_revokes_the_token_everywhere(origin: TestOrigin) {
    let (_, token) = register(&origin, "amina@example.com").await;
    let (_, other_session) = register(&origin, "kofi@example.com").await;
    assert_eq!(my_orders(&origin, &token).await, StatusCode::OK);
    assert_eq!(logout(&origin, &token).await, StatusCode::NO_CONTENT);
    // A copy of the token (another tab, a stolen cookie) is refused from now on.
    assert_eq!(my_orders(&origin, &token).await, StatusCode::UNAUTHORIZED);
    assert_eq!(logout(&origin, &token).await, StatusCode::UNAUTHORIZED);
    assert_eq!(my_orders(&origin, &other_session).await, StatusCode::OK, "other sessions go on");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_revokes_the_token_everywhere_with_the_memory_cache() {
    signing_out_revokes_the_token_everywhere(origin_with(TestOptions::default()).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_revokes_the_token_everywhere_with_the_redis_cache() {
    let Some(redis) = TestRedis::new().await else { return };
    let options = TestOptions { session_cache: Some(redis.cache.clone()), ..TestOptions::default() };
    signing_out_revokes_the_token_everywhere(origin_with(options).await).await;
    // The revocation mark is in Redis, and lives no longer than the token.
    let revoked: Vec<String> = redis.keys().into_iter().filter(|k| k.starts_with("revoked:")).collect();
    assert_eq!(revoked.len(), 1, "{:?}", redis.keys());
    let ttl = redis.ttl(&revoked[0]);
    assert!(ttl > 6 * 24 * 3600 && ttl <= 7 * 24 * 3600, "ttl {ttl}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_session_cache_misses_then_hits_and_forgets_a_signed_out_user() {
    let Some(redis) = TestRedis::new().await else { return };
    let cache = &redis.cache;
    let principal = Principal::Supabase(uuid::Uuid::new_v4());
    let record = SessionRecord {
        user: linkedall_origin::session::CurrentUser {
            id: 9,
            role: linkedall_origin::accounts::Role::Vendor,
            vendor_id: Some(linkedall_shared::VendorId::new(4)),
        },
        active: true,
        sessions_since: 0,
    };
    assert_eq!(cache.lookup(&principal, "jti-1").await.unwrap(), Lookup { revoked: false, record: None });
    cache.store(&principal, record).await.unwrap();
    assert_eq!(
        cache.lookup(&principal, "jti-1").await.unwrap(),
        Lookup { revoked: false, record: Some(record) }
    );
    let key = format!(
        "session:supabase:{}",
        match &principal {
            Principal::Supabase(s) => s.to_string(),
            Principal::User(_) => unreachable!(),
        }
    );
    assert!((1..=300).contains(&redis.ttl(&key)), "records expire");
    cache.revoke("jti-1", now() + 60).await.unwrap();
    cache.forget(&principal).await.unwrap();
    assert_eq!(cache.lookup(&principal, "jti-1").await.unwrap(), Lookup { revoked: true, record: None });
    assert!((1..=60).contains(&redis.ttl("revoked:jti-1")));
    assert_eq!(redis.keys(), vec!["revoked:jti-1".to_owned()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_lookups_are_counted_as_cache_hits_and_misses() {
    let origin = origin_with(TestOptions::default()).await;
    let (_, token) = register(&origin, "ngozi@example.com").await;
    for _ in 0..3 {
        assert_eq!(my_orders(&origin, &token).await, StatusCode::OK);
    }
    let metrics = reqwest::get(format!("{}/metrics", origin.url())).await.unwrap().text().await.unwrap();
    for series in [
        r#"origin_cache_total{cache="session",result="hit"}"#,
        r#"origin_cache_total{cache="session",result="miss"}"#,
        "origin_cache_duration_seconds_bucket{cache=\"session\",backend=\"memory\",op=\"lookup\"",
    ] {
        assert!(metrics.contains(series), "{series} missing from /metrics");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supabase_token_signed_with_the_shared_secret_is_a_shopper_session() {
    let origin =
        origin_with(TestOptions { auth: supabase_auth(shared_secret_settings()), ..TestOptions::default() })
            .await;
    let subject = uuid::Uuid::new_v4().to_string();
    let token = hs256(&supabase_claims(&subject, "Zainab@Example.com"), SUPABASE_SECRET);
    assert_eq!(my_orders(&origin, &token).await, StatusCode::OK);
    assert_eq!(my_orders(&origin, &token).await, StatusCode::OK);
    let store = &origin.db.store;
    let created = format!(
        "SELECT count(*) FROM users WHERE supabase_subject = '{subject}' AND email = 'zainab@example.com' AND role = 'shopper'"
    );
    assert_eq!(scalar(store, &created).await, 1, "created once, on first sight");

    // A shopper who registered here first is linked by email, not duplicated.
    let (user_id, _) = register(&origin, "efua@example.com").await;
    let linked_subject = uuid::Uuid::new_v4().to_string();
    let token = hs256(&supabase_claims(&linked_subject, "efua@example.com"), SUPABASE_SECRET);
    assert_eq!(my_orders(&origin, &token).await, StatusCode::OK);
    let linked = format!("SELECT id FROM users WHERE supabase_subject = '{linked_subject}'");
    assert_eq!(scalar(store, &linked).await, user_id);
    assert_eq!(scalar(store, "SELECT count(*) FROM users").await, 2);
    let events = store.unpublished_events(100).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.kind == "user.updated" && e.payload["supabase_subject"] == linked_subject.as_str())
    );

    // Signing out revokes a Supabase token too (by its session id).
    assert_eq!(logout(&origin, &token).await, StatusCode::NO_CONTENT);
    assert_eq!(my_orders(&origin, &token).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supabase_tokens_with_a_wrong_secret_expired_or_for_another_audience_are_refused() {
    let origin =
        origin_with(TestOptions { auth: supabase_auth(shared_secret_settings()), ..TestOptions::default() })
            .await;
    let subject = uuid::Uuid::new_v4().to_string();
    let good = supabase_claims(&subject, "yaw@example.com");
    let mut expired = good.clone();
    expired["exp"] = json!(now() - 3600);
    let mut anon = good.clone();
    anon["aud"] = json!("anon");
    let mut not_a_uuid = good.clone();
    not_a_uuid["sub"] = json!("42");
    for (what, token) in [
        ("wrong secret", hs256(&good, "another-projects-secret-of-32-characters")),
        ("expired", hs256(&expired, SUPABASE_SECRET)),
        ("wrong audience", hs256(&anon, SUPABASE_SECRET)),
        ("subject not a UUID", hs256(&not_a_uuid, SUPABASE_SECRET)),
    ] {
        assert_eq!(my_orders(&origin, &token).await, StatusCode::UNAUTHORIZED, "{what}");
    }
    assert_eq!(scalar(&origin.db.store, "SELECT count(*) FROM users").await, 0, "nobody was created");
    assert_eq!(my_orders(&origin, &hs256(&good, SUPABASE_SECRET)).await, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_supabase_configured_its_tokens_are_refused() {
    let origin = origin_with(TestOptions::default()).await;
    let token = hs256(&supabase_claims(&uuid::Uuid::new_v4().to_string(), "a@example.com"), SUPABASE_SECRET);
    assert_eq!(my_orders(&origin, &token).await, StatusCode::UNAUTHORIZED);
}

/// Serves `jwks` at `/auth/v1/.well-known/jwks.json` on a random port, counting fetches.
async fn serve_jwks(jwks: Value) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let fetches = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let app = axum::Router::new().route(
        "/auth/v1/.well-known/jwks.json",
        axum::routing::get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let jwks = jwks.clone();
            async move { axum::Json(jwks) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/auth/v1/.well-known/jwks.json", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, fetches)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supabase_rs256_tokens_are_verified_against_the_projects_jwks() {
    let jwks = json!({ "keys": [{
        "kty": "RSA", "kid": "test-key-1", "alg": "RS256", "use": "sig", "n": TEST_RSA_MODULUS, "e": "AQAB",
    }] });
    let (url, fetches) = serve_jwks(jwks).await;
    let settings = SupabaseSettings {
        jwks_url: Some(url),
        issuer: Some(ISSUER.into()),
        jwks_refresh: std::time::Duration::from_secs(600),
        ..SupabaseSettings::default()
    };
    let origin = origin_with(TestOptions { auth: supabase_auth(settings), ..TestOptions::default() }).await;
    let key = EncodingKey::from_rsa_pem(TEST_RSA_KEY.as_bytes()).unwrap();
    let sign = |claims: &Value, kid: &str| {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(kid.into());
        jsonwebtoken::encode(&header, claims, &key).unwrap()
    };
    let claims = supabase_claims(&uuid::Uuid::new_v4().to_string(), "kwame@example.com");
    assert_eq!(my_orders(&origin, &sign(&claims, "test-key-1")).await, StatusCode::OK);
    let second = supabase_claims(&uuid::Uuid::new_v4().to_string(), "abena@example.com");
    assert_eq!(my_orders(&origin, &sign(&second, "test-key-1")).await, StatusCode::OK);
    assert_eq!(fetches.load(std::sync::atomic::Ordering::SeqCst), 1, "the key set is cached");

    let mut wrong_audience = claims.clone();
    wrong_audience["aud"] = json!("anon");
    assert_eq!(my_orders(&origin, &sign(&wrong_audience, "test-key-1")).await, StatusCode::UNAUTHORIZED);
    assert_eq!(my_orders(&origin, &sign(&claims, "unknown-key")).await, StatusCode::UNAUTHORIZED);
    // HS256 is not accepted when only the JWKS is configured (no algorithm confusion).
    assert_eq!(my_orders(&origin, &hs256(&claims, TEST_RSA_MODULUS)).await, StatusCode::UNAUTHORIZED);
    assert_eq!(scalar(&origin.db.store, "SELECT count(*) FROM users").await, 2);
}

async fn an_unverified_supabase_email_does_not_take_over_an_account(origin: TestOrigin) {
    let store = &origin.db.store;
    register(&origin, "efua@example.com").await;
    let vendor = json!({
        "email": "kofi@shop.example.com", "password": "correct horse battery", "role": "vendor",
        "shop": { "name": "Kofi Crafts", "city": "Accra", "country": "GH" },
    });
    origin.register(vendor).await;
    TestClient::admin(&origin, "admin@example.com").await;
    let linked = "SELECT count(*) FROM users WHERE supabase_subject IS NOT NULL";
    let users = scalar(store, "SELECT count(*) FROM users").await;

    // Unconfirmed (or silent about it): no account is taken over, none is created.
    for email in ["efua@example.com", "kofi@shop.example.com", "admin@example.com", "new@example.com"] {
        let mut unconfirmed = supabase_claims(&uuid::Uuid::new_v4().to_string(), email);
        unconfirmed["user_metadata"]["email_verified"] = json!(false);
        let mut silent = supabase_claims(&uuid::Uuid::new_v4().to_string(), email);
        silent.as_object_mut().unwrap().remove("user_metadata");
        let mut anonymous = supabase_claims(&uuid::Uuid::new_v4().to_string(), email);
        anonymous["is_anonymous"] = json!(true);
        for (what, claims) in [("unconfirmed", unconfirmed), ("silent", silent), ("anonymous", anonymous)] {
            let status = my_orders(&origin, &hs256(&claims, SUPABASE_SECRET)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{what} {email}");
        }
    }
    assert_eq!(scalar(store, linked).await, 0, "no account linked");
    assert_eq!(scalar(store, "SELECT count(*) FROM users").await, users, "no account created");

    // Confirmed: a shopper's and a vendor's accounts are linked (a top-level claim counts too),
    // an admin's never.
    let mut top_level = supabase_claims(&uuid::Uuid::new_v4().to_string(), "kofi@shop.example.com");
    top_level["user_metadata"] = json!({});
    top_level["email_verified"] = json!(true);
    for claims in [supabase_claims(&uuid::Uuid::new_v4().to_string(), "efua@example.com"), top_level] {
        assert_eq!(my_orders(&origin, &hs256(&claims, SUPABASE_SECRET)).await, StatusCode::OK, "{claims}");
    }
    assert_eq!(scalar(store, linked).await, 2);
    let admin = supabase_claims(&uuid::Uuid::new_v4().to_string(), "admin@example.com");
    assert_eq!(my_orders(&origin, &hs256(&admin, SUPABASE_SECRET)).await, StatusCode::CONFLICT);
    let admins_linked = "SELECT count(*) FROM users WHERE role = 'admin' AND supabase_subject IS NOT NULL";
    assert_eq!(scalar(store, admins_linked).await, 0, "an admin signs in with their password only");
    assert_eq!(scalar(store, "SELECT count(*) FROM users").await, users);
}

async fn a_token_from_another_issuer_is_refused(origin: TestOrigin) {
    let subject = uuid::Uuid::new_v4().to_string();
    let good = supabase_claims(&subject, "yaw@example.com");
    let mut foreign = good.clone();
    foreign["iss"] = json!("https://another-project.supabase.co/auth/v1");
    let mut without = good.clone();
    without.as_object_mut().unwrap().remove("iss");
    for (what, claims) in [("another project's", foreign), ("no issuer", without)] {
        let status = my_orders(&origin, &hs256(&claims, SUPABASE_SECRET)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}");
    }
    assert_eq!(scalar(&origin.db.store, "SELECT count(*) FROM users").await, 0, "nobody was created");
    assert_eq!(my_orders(&origin, &hs256(&good, SUPABASE_SECRET)).await, StatusCode::OK);

    // The issuer defaults to the project the JWKS URL names; with only a secret it must be set.
    let jwks = SupabaseSettings {
        jwks_url: Some("https://abcd.supabase.co/auth/v1/.well-known/jwks.json".into()),
        ..SupabaseSettings::default()
    };
    assert_eq!(jwks.expected_issuer().as_deref(), Some("https://abcd.supabase.co/auth/v1"));
    let secret_only = SupabaseSettings { issuer: None, ..shared_secret_settings() };
    assert!(SupabaseVerifier::new(&secret_only).is_err(), "no issuer to check against");
}
