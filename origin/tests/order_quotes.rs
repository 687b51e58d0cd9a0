//! One currency per order: a Lagos shopper's cart of a Kenyan and an Egyptian vendor's
//! products is priced, quoted and charged in naira at the rates of the moment, each vendor is
//! paid in their own currency at the rate the order locked, a stale quote orders nothing, and
//! a currency without a rate is refused with a reason.

use linkedall_origin::test_client::TestClient;
use linkedall_origin::testing::{TEST_ADMIN_TOKEN, TestDatabase, TestOrigin, number};
use linkedall_shared::{Currency, FxRates, Money};
use linkedall_store::{Backend, Store};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn spawn(backend: Backend) -> Option<TestOrigin> {
    let db = TestDatabase::new(backend).await?.seeded(20).await;
    Some(TestOrigin::spawn(db).await)
}

linkedall_origin::on_both_backends!(
    a_mixed_cart_is_paid_in_the_shoppers_currency_and_each_vendor_in_theirs,
    a_currency_without_a_rate_is_refused_with_a_reason_and_nothing_is_ordered
);

async fn rates(shopper: &TestClient) -> FxRates {
    let (status, rates) = shopper.get("/api/v1/fx-rates").await;
    assert_eq!(status, StatusCode::OK, "{rates}");
    serde_json::from_value(rates).unwrap()
}

fn money(value: &Value) -> Money {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{value}: {e}"))
}

async fn a_mixed_cart_is_paid_in_the_shoppers_currency_and_each_vendor_in_theirs(origin: TestOrigin) {
    let kenyan = TestClient::vendor(&origin, "kikoi@example.com", "KE").await;
    let egyptian = TestClient::vendor(&origin, "cotton@example.com", "EG").await;
    let kikoi = kenyan.list_product("Kikoi beach wrap", 129_000, 10).await;
    let towel = egyptian.list_product("Egyptian cotton towel", 85_000, 10).await;
    let shopper = TestClient::shopper(&origin, "amaka@example.com").await;
    for (product, quantity) in [(kikoi, 2), (towel, 1)] {
        let line = json!({ "product_id": product, "quantity": quantity });
        assert_eq!(shopper.post("/api/v1/cart/items", line).await.0, StatusCode::OK);
    }

    // The cart in naira: each line converted per unit at today's rates, one total.
    let rates = rates(&shopper).await;
    let naira = |price: Money, quantity: u32| rates.price_line(price, quantity, Currency::NGN).unwrap().1;
    let kikoi_line = naira(Money::new(Currency::KES, 129_000), 2);
    let towel_line = naira(Money::new(Currency::EGP, 85_000), 1);
    let total = kikoi_line.plus(towel_line).unwrap();
    let (status, cart) = shopper.get("/api/v1/cart/items?currency=NGN").await;
    assert_eq!(status, StatusCode::OK, "{cart}");
    assert_eq!(cart["currency"], "NGN");
    assert_eq!(money(&cart["total"]), total, "{cart}");
    assert_eq!(money(&cart["items"][0]["to_pay"]), kikoi_line, "{cart}");
    assert_eq!(
        money(&cart["items"][0]["line_total"]),
        Money::new(Currency::KES, 258_000),
        "the vendor's own"
    );
    assert!(cart["rates_as_of"].as_str().unwrap().starts_with("20"), "{cart}");
    let (status, problem) = shopper.get("/api/v1/cart/items?currency=XYZ").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");

    // A quote the shopper saw that no longer holds orders nothing and names the new total.
    let stale = json!({ "currency": "NGN", "total_minor": total.minor - 100 });
    let (status, problem) = shopper.post("/api/v1/orders", stale).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(problem["type"], "/problems/quote-changed");
    assert!(problem["detail"].as_str().unwrap().contains(&total.to_string()), "{problem}");
    assert_eq!(number(&origin.db.store, "SELECT count(*) FROM orders").await, 0);
    let (_, cart) = shopper.get("/api/v1/cart/items?currency=NGN").await;
    assert_eq!(cart["items"].as_array().unwrap().len(), 2, "the cart is kept: {cart}");

    // The quote as shown: one charge in naira, each vendor paid in their own currency.
    let quote = json!({ "currency": "NGN", "total_minor": total.minor });
    let (status, order) = shopper.post("/api/v1/orders", quote).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    assert_eq!(money(&order["total"]), total);
    assert_eq!(order["per_usd_micros"], rates.rate(Currency::NGN).unwrap());
    assert!(order["pay_by"].as_str().unwrap() > order["placed_at"].as_str().unwrap(), "{order}");
    let part = |vendor: &TestClient| {
        order["parts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["vendor_id"] == vendor.vendor_id.unwrap())
            .unwrap()
            .clone()
    };
    let kenyan_part = part(&kenyan);
    assert_eq!(money(&kenyan_part["subtotal"]), kikoi_line);
    assert_eq!(money(&kenyan_part["vendor_subtotal"]), Money::new(Currency::KES, 258_000));
    assert_eq!(kenyan_part["vendor_per_usd_micros"], rates.rate(Currency::KES).unwrap());
    assert_eq!(kenyan_part["items"][0]["name"], "Kikoi beach wrap");
    assert_eq!(money(&kenyan_part["items"][0]["vendor_unit_price"]), Money::new(Currency::KES, 129_000));
    let order_id = order["id"].as_i64().unwrap();

    // New rates change nothing in a placed order: its rates are locked.
    let admin = TestClient::with_token(&origin, Some(TEST_ADMIN_TOKEN));
    let moved = json!({ "per_usd_micros": { "KES": rates.rate(Currency::KES).unwrap() * 2 } });
    let (status, answer) = admin.send(Method::PUT, "/api/v1/admin/fx-rates", Some(moved)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (_, again) = shopper.get(&format!("/api/v1/orders/{order_id}")).await;
    assert_eq!(again["total"], order["total"]);
    assert_eq!(again["parts"], order["parts"]);

    // The Kenyan vendor sees their part in shillings, what they are paid.
    let (status, seen) = kenyan.get(&format!("/api/v1/orders/{order_id}")).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(money(&seen["total"]), Money::new(Currency::KES, 258_000), "{seen}");
    assert_eq!(seen["parts"].as_array().unwrap().len(), 1);

    // The event says what each vendor is paid, in their currency.
    let created = origin.db.store.unpublished_events(100).await.unwrap();
    let created = created.iter().find(|e| e.kind == "order.created").expect("order.created");
    let payload = &created.payload;
    let parts = payload["parts"].as_array().unwrap();
    assert!(
        parts.iter().any(|p| p["vendor_subtotal"] == json!({ "currency": "EGP", "minor": 85_000 })),
        "{payload}"
    );
}

async fn a_currency_without_a_rate_is_refused_with_a_reason_and_nothing_is_ordered(origin: TestOrigin) {
    let kenyan = TestClient::vendor(&origin, "kikoi@example.com", "KE").await;
    let kikoi = kenyan.list_product("Kikoi beach wrap", 129_000, 10).await;
    let shopper = TestClient::shopper(&origin, "amaka@example.com").await;
    let line = json!({ "product_id": kikoi, "quantity": 1 });
    assert_eq!(shopper.post("/api/v1/cart/items", line).await.0, StatusCode::OK);
    match &origin.db.store {
        Store::Postgres(pool) => {
            sqlx::query("DELETE FROM fx_rates WHERE currency = 'KES'").execute(pool).await.map(drop)
        }
        Store::Sqlite(pool) => {
            sqlx::query("DELETE FROM fx_rates WHERE currency = 'KES'").execute(pool).await.map(drop)
        }
    }
    .unwrap();
    let (_, cart) = shopper.get("/api/v1/cart/items?currency=NGN").await;
    assert_eq!(cart["total"], Value::Null, "{cart}");
    assert_eq!(cart["items"][0]["to_pay"], Value::Null, "{cart}");
    // Paid in shillings it needs no rate; in naira it cannot be paid.
    let (_, cart) = shopper.get("/api/v1/cart/items?currency=KES").await;
    assert_eq!(money(&cart["total"]), Money::new(Currency::KES, 129_000));
    let (status, problem) = shopper.post("/api/v1/orders", json!({ "currency": "NGN" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["type"], "/problems/no-exchange-rate");
    assert!(problem["detail"].as_str().unwrap().contains("KES to NGN"), "{problem}");
    assert_eq!(number(&origin.db.store, "SELECT count(*) FROM orders").await, 0);
    assert_eq!(
        number(&origin.db.store, &format!("SELECT CAST(stock AS BIGINT) FROM products WHERE id = {kikoi}"))
            .await,
        10,
        "no stock taken"
    );
}
