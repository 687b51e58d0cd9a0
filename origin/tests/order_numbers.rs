//! Order numbers tell no one how many orders the shop takes: twelve digits drawn at random, so
//! consecutive orders are not consecutive numbers, and a shopper's newest orders still come
//! first (by when they were placed, not by number).

use linkedall_origin::test_client::TestClient;
use linkedall_origin::testing::{TestDatabase, TestOrigin};
use linkedall_store::Backend;
use reqwest::StatusCode;

async fn spawn(backend: Backend) -> Option<TestOrigin> {
    let db = TestDatabase::new(backend).await?.seeded(20).await;
    Some(TestOrigin::spawn(db).await)
}

linkedall_origin::on_both_backends!(order_numbers_are_random_twelve_digits_and_newest_come_first);

async fn order_numbers_are_random_twelve_digits_and_newest_come_first(origin: TestOrigin) {
    let vendor = TestClient::vendor(&origin, "shea@example.com", "NG").await;
    let shea = vendor.list_product("Shea butter 250 g", 250_000, 50).await;
    let shopper = TestClient::shopper(&origin, "amaka@example.com").await;
    let mut placed = Vec::new();
    for _ in 0..12 {
        placed.push(shopper.place_order(&[(shea, 1)]).await["id"].as_i64().unwrap());
    }
    assert!(placed.iter().all(|id| (100_000_000_000..=999_999_999_999).contains(id)), "{placed:?}");
    let mut distinct = placed.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), placed.len(), "{placed:?}");
    assert!(placed.windows(2).any(|pair| pair[1] < pair[0]), "numbers follow no order: {placed:?}");
    assert!(placed.windows(2).all(|pair| (pair[1] - pair[0]).abs() > 1), "nor count up: {placed:?}");

    let (status, recent) = shopper.get("/api/v1/orders").await;
    assert_eq!(status, StatusCode::OK, "{recent}");
    let listed: Vec<i64> = recent.as_array().unwrap().iter().map(|o| o["id"].as_i64().unwrap()).collect();
    let newest_first: Vec<i64> = placed.iter().rev().copied().collect();
    assert_eq!(
        listed[..newest_first.len().min(listed.len())],
        newest_first[..listed.len().min(newest_first.len())]
    );
}
