//! Conversion in the order analytics: orders paid over orders placed, per minute, currency and
//! country, with each paid order counted in the minute it was placed — however late its events
//! arrive — on SQLite and PostgreSQL.

mod events_support;

use std::sync::Arc;

use events_support::{Shop, eventually, execute, processed};
use linkedall_events::consumers::analytics::OrderAnalytics;
use linkedall_events::replay::{ReplayOptions, rebuild};
use linkedall_events::service::{self, BusChoice};
use linkedall_origin::testing::TestOptions;
use linkedall_store::{Backend, Store};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_late_orders_and_payments_convert_in_the_minute_they_were_placed() {
    late_orders_and_payments_convert_in_the_minute_they_were_placed(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_late_orders_and_payments_convert_in_the_minute_they_were_placed() {
    late_orders_and_payments_convert_in_the_minute_they_were_placed(Backend::Postgres).await;
}

/// Moves order `id`'s order.created to `at` (UTC, to the second), as if it had waited in the
/// outbox since then.
async fn placed_at(store: &Store, id: i64, at: &str) {
    let at = match store {
        Store::Postgres(_) => format!("{at}Z"),
        Store::Sqlite(_) => format!("{at}.000Z"),
    };
    execute(
        store,
        &format!(
            "UPDATE outbox SET created_at = '{at}' WHERE type = 'order.created' AND subject = 'order/{id}'"
        ),
    )
    .await;
}

async fn late_orders_and_payments_convert_in_the_minute_they_were_placed(backend: Backend) {
    // Orders are placed and paid while no consumer runs: their events wait in the outbox.
    let Some(shop) = Shop::open(backend, TestOptions::default()).await else { return };
    let store = shop.store().clone();
    let [a, b, ..] = shop.products[..] else { panic!("four products") };
    let first = shop.order(&[(a, 1)]).await;
    let second = shop.order(&[(b, 2)]).await;
    let third = shop.order(&[(a, 1), (b, 1)]).await;
    for order in [first, second] {
        let (status, body) = shop.pay(&shop.token, order, None).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("confirmed")), "{body}");
    }
    placed_at(&store, first, "2026-11-25T10:31:07").await;
    placed_at(&store, second, "2026-11-25T10:32:59").await;
    placed_at(&store, third, "2026-11-25T10:32:00").await;

    let plan = events_support::quick_plan(BusChoice::InProcess, vec![Arc::new(OrderAnalytics)]);
    let events = service::spawn(store.clone(), plan).unwrap();
    eventually("three orders placed and two paid were counted", || async {
        processed(&store, "order-analytics").await == 5
    })
    .await;

    let admin = shop.admin().await;
    let (status, body) = shop.get("/api/v1/admin/analytics/orders?since=2026-11-25T10:31", &admin).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let windows: Vec<Value> = body["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| json!([w["minute"], w["country"], w["orders"], w["paid"], w["conversion"]]))
        .collect();
    assert_eq!(
        windows,
        [json!(["2026-11-25T10:31", "NG", 1, 1, 1.0]), json!(["2026-11-25T10:32", "NG", 2, 1, 0.5])],
        "paid orders land in the minute they were placed, not the minute they were paid"
    );

    // Rebuilt from the event store, the windows are the same.
    let live = store.read_models().await.unwrap().order_analytics;
    assert_eq!(live.len(), 2);
    rebuild(&store, ReplayOptions::default()).await.unwrap();
    assert_eq!(store.read_models().await.unwrap().order_analytics, live);
    // A snapshot taken before paid orders were counted is passed over: the replay starts from
    // the beginning rather than restore windows without their payments.
    let old_shape = json!({ "order_history": [], "vendor_sales": [],
        "order_analytics": [["2026-11-25T10:31", "NGN", "NG", 1, 13_470_000]] });
    execute(
        &store,
        &format!("INSERT INTO read_model_snapshots (last_seq, state) VALUES (1000000, '{old_shape}')"),
    )
    .await;
    let report = rebuild(&store, ReplayOptions { from_snapshot: true, snapshot_every: None }).await.unwrap();
    assert_eq!(report.started_after, 0, "{report:?}");
    assert_eq!(store.read_models().await.unwrap().order_analytics, live);

    let (status, problem) = shop.get("/api/v1/admin/analytics/orders?since=yesterday", &admin).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (StatusCode::BAD_REQUEST, Some("/problems/invalid-parameter"))
    );
    events.stop().await;
}
