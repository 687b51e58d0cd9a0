//! What the event tests share: a shop with a signed-in shopper, orders placed over HTTP with a
//! trace context and a country, SQL counts, and waiting for the consumers to catch up.

#![allow(dead_code)]

use std::future::Future;
use std::time::Duration;

use std::sync::Arc;

use linkedall_events::consumer::Consumer;
use linkedall_events::runner::RetryPolicy;
use linkedall_events::service::{BusChoice, EventsPlan};
use linkedall_origin::testing::{TestDatabase, TestOptions, TestOrigin};
use linkedall_store::{Backend, Store};
use reqwest::StatusCode;
use serde_json::{Value, json};

pub const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

/// Events through `bus` to `consumers`, at test speed: polled every 20 ms, redelivered after
/// 50 ms, dead-lettered after 3 deliveries.
pub fn quick_plan(bus: BusChoice, consumers: Vec<Arc<dyn Consumer>>) -> EventsPlan {
    EventsPlan {
        bus,
        relay: true,
        consumers,
        policy: RetryPolicy {
            max_deliveries: 3,
            first_delay: Duration::from_millis(50),
            ..RetryPolicy::default()
        },
        poll_every: Duration::from_millis(20),
        batch: 100,
        consumer_batch: 64,
    }
}

pub struct Shop {
    pub origin: TestOrigin,
    pub http: reqwest::Client,
    pub token: String,
    pub products: Vec<i64>,
}

impl Shop {
    pub async fn open(backend: Backend, options: TestOptions) -> Option<Shop> {
        let db = TestDatabase::new(backend).await?.seeded(20).await;
        execute(&db.store, "UPDATE products SET stock = 1000, currency = 'NGN'").await;
        let products = ids(&db.store, "SELECT id FROM products ORDER BY id LIMIT 4").await;
        let origin = TestOrigin::spawn_with(db, options).await;
        let http = reqwest::Client::new();
        let token = register(&http, &origin.url(), "buyer@example.com").await;
        Some(Shop { origin, http, token, products })
    }

    pub fn store(&self) -> &Store {
        &self.origin.db.store
    }

    /// Places an order of `items` (product, quantity) from Nigeria; its id.
    pub async fn order(&self, items: &[(i64, u32)]) -> i64 {
        self.order_as(&self.token, items).await
    }

    /// A new shopper's bearer token.
    pub async fn shopper(&self, email: &str) -> String {
        register(&self.http, &self.origin.url(), email).await
    }

    /// Pays order `id` as `token` on the sandbox's payment page, with the test card `card`
    /// (or the shopper's own card); the page's status and answer.
    pub async fn pay(&self, token: &str, id: i64, card: Option<&str>) -> (StatusCode, Value) {
        let (status, session) = self.post(&format!("/api/v1/orders/{id}/pay"), token).await;
        // 201 for a new charge, 200 for the one already open (a retry after a refused card).
        assert!(matches!(status, StatusCode::CREATED | StatusCode::OK), "a charge is open: {session}");
        let reference = session["reference"].as_str().unwrap();
        let page = self.http.post(format!("{}/api/v1/payments/sandbox/{reference}", self.origin.url()));
        let page = match card {
            Some(card) => page.json(&json!({ "card": card })),
            None => page,
        };
        let response = page.bearer_auth(token).send().await.unwrap();
        (response.status(), response.json().await.unwrap_or(Value::Null))
    }

    /// Places an order of `items` as the shopper holding `token`; its id.
    pub async fn order_as(&self, token: &str, items: &[(i64, u32)]) -> i64 {
        let items: Vec<Value> =
            items.iter().map(|(p, q)| json!({ "product_id": p, "quantity": q })).collect();
        let response = self
            .http
            .post(format!("{}/api/v1/orders", self.origin.url()))
            .bearer_auth(token)
            .header("idempotency-key", uuid::Uuid::new_v4().to_string())
            .header("traceparent", format!("00-{TRACE_ID}-00f067aa0ba902b7-01"))
            .header("x-linkedall-country", "ng")
            .json(&json!({ "items": items }))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_eq!(status, StatusCode::CREATED, "orders are taken: {body}");
        body["id"].as_i64().unwrap()
    }

    /// An admin's bearer token.
    pub async fn admin(&self) -> String {
        let email = "admin@example.com";
        register(&self.http, &self.origin.url(), email).await;
        execute(self.store(), &format!("UPDATE users SET role = 'admin' WHERE email = '{email}'")).await;
        let response = self
            .http
            .post(format!("{}/api/v1/auth/login", self.origin.url()))
            .json(&json!({ "email": email, "password": "correct horse battery" }))
            .send()
            .await
            .unwrap();
        response.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let response =
            self.http.get(format!("{}{path}", self.origin.url())).bearer_auth(token).send().await.unwrap();
        (response.status(), response.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let response =
            self.http.post(format!("{}{path}", self.origin.url())).bearer_auth(token).send().await.unwrap();
        (response.status(), response.json().await.unwrap_or(Value::Null))
    }
}

async fn register(http: &reqwest::Client, base: &str, email: &str) -> String {
    let body = json!({ "email": email, "password": "correct horse battery" });
    let response = http.post(format!("{base}/api/v1/auth/register")).json(&body).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

pub async fn scalar(store: &Store, sql: &str) -> i64 {
    match store {
        Store::Postgres(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await,
        Store::Sqlite(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

pub async fn ids(store: &Store, sql: &str) -> Vec<i64> {
    match store {
        Store::Postgres(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_all(pool).await,
        Store::Sqlite(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_all(pool).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

pub async fn execute(store: &Store, sql: &str) {
    match store {
        Store::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
        Store::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Waits until `check` holds, failing with `what` if it never does (the consumers are
/// asynchronous; the limit only stops a broken test from hanging).
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    for _ in 0..600 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never happened: {what}");
}

/// Events of the consumer `name` recorded as processed.
pub async fn processed(store: &Store, name: &str) -> i64 {
    scalar(store, &format!("SELECT count(*) FROM processed_events WHERE consumer = '{name}'")).await
}
