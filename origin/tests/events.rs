//! Orders flow from the outbox through the relay to every consumer, once: on SQLite and
//! PostgreSQL with the in-process bus, and on PostgreSQL with the real NATS JetStream.

mod events_support;

use std::time::Duration;

use events_support::{Shop, TRACE_ID, eventually, processed, scalar};
use linkedall_events::consumers;
use linkedall_events::purge::LoggedPurges;
use linkedall_events::replay::{ReplayOptions, rebuild};
use linkedall_events::service::{BusChoice, EventsPlan};
use linkedall_events_schema::catalogue;
use linkedall_origin::testing::{TestNats, TestOptions};
use linkedall_store::{Backend, Store};
use reqwest::StatusCode;

fn plan(bus: BusChoice, purges: LoggedPurges) -> EventsPlan {
    events_support::quick_plan(bus, consumers::all(purges))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_in_process_bus_delivers_every_event_once() {
    orders_reach_every_consumer_exactly_once(Backend::Sqlite, BusChoice::InProcess).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_in_process_bus_delivers_every_event_once() {
    orders_reach_every_consumer_exactly_once(Backend::Postgres, BusChoice::InProcess).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_jetstream_delivers_every_event_once() {
    let Some(nats) = TestNats::new().await else { return };
    orders_reach_every_consumer_exactly_once(Backend::Postgres, nats.choice()).await;
}

async fn unsent(store: &Store) -> i64 {
    scalar(store, "SELECT count(*) FROM outbox WHERE published_at IS NULL").await
}

async fn orders_reach_every_consumer_exactly_once(backend: Backend, bus: BusChoice) {
    let purges = LoggedPurges::default();
    let options = TestOptions { events: plan(bus, purges.clone()), ..TestOptions::default() };
    let Some(shop) = Shop::open(backend, options).await else { return };
    let store = shop.store().clone();
    let [a, b, c, _] = shop.products[..] else { panic!("four products") };
    shop.order(&[(a, 1), (b, 2)]).await;
    shop.order(&[(a, 1), (c, 1)]).await;
    shop.order(&[(b, 1)]).await;

    eventually("every consumer saw the three orders", || async {
        unsent(&store).await == 0
            && processed(&store, "order-analytics").await == 3
            && processed(&store, "recommendations").await == 3
            && processed(&store, "vendor-sales").await == 3
            && processed(&store, "fraud").await == 3
            && processed(&store, "order-history").await
                == scalar(&store, "SELECT count(*) FROM outbox WHERE type LIKE 'order.%'").await
    })
    .await;

    // The envelope keeps the trace of the request that placed the order.
    let traced = scalar(
        &store,
        &format!(
            "SELECT count(*) FROM outbox WHERE type = 'order.created' AND traceparent LIKE '00-{TRACE_ID}-%'"
        ),
    )
    .await;
    assert_eq!(traced, 3, "each order.created carries its request's trace id");

    // Every payload the shop wrote matches the schema of its type and version.
    let all: Vec<(String, i32, String)> = match &store {
        Store::Postgres(pool) => {
            sqlx::query_as("SELECT type, schema_version, payload::text FROM outbox").fetch_all(pool).await
        }
        Store::Sqlite(pool) => {
            sqlx::query_as("SELECT type, schema_version, payload FROM outbox").fetch_all(pool).await
        }
    }
    .unwrap();
    for (kind, version, payload) in &all {
        let payload: serde_json::Value = serde_json::from_str(payload).unwrap();
        catalogue::validate(kind, *version as u32, &payload)
            .unwrap_or_else(|e| panic!("{kind} v{version}: {e}"));
    }

    // Analytics: three orders in Nigeria, their totals summed, in their own minute.
    let gmv = scalar(&store, "SELECT CAST(sum(total_minor) AS BIGINT) FROM orders").await;
    let (orders, counted_gmv) = (
        scalar(&store, "SELECT CAST(sum(orders) AS BIGINT) FROM order_analytics WHERE country = 'NG'").await,
        scalar(&store, "SELECT CAST(sum(gmv_minor) AS BIGINT) FROM order_analytics").await,
    );
    assert_eq!((orders, counted_gmv), (3, gmv));

    // Bought together: a with b once and with c once; b with a only.
    let (status, together) = shop.get(&format!("/api/v1/products/{a}/bought-together"), &shop.token).await;
    assert_eq!(status, StatusCode::OK);
    let mut with: Vec<(i64, i64)> = together["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["product_id"].as_i64().unwrap(), i["times"].as_i64().unwrap()))
        .collect();
    with.sort();
    assert_eq!(with, [(b, 1), (c, 1)]);
    let (status, _) = shop.get("/api/v1/products/abc/bought-together", &shop.token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Redelivering everything (the relay republishes every row) changes nothing: the bus
    // drops the duplicates and the consumers' processed ids would skip them anyway.
    let before = store.read_models().await.unwrap();
    events_support::execute(&store, "UPDATE outbox SET published_at = NULL").await;
    eventually("the relay republished the outbox", || async { unsent(&store).await == 0 }).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(store.read_models().await.unwrap(), before, "nothing was applied twice");
    assert_eq!(processed(&store, "order-analytics").await, 3);

    // The live projections equal a rebuild from the event store, from scratch and from a snapshot.
    assert_eq!(before.order_history.len(), 3);
    let report =
        rebuild(&store, ReplayOptions { from_snapshot: false, snapshot_every: Some(2) }).await.unwrap();
    assert!(report.events >= 3 && report.snapshots_taken >= 1, "{report:?}");
    assert_eq!(store.read_models().await.unwrap(), before, "rebuilt from scratch");
    let report = rebuild(&store, ReplayOptions { from_snapshot: true, snapshot_every: None }).await.unwrap();
    assert!(report.started_after > 0, "{report:?}");
    assert_eq!(store.read_models().await.unwrap(), before, "rebuilt from the newest snapshot");

    // The schema registry lists every type.
    let (status, listed) = shop.get("/api/v1/schemas", &shop.token).await;
    assert_eq!(status, StatusCode::OK);
    assert!(listed["schemas"].as_array().unwrap().iter().any(|s| s["type"] == "order.created"));
    let (status, schema) = shop.get("/api/v1/schemas/order.created/v1", &shop.token).await;
    assert_eq!((status, schema["title"].as_str()), (StatusCode::OK, Some("OrderCreated")));
    let (status, _) = shop.get("/api/v1/schemas/order.created/one", &shop.token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
