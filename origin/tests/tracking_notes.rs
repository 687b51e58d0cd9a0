//! A vendor ships a part with a note for the shopper (carrier, waybill, when the rider will
//! call): the shopper reads it with the order, and `order.shipped` carries it.

use linkedall_origin::test_client::TestClient;
use linkedall_origin::testing::{TestDatabase, TestOrigin, number};
use linkedall_store::Backend;
use reqwest::StatusCode;
use serde_json::json;

async fn spawn(backend: Backend) -> Option<TestOrigin> {
    let db = TestDatabase::new(backend).await?.seeded(3).await;
    Some(TestOrigin::spawn(db).await)
}

linkedall_origin::on_both_backends!(a_shipped_part_carries_the_vendors_note_to_the_shopper);

async fn a_shipped_part_carries_the_vendors_note_to_the_shopper(origin: TestOrigin) {
    let shop = TestClient::vendor(&origin, "kikoi@example.com", "KE").await;
    let kikoi = shop.list_product("Kikoi beach wrap", 150_000, 20).await;
    let shopper = TestClient::shopper(&origin, "wanjiru@example.com").await;
    let order = shopper.place_order(&[(kikoi, 1)]).await["id"].as_i64().unwrap();
    let (status, body) = shopper.post(&format!("/api/v1/orders/{order}/pay-on-delivery"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let ship = format!("/api/v1/vendor/orders/{order}/ship");
    let (status, problem) = shop.post(&ship, json!({ "tracking_note": "x".repeat(201) })).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (StatusCode::BAD_REQUEST, Some("/problems/invalid-parameter"))
    );
    let (status, problem) = shop.post(&ship, json!({ "tracking": "typo" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(number(&origin.db.store, "SELECT count(*) FROM outbox WHERE type = 'order.shipped'").await, 0);

    let note = "G4S waybill 4471 — the rider calls before 5 pm";
    let (status, part) = shop.post(&ship, json!({ "tracking_note": format!("  {note} ") })).await;
    assert_eq!(
        (status, part["state"].as_str(), part["tracking_note"].as_str()),
        (StatusCode::OK, Some("shipped"), Some(note))
    );
    let (_, seen) = shopper.get(&format!("/api/v1/orders/{order}")).await;
    assert_eq!(seen["parts"][0]["tracking_note"], note, "{seen}");
    let carried = number(
        &origin.db.store,
        "SELECT count(*) FROM outbox WHERE type = 'order.shipped' AND CAST(payload AS TEXT) LIKE '%waybill 4471%'",
    )
    .await;
    assert_eq!(carried, 1);

    // Delivering keeps the note.
    let (status, part) = shop.post(&format!("/api/v1/vendor/orders/{order}/deliver"), json!({})).await;
    assert_eq!((status, part["tracking_note"].as_str()), (StatusCode::OK, Some(note)));
}
