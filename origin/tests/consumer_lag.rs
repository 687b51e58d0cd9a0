//! Each event reader's lag, as admins read it (`GET /api/v1/admin/events/lag/consumers`): the
//! published events of the kinds it reads after the one it handled last, the oldest one's
//! age, when it last handled one, and its dead letters waiting.

use linkedall_origin::test_client::TestClient;
use linkedall_origin::testing::{TestDatabase, TestOrigin, execute};
use linkedall_store::Backend;
use reqwest::StatusCode;
use serde_json::Value;

async fn spawn(backend: Backend) -> Option<TestOrigin> {
    let db = TestDatabase::new(backend).await?.seeded(3).await;
    Some(TestOrigin::spawn(db).await)
}

linkedall_origin::on_both_backends!(each_reader_says_what_waits_for_it_and_when_it_last_read);

async fn reader(admin: &TestClient, name: &str) -> Value {
    let (status, lags) = admin.get("/api/v1/admin/events/lag/consumers").await;
    assert_eq!(status, StatusCode::OK, "{lags}");
    lags["consumers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["consumer"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("{name} in {lags}"))
}

async fn each_reader_says_what_waits_for_it_and_when_it_last_read(origin: TestOrigin) {
    let admin = TestClient::admin(&origin, "amina@example.com").await;
    let vendor = TestClient::vendor(&origin, "ama@example.com", "GH").await;
    let shopper = TestClient::shopper(&origin, "kwame@example.com").await;
    let kente = vendor.list_product("Kente cloth", 150_000, 9).await;
    shopper.place_order(&[(kente, 1)]).await;
    shopper.place_order(&[(kente, 2)]).await;

    // Nothing published yet (this origin runs no relay): nothing waits for any reader.
    let analytics = reader(&admin, "order-analytics").await;
    assert_eq!((analytics["waiting"].as_i64(), &analytics["last_processed_at"]), (Some(0), &Value::Null));

    // Published: both orders wait for the analytics reader.
    execute(&origin.db.store, "UPDATE outbox SET published_at = created_at").await;
    let analytics = reader(&admin, "order-analytics").await;
    assert_eq!(analytics["waiting"].as_i64(), Some(2), "{analytics}");
    assert!(analytics["oldest_waiting_secs"].as_f64().unwrap() >= 0.0);

    // It handled the first order: one waits, and it says when it last read.
    execute(
        &origin.db.store,
        "INSERT INTO processed_events (consumer, event_id) SELECT 'order-analytics', CAST(id AS TEXT) FROM outbox \
         WHERE type = 'order.created' ORDER BY seq LIMIT 1",
    )
    .await;
    let analytics = reader(&admin, "order-analytics").await;
    assert_eq!(analytics["waiting"].as_i64(), Some(1), "{analytics}");
    assert!(analytics["last_processed_at"].as_str().is_some_and(|at| at.len() >= 19), "{analytics}");

    // A dead letter of its own shows beside; another reader's does not.
    execute(
        &origin.db.store,
        "INSERT INTO dead_letters (id, consumer, event_id, event_type, envelope, error, deliveries) \
         VALUES ('dl-1', 'order-analytics', 'e-1', 'order.created', '{}', 'boom', 5)",
    )
    .await;
    assert_eq!(reader(&admin, "order-analytics").await["dead_letters"].as_i64(), Some(1));
    assert_eq!(reader(&admin, "recommendations").await["dead_letters"].as_i64(), Some(0));

    let shoppers_view = shopper.get("/api/v1/admin/events/lag/consumers").await.0;
    assert_eq!(shoppers_view, StatusCode::FORBIDDEN, "admins only");
}
