//! The origin binary's roles as separate processes, as production runs them (one Deployment
//! each): `serve` takes an order and only writes its events to the outbox; `consumers` alone
//! publishes nothing; once `relay` runs, the events reach JetStream and the consumers apply
//! them. SIGTERM stops every role cleanly, and a role that cannot work with the configured
//! bus refuses to start, saying why.

mod process_support;

use process_support::{ADMIN_TOKEN, Shop, nats_is_up, until};
use serde_json::{Value, json};

async fn admin_get(http: &reqwest::Client, shop: &Shop, path: &str) -> Value {
    let response = http.get(shop.url(path)).bearer_auth(ADMIN_TOKEN).send().await.expect("the API answers");
    assert!(response.status().is_success(), "{path}: {}", response.status());
    response.json().await.expect("JSON")
}

async fn unsent(http: &reqwest::Client, shop: &Shop) -> i64 {
    admin_get(http, shop, "/api/v1/admin/events/lag").await["unsent"].as_i64().expect("a count")
}

async fn orders_counted(http: &reqwest::Client, shop: &Shop) -> i64 {
    let body = admin_get(http, shop, "/api/v1/admin/analytics/orders?since=2000-01-01T00:00").await;
    body["windows"].as_array().map_or(0, |w| w.iter().filter_map(|w| w["orders"].as_i64()).sum())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_relay_and_consumers_run_as_separate_processes() {
    if !nats_is_up() {
        return;
    }
    let shop = Shop::new();
    shop.run(&["migrate"]);
    shop.run(&["seed", "--products", "20"]);
    let api = shop.start("serve");
    let http = reqwest::Client::new();
    until("the API is up", || async { http.get(shop.url("/healthz")).send().await.is_ok() }).await;

    // A shopper orders through the API, which runs no relay: the events wait in the outbox.
    let registered: Value = http
        .post(shop.url("/api/v1/auth/register"))
        .json(&json!({ "email": "amina@example.com", "password": "a long enough password" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = registered["token"].as_str().expect("a session token").to_owned();
    let products: Value =
        http.get(shop.url("/api/v1/products?limit=1")).send().await.unwrap().json().await.unwrap();
    let product = products["items"][0]["id"].as_i64().expect("a seeded product");
    let placed = http
        .post(shop.url("/api/v1/orders"))
        .bearer_auth(&token)
        .header("idempotency-key", uuid::Uuid::new_v4().to_string())
        .json(&json!({ "items": [{ "product_id": product, "quantity": 1 }] }))
        .send()
        .await
        .unwrap();
    assert_eq!(placed.status(), reqwest::StatusCode::CREATED, "{}", placed.text().await.unwrap());
    let waiting = unsent(&http, &shop).await;
    assert!(waiting >= 2, "user.created and order.created wait in the outbox, {waiting} do");

    // The consumers alone publish nothing.
    let consumers = shop.start("consumers");
    until("the consumers are connected", || async {
        consumers.log().contains("connected to NATS JetStream")
    })
    .await;
    assert_eq!(unsent(&http, &shop).await, waiting, "consumers do not relay");
    assert_eq!(orders_counted(&http, &shop).await, 0, "nothing reached the consumers yet");

    // The relay publishes; the consumers, in their own process, apply the order.
    let relay = shop.start("relay");
    until("the relay published the outbox", || async { unsent(&http, &shop).await == 0 }).await;
    until("the order analytics counted the order", || async { orders_counted(&http, &shop).await == 1 })
        .await;

    for role in [relay, consumers, api] {
        let name = role.name;
        let log = role.log();
        let status = role.terminate();
        assert!(status.success(), "{name} exited with {status} on SIGTERM; log:\n{log}");
    }
}

#[test]
fn a_relay_without_a_shared_bus_refuses_to_start() {
    let shop = Shop::new();
    let output = shop
        .command(&["relay"])
        .env_remove("LINKEDALL_NATS_URL")
        .env("LINKEDALL_EVENTS", "in-process")
        .output()
        .expect("the origin binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "a relay on the in-process bus started: {stderr}");
    assert!(stderr.contains("LINKEDALL_EVENTS=jetstream"), "the refusal says what to set: {stderr}");
}
