//! Where shops deliver: a shop delivers to its own country unless it says its region or all of
//! Africa. A product whose shop does not reach the shopper cannot be added with `?to=`, the
//! cart marks it, and checkout to an address it does not reach orders nothing; a vendor who
//! widens their zone purges their pages and writes `vendor.updated`.

use linkedall_origin::test_client::TestClient;
use linkedall_origin::testing::{TestDatabase, TestOrigin, number};
use linkedall_store::Backend;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn spawn(backend: Backend) -> Option<TestOrigin> {
    let db = TestDatabase::new(backend).await?.seeded(5).await;
    Some(TestOrigin::spawn(db).await)
}

linkedall_origin::on_both_backends!(
    a_shop_delivers_only_where_its_zone_reaches_until_it_widens_it,
    a_shop_opens_in_one_of_our_countries_with_a_zone_we_know
);

fn address() -> Value {
    json!({ "name": "Amaka Obi", "phone": "0803 123 4567", "country": "NG", "city": "Lagos",
            "area": "Lekki Phase 1", "directions": "" })
}

async fn a_shop_delivers_only_where_its_zone_reaches_until_it_widens_it(origin: TestOrigin) {
    let nairobi = TestClient::vendor_shipping_to(&origin, "kikoi@example.com", "KE", "country").await;
    let kikoi = nairobi.list_product("Kikoi beach wrap", 129_000, 10).await;
    let shopper = TestClient::shopper(&origin, "amaka@example.com").await;
    let line = json!({ "product_id": kikoi, "quantity": 1 });

    // Added as a shopper in Nigeria: refused, nothing in the cart.
    let (status, problem) = shopper.post("/api/v1/cart/items?to=NG", line.clone()).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("/problems/does-not-deliver")),
        "{problem}"
    );
    assert!(problem["detail"].as_str().unwrap().contains("Nigeria"), "{problem}");
    assert_eq!(number(&origin.db.store, "SELECT count(*) FROM cart_items").await, 0);

    // Added without naming a country (an API client): in the cart, marked for Nigeria.
    assert_eq!(shopper.post("/api/v1/cart/items", line).await.0, StatusCode::OK);
    let (_, cart) = shopper.get("/api/v1/cart/items?currency=NGN&to=NG").await;
    assert_eq!(cart["items"][0]["delivers"], false, "{cart}");
    let (_, cart_in_kenya) = shopper.get("/api/v1/cart/items?to=KE").await;
    assert_eq!(cart_in_kenya["items"][0]["delivers"], true, "{cart_in_kenya}");

    // Checkout to Lagos orders nothing and takes no stock.
    let total = cart["total"]["minor"].as_i64().unwrap();
    let order = |total: i64| json!({ "currency": "NGN", "total_minor": total, "delivery": { "option": "home", "address": address() } });
    let (status, problem) = shopper.post("/api/v1/orders", order(total)).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("/problems/does-not-deliver")),
        "{problem}"
    );
    assert_eq!(number(&origin.db.store, "SELECT count(*) FROM orders").await, 0);
    assert_eq!(
        number(&origin.db.store, &format!("SELECT CAST(stock AS BIGINT) FROM products WHERE id = {kikoi}"))
            .await,
        10
    );

    // East Africa is not West Africa: still refused.
    let (status, _) =
        nairobi.send(Method::PUT, "/api/v1/vendor/shop", Some(json!({ "ships_to": "region" }))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(shopper.post("/api/v1/orders", order(total)).await.0, StatusCode::UNPROCESSABLE_ENTITY);

    // All of Africa: the pages that said otherwise are purged, and the order goes through.
    let (before, _) = origin.purge_journal(0).await;
    let (status, _) =
        nairobi.send(Method::PUT, "/api/v1/vendor/shop", Some(json!({ "ships_to": "africa" }))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, purged) = origin.purge_journal(before).await;
    let vendor_id = nairobi.vendor_id.unwrap();
    assert!(purged.iter().any(|selector| selector.contains(&format!("vendor:{vendor_id}"))), "{purged:?}");
    assert_eq!(
        number(&origin.db.store, "SELECT count(*) FROM outbox WHERE type = 'vendor.updated'").await,
        2
    );
    let (_, cart) = shopper.get("/api/v1/cart/items?currency=NGN&to=NG").await;
    assert_eq!(cart["items"][0]["delivers"], true, "{cart}");
    let with_fee = total + cart["delivery_choices"][0]["fee"]["minor"].as_i64().expect("a home delivery fee");
    let (status, placed) = shopper.post("/api/v1/orders", order(with_fee)).await;
    assert_eq!(status, StatusCode::CREATED, "{placed}");

    let (status, problem) =
        nairobi.send(Method::PUT, "/api/v1/vendor/shop", Some(json!({ "ships_to": "world" }))).await;
    assert!(status.is_client_error(), "{problem}");
    let (status, _) =
        shopper.send(Method::PUT, "/api/v1/vendor/shop", Some(json!({ "ships_to": "africa" }))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only vendors have a shop");
}

async fn a_shop_opens_in_one_of_our_countries_with_a_zone_we_know(origin: TestOrigin) {
    let open = |country: &'static str, zone: Value| {
        let shop = json!({ "name": "Kente House", "city": "Kumasi", "country": country, "ships_to": zone });
        let body = json!({ "email": format!("kente-{country}@example.com"), "password": "correct horse battery", "role": "vendor", "shop": shop });
        let client = TestClient::with_token(&origin, None);
        async move { client.post("/api/v1/auth/register", body).await }
    };
    assert_eq!(open("FR", json!("africa")).await.0, StatusCode::BAD_REQUEST, "not one of our markets");
    assert!(open("GH", json!("world")).await.0.is_client_error(), "not a zone");
    let (status, session) = open("gh", json!("region")).await;
    assert_eq!(status, StatusCode::CREATED, "{session}");
    let vendor = session["vendor_id"].as_i64().unwrap();
    let (_, storefront) =
        TestClient::with_token(&origin, None).get(&format!("/api/v1/vendors/{vendor}")).await;
    assert_eq!(storefront["vendor"]["country"], "GH");
    assert_eq!(storefront["vendor"]["ships_to"], "region");
}
