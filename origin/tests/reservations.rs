//! Unpaid reservations expire: the sweeper every origin runs cancels orders still `created`
//! past `expires_at`, gives their stock back and writes `order.cancelled`, on both backends.

use std::collections::HashSet;
use std::time::Duration;

use linkedall_origin::testing::{TestDatabase, TestOptions, TestOrigin};
use linkedall_store::{Backend, Store};
use reqwest::StatusCode;
use serde_json::{Value, json};

linkedall_origin::on_both_backends!(
    multi_thread: unpaid_orders_past_their_reservation_are_cancelled_and_their_stock_released);

async fn spawn(backend: Backend) -> Option<TestOrigin> {
    let db = TestDatabase::new(backend).await?.seeded(5).await;
    let options = TestOptions { sweep_every: Duration::from_millis(100), ..TestOptions::default() };
    Some(TestOrigin::spawn_with(db, options).await)
}

/// Registers an account; a vendor gets a shop. Returns its bearer token.
async fn register(origin: &TestOrigin, email: &str, vendor: bool) -> String {
    let mut body = json!({ "email": email, "password": "correct horse battery" });
    if vendor {
        body["role"] = json!("vendor");
        body["shop"] = json!({ "name": "Kente House", "city": "Kumasi", "country": "GH" });
    }
    origin.register(body).await["token"].as_str().unwrap().to_owned()
}

async fn post(
    origin: &TestOrigin,
    token: &str,
    path: &str,
    body: Value,
    key: Option<&str>,
) -> (StatusCode, Value) {
    let mut request =
        reqwest::Client::new().post(format!("{}{path}", origin.url())).bearer_auth(token).json(&body);
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn scalar(store: &Store, sql: &str) -> i64 {
    match store {
        Store::Postgres(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await,
        Store::Sqlite(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn execute(store: &Store, sql: &str) {
    match store {
        Store::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(drop),
        Store::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(drop),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Backdates order `id`'s reservation (an ISO timestamp both backends compare correctly).
async fn expire(store: &Store, id: i64) {
    execute(store, &format!("UPDATE orders SET expires_at = '2001-01-01T00:00:00.000Z' WHERE id = {id}"))
        .await;
}

async fn state(store: &Store, id: i64) -> String {
    let sql = format!("SELECT state FROM orders WHERE id = {id}");
    match store {
        Store::Postgres(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await.unwrap(),
        Store::Sqlite(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await.unwrap(),
    }
}

async fn stock(store: &Store, product: i64) -> i64 {
    scalar(store, &format!("SELECT CAST(stock AS BIGINT) FROM products WHERE id = {product}")).await
}

async fn unpaid_orders_past_their_reservation_are_cancelled_and_their_stock_released(mut origin: TestOrigin) {
    let store = &origin.db.store;
    let vendor = register(&origin, "kente@example.com", true).await;
    let product = json!({ "category_id": 1, "name": "Kente stole", "description": "woven", "price_minor": 20_000, "stock": 10 });
    let (status, listed) = post(&origin, &vendor, "/api/v1/vendor/products", product, None).await;
    assert_eq!(status, StatusCode::CREATED, "{listed}");
    let product = listed["product"]["id"].as_i64().unwrap();
    let shopper = register(&origin, "esi@example.com", false).await;
    let buy = |n: u32| json!({ "items": [{ "product_id": product, "quantity": n }] });
    let mut orders = Vec::new();
    for (n, key) in [(3, "expired"), (2, "paid"), (1, "still-reserved")] {
        let (status, order) = post(&origin, &shopper, "/api/v1/orders", buy(n), Some(key)).await;
        assert_eq!(status, StatusCode::CREATED, "{order}");
        orders.push(order["id"].as_i64().unwrap());
    }
    let [expired, paid, reserved] = orders[..] else { unreachable!() };
    execute(store, &format!("UPDATE orders SET state = 'confirmed' WHERE id = {paid}")).await;
    assert_eq!(stock(store, product).await, 4);
    expire(store, expired).await;
    expire(store, paid).await;

    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while state(store, expired).await == "created" {
        assert!(tokio::time::Instant::now() < deadline, "the sweeper never cancelled order {expired}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(state(store, expired).await, "cancelled");
    let parts =
        format!("SELECT count(*) FROM order_parts WHERE order_id = {expired} AND state = 'cancelled'");
    assert_eq!(scalar(store, &parts).await, 1);
    assert_eq!(stock(store, product).await, 7, "the 3 reserved units are back on sale");
    assert_eq!(state(store, paid).await, "confirmed", "a paid order keeps its stock");
    assert_eq!(state(store, reserved).await, "created", "an unexpired reservation holds");

    let events = store.unpublished_events(1_000).await.unwrap();
    let cancelled: Vec<_> = events.iter().filter(|e| e.kind == "order.cancelled").collect();
    assert_eq!(cancelled.len(), 1, "{cancelled:?}");
    assert_eq!(cancelled[0].subject, format!("order/{expired}"));
    assert_eq!(cancelled[0].payload["reason"], "reservation expired");
    assert_eq!(cancelled[0].payload["released"], json!([{ "product_id": product, "quantity": 3 }]));
    assert!(store.expire_reservations(100).await.unwrap().is_empty(), "nothing is cancelled twice");
    // Stopping the origin stops its sweeper (serve returns only once the sweeper has).
    origin.stop().await;
}

/// Four origins' sweepers racing over 60 expired orders cancel each exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_sweepers_on_postgres_cancel_each_expired_order_once() {
    let Some(mut origin) = spawn(Backend::Postgres).await else { return };
    let store = origin.db.store.clone();
    let vendor = register(&origin, "kente@example.com", true).await;
    let product = json!({ "category_id": 1, "name": "Kente stole", "description": "woven", "price_minor": 20_000, "stock": 100 });
    let (_, listed) = post(&origin, &vendor, "/api/v1/vendor/products", product, None).await;
    let product = listed["product"]["id"].as_i64().unwrap();
    let shopper = register(&origin, "esi@example.com", false).await;
    for n in 0..60 {
        let body = json!({ "items": [{ "product_id": product, "quantity": 1 }] });
        let (status, _) = post(&origin, &shopper, "/api/v1/orders", body, Some(&format!("o{n}"))).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    assert_eq!(stock(&store, product).await, 40);
    execute(&store, "UPDATE orders SET expires_at = now() - interval '1 minute'").await;
    let sweepers: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut cancelled = Vec::new();
                // Under SKIP LOCKED an empty batch can mean "the rest is locked by another
                // sweeper right now", not "nothing left": stop only when no expired order remains.
                for _ in 0..1_000 {
                    let batch = store.expire_reservations(7).await.unwrap();
                    if batch.is_empty() {
                        if scalar(&store, "SELECT count(*) FROM orders WHERE state = 'created'").await == 0 {
                            break;
                        }
                        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    }
                    cancelled.extend(batch);
                }
                cancelled
            })
        })
        .collect();
    let mut all = Vec::new();
    for sweeper in sweepers {
        all.extend(sweeper.await.unwrap());
    }
    // The origin's own sweeper may have taken some too; together every order went once.
    let unique: HashSet<_> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "no order was cancelled twice");
    assert_eq!(scalar(&store, "SELECT count(*) FROM orders WHERE state = 'cancelled'").await, 60);
    let events = scalar(&store, "SELECT count(*) FROM outbox WHERE type = 'order.cancelled'").await;
    assert_eq!(events, 60, "one order.cancelled per order");
    assert_eq!(stock(&store, product).await, 100);
    origin.stop().await;
}
