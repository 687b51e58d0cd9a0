//! A vendor's earnings per month, in the shop's currency: delivered parts and parts paid for
//! and on their way; unpaid and cancelled parts are not earnings, nor another shop's sales.

use linkedall_origin::test_client::TestClient;
use linkedall_origin::testing::{TestDatabase, TestOrigin, execute};
use linkedall_store::Backend;
use reqwest::StatusCode;
use serde_json::json;

async fn spawn(backend: Backend) -> Option<TestOrigin> {
    let db = TestDatabase::new(backend).await?.seeded(3).await;
    Some(TestOrigin::spawn(db).await)
}

linkedall_origin::on_both_backends!(a_vendor_reads_what_each_month_earned_in_their_currency);

async fn a_vendor_reads_what_each_month_earned_in_their_currency(origin: TestOrigin) {
    let shop = TestClient::vendor(&origin, "kikoi@example.com", "KE").await;
    let kikoi = shop.list_product("Kikoi beach wrap", 150_000, 20).await;
    let other = TestClient::vendor(&origin, "gari@example.com", "KE").await;
    let gari = other.list_product("Gari", 50_000, 20).await;
    let shopper = TestClient::shopper(&origin, "wanjiru@example.com").await;

    let (status, empty) = shop.get("/api/v1/vendor/earnings").await;
    assert_eq!((status, empty), (StatusCode::OK, json!({ "currency": "KES", "months": [] })));

    let paid = |id: i64| {
        let shopper = shopper.clone();
        async move {
            let (status, body) =
                shopper.post(&format!("/api/v1/orders/{id}/pay-on-delivery"), json!({})).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    };
    // Delivered, last month.
    let delivered = shopper.place_order(&[(kikoi, 2)]).await["id"].as_i64().unwrap();
    paid(delivered).await;
    shop.post(&format!("/api/v1/vendor/orders/{delivered}/ship"), json!({})).await;
    let (status, _) = shop.post(&format!("/api/v1/vendor/orders/{delivered}/deliver"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    execute(
        &origin.db.store,
        &format!("UPDATE orders SET created_at = '2026-11-15T10:00:00Z' WHERE id = {delivered}"),
    )
    .await;
    // Paid and not yet shipped, this month; an unpaid one; a cancelled one; another shop's.
    let on_the_way = shopper.place_order(&[(kikoi, 1)]).await["id"].as_i64().unwrap();
    paid(on_the_way).await;
    shopper.place_order(&[(kikoi, 1)]).await;
    let cancelled = shopper.place_order(&[(kikoi, 1)]).await["id"].as_i64().unwrap();
    paid(cancelled).await;
    let (status, body) = shopper.post(&format!("/api/v1/orders/{cancelled}/cancel"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let theirs = shopper.place_order(&[(gari, 1)]).await["id"].as_i64().unwrap();
    paid(theirs).await;

    let (status, earnings) = shop.get("/api/v1/vendor/earnings").await;
    assert_eq!(status, StatusCode::OK, "{earnings}");
    let months = earnings["months"].as_array().unwrap();
    assert_eq!(months.len(), 2, "{earnings}");
    assert_ne!(months[0]["month"], "2026-11", "newest first: {earnings}");
    assert_eq!(months[0]["orders"], 1, "{earnings}");
    assert_eq!(months[0]["delivered"]["minor"], 0);
    let delivery_fee = |m: &serde_json::Value| m["on_the_way"]["minor"].as_i64().unwrap() - 150_000;
    assert!(delivery_fee(&months[0]) >= 0, "one kikoi and its delivery on the way: {earnings}");
    assert_eq!(months[0]["on_the_way"]["currency"], "KES");
    assert_eq!(months[1]["month"], "2026-11");
    assert_eq!((months[1]["orders"].as_i64(), months[1]["on_the_way"]["minor"].as_i64()), (Some(1), Some(0)));
    assert!(months[1]["delivered"]["minor"].as_i64().unwrap() >= 300_000, "two kikois delivered: {earnings}");

    let (status, _) = shopper.get("/api/v1/vendor/earnings").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
