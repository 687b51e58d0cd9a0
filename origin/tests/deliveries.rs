//! Deliveries: the cart quotes each delivery option to the shopper's country (a fee per vendor
//! part, by distance, in the shopper's currency), the order charges the chosen one inside each
//! part's subtotal (so a cancelled part refunds it), keeps the address, and shows it to the
//! vendors who ship; a bad address is refused whole.

use linkedall_origin::test_client::TestClient;
use linkedall_origin::testing::{TestDatabase, TestOrigin, number};
use linkedall_shared::{Currency, DeliveryOption, FxRates, Market, Money};
use linkedall_store::Backend;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn spawn(backend: Backend) -> Option<TestOrigin> {
    let db = TestDatabase::new(backend).await?.seeded(20).await;
    Some(TestOrigin::spawn(db).await)
}

linkedall_origin::on_both_backends!(
    each_vendor_part_pays_its_delivery_and_its_vendor_sees_where_to_ship,
    a_bad_address_is_refused_whole_and_orders_nothing,
    a_shoppers_addresses_are_offered_again_most_recently_used_first
);

fn money(value: &Value) -> Money {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{value}: {e}"))
}

fn address() -> Value {
    json!({ "name": "Amaka Obi", "phone": "0803 123 4567", "country": "NG", "city": "Lagos",
            "area": "Lekki Phase 1", "directions": "Opposite the filling station, blue gate" })
}

async fn each_vendor_part_pays_its_delivery_and_its_vendor_sees_where_to_ship(origin: TestOrigin) {
    let lagos = TestClient::vendor(&origin, "shea@example.com", "NG").await;
    let nairobi = TestClient::vendor(&origin, "kikoi@example.com", "KE").await;
    let shea = lagos.list_product("Shea butter 250 g", 250_000, 10).await;
    let kikoi = nairobi.list_product("Kikoi beach wrap", 129_000, 10).await;
    let shopper = TestClient::shopper(&origin, "amaka@example.com").await;
    for product in [shea, kikoi] {
        let line = json!({ "product_id": product, "quantity": 1 });
        assert_eq!(shopper.post("/api/v1/cart/items", line).await.0, StatusCode::OK);
    }
    let (_, rates) = shopper.get("/api/v1/fx-rates").await;
    let rates: FxRates = serde_json::from_value(rates).unwrap();
    let fee = |option: DeliveryOption, from: &str, currency| {
        option.terms(Market::of_country(from), Market::of_country("NG")).fee_in(currency, &rates).unwrap()
    };
    let home = fee(DeliveryOption::Home, "NG", Currency::NGN)
        .plus(fee(DeliveryOption::Home, "KE", Currency::NGN))
        .unwrap();

    // The cart quotes both options to Nigeria; home delivery from Nairobi costs more than from Lagos.
    let (status, cart) = shopper.get("/api/v1/cart/items?currency=NGN&to=NG").await;
    assert_eq!(status, StatusCode::OK, "{cart}");
    let choices = cart["delivery_choices"].as_array().unwrap();
    assert_eq!(choices.len(), 2, "{cart}");
    assert_eq!(choices[0]["option"], "home");
    assert_eq!(money(&choices[0]["fee"]), home);
    assert_eq!(choices[0]["days_max"], 14, "the slowest part, from Nairobi: {cart}");
    assert!(money(&choices[1]["fee"]).minor < home.minor, "pickup is cheaper: {cart}");
    assert_eq!(shopper.get("/api/v1/cart/items?to=FR").await.0, StatusCode::BAD_REQUEST);
    let items_total = money(&cart["total"]);

    let total = items_total.plus(home).unwrap();
    let body = json!({ "currency": "NGN", "total_minor": total.minor,
                       "delivery": { "option": "home", "address": address() } });
    let (status, order) = shopper.post("/api/v1/orders", body).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    assert_eq!(money(&order["total"]), total);
    let nairobi_part = order["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["vendor_id"] == nairobi.vendor_id.unwrap())
        .unwrap();
    let delivery = &nairobi_part["delivery"];
    assert_eq!(money(&delivery["fee"]), fee(DeliveryOption::Home, "KE", Currency::NGN));
    assert_eq!(delivery["address"]["phone"], "+2348031234567", "{delivery}");
    assert_eq!(delivery["address"]["directions"], "Opposite the filling station, blue gate");
    // The vendor is paid the fee too, in shillings: they ship.
    let vendor_fee = fee(DeliveryOption::Home, "KE", Currency::KES);
    assert_eq!(
        money(&nairobi_part["vendor_subtotal"]),
        Money::new(Currency::KES, 129_000).plus(vendor_fee).unwrap()
    );
    let order_id = order["id"].as_i64().unwrap();

    // The vendor sees where to ship and whom to call.
    let (status, parts) = nairobi.get("/api/v1/vendor/orders").await;
    assert_eq!(status, StatusCode::OK, "{parts}");
    let part = parts.as_array().unwrap().iter().find(|p| p["order_id"] == order_id).unwrap();
    assert_eq!(part["delivery"]["address"]["area"], "Lekki Phase 1", "{part}");

    // The shopper reads the same delivery back; paid, then cancelled, the refund is the whole
    // charge: the fees go back with the parts.
    let (_, again) = shopper.get(&format!("/api/v1/orders/{order_id}")).await;
    assert_eq!(again["parts"], order["parts"]);
    let (status, session) = shopper.post(&format!("/api/v1/orders/{order_id}/pay"), json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{session}");
    let reference = session["reference"].as_str().unwrap();
    let (status, paid) = shopper.post(&format!("/api/v1/payments/sandbox/{reference}"), json!({})).await;
    assert_eq!((status, paid["state"].as_str()), (StatusCode::OK, Some("confirmed")), "{paid}");
    let (status, cancelled) =
        shopper.send(Method::POST, &format!("/api/v1/orders/{order_id}/cancel"), None).await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    let refunded =
        format!("SELECT CAST(SUM(amount_minor) AS BIGINT) FROM refunds WHERE order_id = {order_id}");
    assert_eq!(number(&origin.db.store, &refunded).await, total.minor);
}

async fn a_bad_address_is_refused_whole_and_orders_nothing(origin: TestOrigin) {
    let lagos = TestClient::vendor(&origin, "shea@example.com", "NG").await;
    let shea = lagos.list_product("Shea butter 250 g", 250_000, 10).await;
    let shopper = TestClient::shopper(&origin, "amaka@example.com").await;
    let line = json!({ "product_id": shea, "quantity": 1 });
    assert_eq!(shopper.post("/api/v1/cart/items", line).await.0, StatusCode::OK);
    for (field, bad) in [("phone", json!("12345")), ("city", json!("  ")), ("country", json!("FR"))] {
        let mut address = address();
        address[field] = bad;
        let body = json!({ "currency": "NGN", "delivery": { "option": "home", "address": address } });
        let (status, problem) = shopper.post("/api/v1/orders", body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{field}: {problem}");
        assert!(problem["detail"].as_str().unwrap().contains(field), "{field}: {problem}");
    }
    let body = json!({ "currency": "NGN", "delivery": { "option": "drone", "address": address() } });
    assert!(shopper.post("/api/v1/orders", body).await.0.is_client_error());
    assert_eq!(number(&origin.db.store, "SELECT count(*) FROM orders").await, 0);
    assert_eq!(number(&origin.db.store, "SELECT count(*) FROM order_deliveries").await, 0);
}

async fn a_shoppers_addresses_are_offered_again_most_recently_used_first(origin: TestOrigin) {
    let lagos = TestClient::vendor(&origin, "shea@example.com", "NG").await;
    let shea = lagos.list_product("Shea butter 250 g", 250_000, 50).await;
    let shopper = TestClient::shopper(&origin, "amaka@example.com").await;
    let other = TestClient::shopper(&origin, "bisi@example.com").await;
    assert_eq!(shopper.get("/api/v1/addresses").await.1, json!([]), "none before a first order");
    let office = json!({ "name": "Amaka Obi", "phone": "+234 803 123 4567", "country": "NG", "city": "Ikeja",
                         "area": "Allen Avenue", "directions": "" });
    let order_to = |client: TestClient, address: Value| async move {
        let line = json!({ "product_id": shea, "quantity": 1 });
        assert_eq!(client.post("/api/v1/cart/items", line).await.0, StatusCode::OK);
        let (_, cart) = client.get("/api/v1/cart/items?currency=NGN&to=NG").await;
        let total = money(&cart["total"]).plus(money(&cart["delivery_choices"][0]["fee"])).unwrap();
        let body = json!({ "currency": "NGN", "total_minor": total.minor,
                           "delivery": { "option": "home", "address": address } });
        let (status, order) = client.post("/api/v1/orders", body).await;
        assert_eq!(status, StatusCode::CREATED, "{order}");
    };
    order_to(shopper.clone(), address()).await;
    order_to(shopper.clone(), office.clone()).await;
    order_to(shopper.clone(), address()).await;
    order_to(other.clone(), office).await;
    // The order events say how each part travels, to the city, never to whom.
    let store = &origin.db.store;
    let with_delivery = "SELECT count(*) FROM outbox WHERE type = 'order.created' \
                         AND CAST(payload AS TEXT) LIKE '%\"home\"%' AND CAST(payload AS TEXT) LIKE '%Ikeja%'";
    assert_eq!(number(store, with_delivery).await, 2, "the office orders of both shoppers");
    let private = "SELECT count(*) FROM outbox WHERE CAST(payload AS TEXT) LIKE '%8031234567%' \
                   OR CAST(payload AS TEXT) LIKE '%Amaka%'";
    assert_eq!(number(store, private).await, 0, "no name or phone in any event");
    let (status, addresses) = shopper.get("/api/v1/addresses").await;
    assert_eq!(status, StatusCode::OK);
    let areas: Vec<&str> =
        addresses.as_array().unwrap().iter().map(|a| a["area"].as_str().unwrap()).collect();
    assert_eq!(areas, ["Lekki Phase 1", "Allen Avenue"], "each once, the last used first: {addresses}");
    assert_eq!(addresses[0]["phone"], "+2348031234567", "as it was checked");
    assert_eq!(other.get("/api/v1/addresses").await.1.as_array().unwrap().len(), 1, "only one's own");
    assert_eq!(
        TestClient::with_token(&origin, None).get("/api/v1/addresses").await.0,
        StatusCode::UNAUTHORIZED
    );
}
