//! Who may do what: only an order's shopper pays for it, vendors see their own parts' money,
//! prices stay in a range no total can overflow, and the operators' token opens every admin
//! route. Black-box over HTTP, on PostgreSQL and SQLite.

use linkedall_origin::test_client::TestClient;
use linkedall_origin::testing::{TEST_ADMIN_TOKEN, TestDatabase, TestOrigin};
use linkedall_shared::Currency;
use linkedall_store::cart::{MAX_LINES, MAX_QUANTITY};
use linkedall_store::{Backend, Store};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn spawn(backend: Backend) -> Option<TestOrigin> {
    // More seeded products than a cart may hold lines.
    let db = TestDatabase::new(backend).await?.seeded(MAX_LINES as u64 + 5).await;
    Some(TestOrigin::spawn(db).await)
}

linkedall_origin::on_both_backends!(
    a_vendor_cannot_pay_an_order_they_sell_in,
    a_price_above_the_maximum_is_refused,
    the_operators_token_opens_every_admin_route,
);

async fn scalar(store: &Store, sql: &str) -> i64 {
    match store {
        Store::Postgres(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await,
        Store::Sqlite(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn a_vendor_cannot_pay_an_order_they_sell_in(origin: TestOrigin) {
    let seller = TestClient::vendor(&origin, "a@shop.example.com", "KE").await;
    let other_seller = TestClient::vendor(&origin, "b@shop.example.com", "KE").await;
    let kikoi = seller.list_product("Kikoi", 80_000, 5).await;
    let basket = other_seller.list_product("Kiondo basket", 120_000, 5).await;
    let shopper = TestClient::shopper(&origin, "alice@example.com").await;
    let admin = TestClient::admin(&origin, "admin@example.com").await;
    let order = shopper.place_order(&[(kikoi, 1), (basket, 2)]).await;
    let id = order["id"].as_i64().unwrap();
    let pay = format!("/api/v1/orders/{id}/pay");

    // Neither a vendor with a part in it nor an admin may start a charge: 404, as for anyone.
    for (who, client) in [("its vendor", &seller), ("an admin", &admin)] {
        let (status, problem) = client.post(&pay, json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{who} paying: {problem}");
    }
    assert_eq!(scalar(&origin.db.store, "SELECT count(*) FROM payments").await, 0, "no charge started");

    // Nor approve the shopper's charge in the sandbox.
    let (status, payment) = shopper.post(&pay, json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{payment}");
    let approve = format!("/api/v1/payments/sandbox/{}", payment["reference"].as_str().unwrap());
    for (who, client) in [("its vendor", &seller), ("an admin", &admin)] {
        let (status, problem) = client.post(&approve, json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{who} approving: {problem}");
    }
    assert_eq!(shopper.get(&format!("/api/v1/orders/{id}")).await.1["state"], "created");
    let (status, paid) = shopper.post(&approve, json!({})).await;
    assert_eq!((status, paid["state"].as_str()), (StatusCode::OK, Some("confirmed")), "{paid}");
    assert_eq!(paid["total"]["minor"], 80_000 + 2 * 120_000, "the shopper sees the whole order");

    // A vendor sees what they sell in the order, not what the shopper paid for all of it.
    let (status, seen) = seller.get(&format!("/api/v1/orders/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["total"]["minor"], 80_000, "{seen}");
    assert_eq!(seen["parts"].as_array().unwrap().len(), 1, "{seen}");
    let (_, parts) = other_seller.get("/api/v1/vendor/orders").await;
    assert_eq!(parts[0]["subtotal"]["minor"], 2 * 120_000, "{parts}");
    assert_eq!(parts.as_array().unwrap().len(), 1, "{parts}");
}

async fn a_price_above_the_maximum_is_refused(origin: TestOrigin) {
    let vendor = TestClient::vendor(&origin, "shop@example.com", "NG").await;
    let max = Currency::NGN.max_price_minor();
    for price in [max + 1, i64::MAX / 2, i64::MAX, -1] {
        let body = json!({ "category_id": 1, "name": "Gold", "price_minor": price, "stock": 5 });
        let (status, problem) = vendor.post("/api/v1/vendor/products", body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "price {price}: {problem}");
        assert!(problem["detail"].as_str().unwrap().contains("price_minor"), "{problem}");
    }
    let dearest = vendor.list_product("Generator", max, 200).await;
    let dear = vendor.list_product("Tractor", max - 1, 200).await;
    let (status, problem) = vendor
        .send(
            Method::PATCH,
            &format!("/api/v1/vendor/products/{dear}"),
            Some(json!({ "price_minor": max + 1 })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    let store = &origin.db.store;
    assert_eq!(
        scalar(store, &format!("SELECT price_minor FROM products WHERE id = {dear}")).await,
        max - 1,
        "the refused change wrote nothing"
    );

    // Someone else's cart of the dearest products, as many as a line holds, still adds up.
    let shopper = TestClient::shopper(&origin, "buyer@example.com").await;
    for product in [dearest, dear] {
        let line = json!({ "product_id": product, "quantity": MAX_QUANTITY });
        assert_eq!(shopper.post("/api/v1/cart/items", line).await.0, StatusCode::OK);
    }
    let (status, cart) = shopper.get("/api/v1/cart/items").await;
    assert_eq!(status, StatusCode::OK, "{cart}");
    assert_eq!(cart["total"]["minor"], i64::from(MAX_QUANTITY) * (2 * max - 1), "{cart}");

    // And a cart or an order holds at most MAX_LINES different products.
    let lines: Vec<Value> =
        (1..=MAX_LINES as i64 + 1).map(|id| json!({ "product_id": id, "quantity": 1 })).collect();
    let (status, problem) = shopper.post("/api/v1/orders", json!({ "items": lines })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains(&format!("at most {MAX_LINES}")), "{problem}");
    let other = TestClient::shopper(&origin, "many@example.com").await;
    for product in 1..=MAX_LINES as i64 {
        let (status, problem) =
            other.post("/api/v1/cart/items", json!({ "product_id": product, "quantity": 1 })).await;
        assert_eq!(status, StatusCode::OK, "line {product}: {problem}");
    }
    let one_more = json!({ "product_id": MAX_LINES as i64 + 1, "quantity": 1 });
    assert_eq!(other.post("/api/v1/cart/items", one_more).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let again = json!({ "product_id": 1, "quantity": 1 });
    assert_eq!(other.post("/api/v1/cart/items", again).await.0, StatusCode::OK, "a line it holds");
}

/// Every admin route, with a request it accepts from an admin, and the status that answers.
fn admin_requests() -> Vec<(Method, &'static str, Option<Value>, StatusCode)> {
    vec![
        (Method::GET, "/api/v1/admin/analytics/orders", None, StatusCode::OK),
        (Method::GET, "/api/v1/admin/orders/held", None, StatusCode::OK),
        // Not held: refused for what it is, not for who asks.
        (Method::POST, "/api/v1/admin/orders/1/release", None, StatusCode::CONFLICT),
        (Method::GET, "/api/v1/admin/events/lag", None, StatusCode::OK),
        (Method::GET, "/api/v1/admin/dead-letters", None, StatusCode::OK),
        (
            Method::POST,
            "/api/v1/admin/dead-letters/6f1c1d8e-54a4-4c6e-9f0e-3d1c2b1a0f00/replay",
            None,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::PUT,
            "/api/v1/admin/fx-rates",
            Some(json!({ "per_usd_micros": { "KES": 129_500_000 } })),
            StatusCode::OK,
        ),
        (Method::POST, "/admin/purge", Some(json!({ "tags": ["product:1"] })), StatusCode::ACCEPTED),
    ]
}

async fn the_operators_token_opens_every_admin_route(origin: TestOrigin) {
    let operator = TestClient::with_token(&origin, Some(TEST_ADMIN_TOKEN));
    let admin = TestClient::admin(&origin, "admin@example.com").await;
    let shopper = TestClient::shopper(&origin, "shopper@example.com").await;
    let vendor = TestClient::vendor(&origin, "vendor@example.com", "KE").await;
    let nobody = TestClient::with_token(&origin, None);
    let wrong_token = TestClient::with_token(&origin, Some("not-the-operators-token"));
    for (method, path, body, accepted) in admin_requests() {
        for (who, client) in [("the operators' token", &operator), ("an admin", &admin)] {
            let (status, answer) = client.send(method.clone(), path, body.clone()).await;
            assert_eq!(status, accepted, "{who}: {method} {path}: {answer}");
        }
        for (who, client, refused) in [
            ("a shopper", &shopper, StatusCode::FORBIDDEN),
            ("a vendor", &vendor, StatusCode::FORBIDDEN),
            ("nobody", &nobody, StatusCode::UNAUTHORIZED),
            ("a wrong token", &wrong_token, StatusCode::UNAUTHORIZED),
        ] {
            let (status, problem) = client.send(method.clone(), path, body.clone()).await;
            assert_eq!(status, refused, "{who}: {method} {path}: {problem}");
        }
    }
}
