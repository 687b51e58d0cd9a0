//! Black-box tests of accounts, cart, checkout and the order lifecycle: a real origin on a
//! random port over a real database (PostgreSQL, and SQLite where the backend matters).

use std::collections::HashSet;
use std::sync::Arc;

use linkedall_origin::payments::paystack_signature;
use linkedall_origin::testing::{TEST_WEBHOOK_SECRET, TestDatabase, TestOrigin};
use linkedall_store::{Backend, Store};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn spawn(backend: Backend) -> Option<TestOrigin> {
    // A few seeded products give the categories vendors list their products in.
    let db = TestDatabase::new(backend).await?.seeded(20).await;
    Some(TestOrigin::spawn(db).await)
}

linkedall_origin::on_both_backends!(
    multi_thread: the_same_idempotency_key_retried_concurrently_makes_one_order,
    insufficient_stock_is_409_naming_the_product_and_writes_nothing,
    other_peoples_orders_and_products_are_out_of_reach,
    orders_move_only_along_their_lifecycle_with_events_in_the_outbox,
    sessions_work_by_cookie_and_bearer_and_login_is_rate_limited,
    a_cart_is_priced_from_the_catalog_and_checkout_empties_it,
    an_idempotency_key_older_than_a_day_is_claimed_afresh,
    an_order_held_for_fraud_review_ships_only_after_an_admin_releases_it,
);

/// An HTTP client signed in as one account.
#[derive(Clone)]
struct Account {
    http: reqwest::Client,
    base: String,
    token: String,
    vendor_id: Option<i64>,
}

impl Account {
    async fn register(origin: &TestOrigin, email: &str, shop: Option<(&str, &str)>) -> Account {
        let mut body = json!({ "email": email, "password": "correct horse battery" });
        if let Some((name, country)) = shop {
            body["role"] = json!("vendor");
            body["shop"] = json!({ "name": name, "city": "Lagos", "country": country });
        }
        let http = reqwest::Client::new();
        let session = origin.register(body).await;
        Account {
            http,
            base: origin.url(),
            token: session["token"].as_str().unwrap().to_owned(),
            vendor_id: session["vendor_id"].as_i64(),
        }
    }

    /// Signs `account` in again (after its role changed) and returns the new session.
    async fn sign_in_again(origin: &TestOrigin, account: Account, email: &str) -> Account {
        let body = json!({ "email": email, "password": "correct horse battery" });
        let response = account
            .http
            .post(format!("{}/api/v1/auth/login", origin.url()))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let session: Value = response.json().await.unwrap();
        Account { token: session["token"].as_str().unwrap().to_owned(), ..account }
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        key: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::POST, path, Some(body), None).await
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(Method::GET, path, None, None).await
    }

    async fn order(&self, body: Value, key: &str) -> (StatusCode, Value) {
        self.send(Method::POST, "/api/v1/orders", Some(body), Some(key)).await
    }

    /// Lists a product and returns its id.
    async fn list_product(&self, name: &str, price_minor: i64, stock: i32) -> i64 {
        let body = json!({ "category_id": 1, "name": name, "description": "test", "price_minor": price_minor, "stock": stock });
        let (status, product) = self.post("/api/v1/vendor/products", body).await;
        assert_eq!(status, StatusCode::CREATED, "{product}");
        product["product"]["id"].as_i64().unwrap()
    }
}

fn buy(product: i64, quantity: u32) -> Value {
    json!({ "items": [{ "product_id": product, "quantity": quantity }] })
}

async fn scalar(store: &Store, sql: &str) -> i64 {
    match store {
        Store::Postgres(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await,
        Store::Sqlite(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn execute(store: &Store, sql: &str) {
    match store {
        Store::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
        Store::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn stock(store: &Store, product: i64) -> i64 {
    scalar(store, &format!("SELECT CAST(stock AS BIGINT) FROM products WHERE id = {product}")).await
}

async fn event_types(store: &Store) -> Vec<String> {
    store.unpublished_events(10_000).await.unwrap().into_iter().map(|e| e.kind).collect()
}

async fn the_same_idempotency_key_retried_concurrently_makes_one_order(origin: TestOrigin) {
    let vendor = Account::register(&origin, "shop@example.com", Some(("Ada Fabrics", "NG"))).await;
    let product = vendor.list_product("Ankara wrap", 150_000, 50).await;
    let shopper = Account::register(&origin, "buyer@example.com", None).await;

    let attempts: Vec<_> = (0..20)
        .map(|_| {
            let shopper = shopper.clone();
            tokio::spawn(async move { shopper.order(buy(product, 2), "pay-press-1").await })
        })
        .collect();
    let mut created = HashSet::new();
    for attempt in attempts {
        let (status, body) = attempt.await.unwrap();
        match status {
            StatusCode::CREATED => {
                created.insert(body["id"].as_i64().unwrap());
            }
            StatusCode::CONFLICT => assert_eq!(body["type"], "/problems/idempotency-key-in-flight", "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(created.len(), 1, "every success is the same order");
    assert_eq!(scalar(&origin.db.store, "SELECT count(*) FROM orders").await, 1);
    assert_eq!(stock(&origin.db.store, product).await, 48);

    // Once completed, a retry replays the original answer.
    let (status, replay) = shopper.order(buy(product, 2), "pay-press-1").await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(Some(&replay["id"].as_i64().unwrap()), created.iter().next());
    // Same key, different body: refused.
    let (status, problem) = shopper.order(buy(product, 3), "pay-press-1").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    // No key: refused before anything happens.
    let (status, problem) = shopper.send(Method::POST, "/api/v1/orders", Some(buy(product, 1)), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("Idempotency-Key"));
    assert_eq!(scalar(&origin.db.store, "SELECT count(*) FROM orders").await, 1);
    // Keys are per user: another shopper's same key is a new order.
    let other = Account::register(&origin, "other@example.com", None).await;
    assert_eq!(other.order(buy(product, 1), "pay-press-1").await.0, StatusCode::CREATED);
}

async fn insufficient_stock_is_409_naming_the_product_and_writes_nothing(origin: TestOrigin) {
    let vendor = Account::register(&origin, "shop@example.com", Some(("Kente House", "GH"))).await;
    let plenty = vendor.list_product("Kente scarf", 9_000, 10).await;
    let scarce = vendor.list_product("Golden stool replica", 50_000, 2).await;
    let shopper = Account::register(&origin, "buyer@example.com", None).await;
    shopper.post("/api/v1/cart/items", json!({ "product_id": plenty, "quantity": 1 })).await;
    shopper.post("/api/v1/cart/items", json!({ "product_id": scarce, "quantity": 3 })).await;
    let events_before = event_types(&origin.db.store).await.len();

    let (status, problem) = shopper.order(json!({}), "k1").await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(problem["type"], "/problems/insufficient-stock");
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("Golden stool replica") && detail.contains(&scarce.to_string()), "{detail}");

    let store = &origin.db.store;
    assert_eq!(stock(store, plenty).await, 10, "the first line's reservation was rolled back");
    assert_eq!(stock(store, scarce).await, 2);
    for table in ["orders", "order_parts", "order_items", "idempotency_keys"] {
        assert_eq!(scalar(store, &format!("SELECT count(*) FROM {table}")).await, 0, "{table}");
    }
    assert_eq!(event_types(store).await.len(), events_before, "no event for what did not happen");
    let (_, cart) = shopper.get("/api/v1/cart/items").await;
    assert_eq!(cart["items"].as_array().unwrap().len(), 2, "the cart is intact");
    // The key was released: the same request may be retried once it can succeed.
    shopper.send(Method::DELETE, &format!("/api/v1/cart/items/{scarce}"), None, None).await;
    let (status, order) = shopper.order(json!({}), "k1").await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    assert_eq!(stock(store, plenty).await, 9);
}

async fn other_peoples_orders_and_products_are_out_of_reach(origin: TestOrigin) {
    let vendor_a = Account::register(&origin, "a@shop.example.com", Some(("Shop A", "KE"))).await;
    let vendor_b = Account::register(&origin, "b@shop.example.com", Some(("Shop B", "KE"))).await;
    let product_a = vendor_a.list_product("Kikoi", 80_000, 5).await;
    let product_b = vendor_b.list_product("Kiondo basket", 120_000, 5).await;
    let alice = Account::register(&origin, "alice@example.com", None).await;
    let bob = Account::register(&origin, "bob@example.com", None).await;
    let body = json!({ "items": [{ "product_id": product_a, "quantity": 1 }, { "product_id": product_b, "quantity": 1 }] });
    let (status, order) = alice.order(body, "k").await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    let id = order["id"].as_i64().unwrap();
    assert_eq!(order["parts"].as_array().unwrap().len(), 2, "split per vendor");

    assert_eq!(bob.get(&format!("/api/v1/orders/{id}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(bob.post(&format!("/api/v1/orders/{id}/cancel"), json!({})).await.0, StatusCode::NOT_FOUND);
    let (_, bobs) = bob.get("/api/v1/orders").await;
    assert!(bobs.as_array().unwrap().is_empty());
    // Each vendor sees only their part.
    let (status, seen_by_a) = vendor_a.get(&format!("/api/v1/orders/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let parts = seen_by_a["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0]["vendor_id"].as_i64(), vendor_a.vendor_id);
    // Vendors edit only their own products; shoppers use no vendor route.
    let (status, problem) = vendor_b
        .send(
            Method::PATCH,
            &format!("/api/v1/vendor/products/{product_a}"),
            Some(json!({ "price_minor": 1 })),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(
        vendor_b
            .send(Method::PATCH, "/api/v1/vendor/products/999999", Some(json!({ "stock": 1 })), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(alice.post("/api/v1/vendor/products", json!({})).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        alice.post(&format!("/api/v1/vendor/orders/{id}/ship"), json!({})).await.0,
        StatusCode::FORBIDDEN
    );
    let outsider = Account::register(&origin, "c@shop.example.com", Some(("Shop C", "KE"))).await;
    assert_eq!(
        outsider.post(&format!("/api/v1/vendor/orders/{id}/ship"), json!({})).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(outsider.get(&format!("/api/v1/orders/{id}")).await.0, StatusCode::NOT_FOUND);
    // No session at all.
    let anonymous = reqwest::get(format!("{}/api/v1/cart/items", origin.url())).await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.headers()["content-type"], "application/problem+json");
    let forged = Account { token: "eyJhbGciOiJIUzI1NiJ9.e30.forged".into(), ..alice.clone() };
    assert_eq!(forged.get("/api/v1/orders").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(scalar(&origin.db.store, "SELECT count(*) FROM products WHERE price_minor = 1").await, 0);
}

async fn webhook(origin: &TestOrigin, body: &Value, secret: &str) -> StatusCode {
    let body = serde_json::to_vec(body).unwrap();
    reqwest::Client::new()
        .post(format!("{}/api/v1/payments/webhook", origin.url()))
        .header("x-paystack-signature", paystack_signature(secret.as_bytes(), &body))
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
}

async fn orders_move_only_along_their_lifecycle_with_events_in_the_outbox(origin: TestOrigin) {
    let store = &origin.db.store;
    let vendor = Account::register(&origin, "shop@example.com", Some(("Marrakech Lamps", "MA"))).await;
    let lamp = vendor.list_product("Brass lamp", 45_000, 3).await;
    let shopper = Account::register(&origin, "buyer@example.com", None).await;

    let (_, order) = shopper.order(buy(lamp, 3), "first").await;
    let id = order["id"].as_i64().unwrap();
    assert_eq!(order["state"], "created");
    // Unpaid orders cannot ship.
    let (status, problem) = vendor.post(&format!("/api/v1/vendor/orders/{id}/ship"), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("created"), "{problem}");

    // Pay: a forged webhook changes nothing; a genuine one confirms once.
    let (status, payment) = shopper.post(&format!("/api/v1/orders/{id}/pay"), json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{payment}");
    let success = json!({ "event": "charge.success", "data": { "reference": payment["reference"], "amount": 3 * 45_000, "currency": "MAD" } });
    assert_eq!(webhook(&origin, &success, "not-the-secret").await, StatusCode::UNAUTHORIZED);
    assert_eq!(shopper.get(&format!("/api/v1/orders/{id}")).await.1["state"], "created");
    assert_eq!(webhook(&origin, &success, TEST_WEBHOOK_SECRET).await, StatusCode::OK);
    assert_eq!(webhook(&origin, &success, TEST_WEBHOOK_SECRET).await, StatusCode::OK);
    assert_eq!(shopper.get(&format!("/api/v1/orders/{id}")).await.1["state"], "confirmed");
    let types = event_types(store).await;
    assert_eq!(
        types.iter().filter(|t| *t == "payment.completed").count(),
        1,
        "replayed webhook, one transition"
    );

    // Ship, then cancelling is illegal and says why.
    let (status, part) = vendor.post(&format!("/api/v1/vendor/orders/{id}/ship"), json!({})).await;
    assert_eq!((status, part["state"].as_str()), (StatusCode::OK, Some("shipped")), "{part}");
    assert_eq!(shopper.get(&format!("/api/v1/orders/{id}")).await.1["state"], "shipped");
    let (status, problem) = shopper.post(&format!("/api/v1/orders/{id}/cancel"), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["type"], "/problems/illegal-transition");
    assert!(problem["detail"].as_str().unwrap().contains("shipped"), "{problem}");
    assert_eq!(
        vendor.post(&format!("/api/v1/vendor/orders/{id}/deliver"), json!({})).await.0,
        StatusCode::OK
    );
    assert_eq!(shopper.get(&format!("/api/v1/orders/{id}")).await.1["state"], "delivered");

    // Restock, order again, cancel: the stock comes back; a second cancel is illegal.
    let (status, _) = vendor
        .send(
            Method::PATCH,
            &format!("/api/v1/vendor/products/{lamp}"),
            Some(json!({ "stock": 2, "price_minor": 48_000 })),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, second) = shopper.order(buy(lamp, 2), "second").await;
    assert_eq!(second["total"]["minor"], 2 * 48_000, "the new price, from the catalog");
    let second = second["id"].as_i64().unwrap();
    assert_eq!(stock(store, lamp).await, 0);
    let (status, cancelled) = shopper.post(&format!("/api/v1/orders/{second}/cancel"), json!({})).await;
    assert_eq!((status, cancelled["state"].as_str()), (StatusCode::OK, Some("cancelled")));
    assert_eq!(stock(store, lamp).await, 2);
    let (status, problem) = shopper.post(&format!("/api/v1/orders/{second}/cancel"), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(problem["detail"].as_str().unwrap().contains("cancelled"), "{problem}");

    let types: HashSet<String> = event_types(store).await.into_iter().collect();
    for expected in [
        "user.created",
        "product.created",
        "product.updated",
        "product.price_changed",
        "product.out_of_stock",
        "order.created",
        "payment.initiated",
        "payment.completed",
        "order.confirmed",
        "order.shipped",
        "order.delivered",
        "order.cancelled",
    ] {
        assert!(types.contains(expected), "{expected} missing from {types:?}");
    }
    let created = store
        .unpublished_events(1000)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.kind == "order.created")
        .unwrap();
    assert_eq!(created.subject, format!("order/{id}"));
    assert_eq!(created.payload["parts"][0]["items"][0]["quantity"], 3);
}

async fn sessions_work_by_cookie_and_bearer_and_login_is_rate_limited(origin: TestOrigin) {
    let body = json!({ "email": "Amina@Example.com", "password": "correct horse battery" });
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", origin.url());
    let registered = http.post(url("/api/v1/auth/register")).json(&body).send().await.unwrap();
    assert_eq!(registered.status(), StatusCode::CREATED);
    let cookie = registered.headers()["set-cookie"].to_str().unwrap().to_owned();
    for attribute in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    let session = cookie.split(';').next().unwrap();
    let cart = http.get(url("/api/v1/cart/items")).header("cookie", session).send().await.unwrap();
    assert_eq!(cart.status(), StatusCode::OK, "the cookie is a session");
    let again = http.post(url("/api/v1/auth/register")).json(&body).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT, "one account per email, case-insensitively");
    let admin = json!({ "email": "x@example.com", "password": "correct horse battery", "role": "admin" });
    assert_eq!(
        http.post(url("/api/v1/auth/register")).json(&admin).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );

    let login = |password: &'static str| {
        let http = http.clone();
        let url = url("/api/v1/auth/login");
        async move {
            http.post(url)
                .json(&json!({ "email": "amina@example.com", "password": password }))
                .send()
                .await
                .unwrap()
        }
    };
    let ok = login("correct horse battery").await;
    assert_eq!(ok.status(), StatusCode::OK);
    let token: Value = ok.json().await.unwrap();
    let bearer =
        http.get(url("/api/v1/orders")).bearer_auth(token["token"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(bearer.status(), StatusCode::OK);
    // Ten failures from one address, and that address waits (other addresses are only slowed:
    // see `abuse.rs`).
    for _ in 0..10 {
        assert_eq!(login("wrong password").await.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = login("correct horse battery").await;
    assert_eq!(
        limited.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits at that address"
    );
    assert!(limited.headers().contains_key("retry-after"));
    let types = event_types(&origin.db.store).await;
    assert_eq!(types.iter().filter(|t| *t == "user.login").count(), 1);
}

async fn a_cart_is_priced_from_the_catalog_and_checkout_empties_it(origin: TestOrigin) {
    let vendor = Account::register(&origin, "shop@example.com", Some(("Spice Route", "TZ"))).await;
    let cloves = vendor.list_product("Zanzibar cloves", 3_000, 100).await;
    let shopper = Account::register(&origin, "buyer@example.com", None).await;
    let (status, cart) = shopper
        .post("/api/v1/cart/items", json!({ "product_id": cloves, "quantity": 2, "price_minor": 1 }))
        .await;
    assert_eq!(status, StatusCode::OK, "{cart}");
    shopper.post("/api/v1/cart/items", json!({ "product_id": cloves, "quantity": 1 })).await;
    let (_, cart) = shopper.get("/api/v1/cart/items").await;
    assert_eq!(cart["items"][0]["quantity"], 3);
    assert_eq!(cart["items"][0]["unit_price"]["minor"], 3_000, "a client's price is ignored");
    assert_eq!(cart["total"], json!({ "currency": "TZS", "minor": 9_000 }));
    assert_eq!(
        shopper.post("/api/v1/cart/items", json!({ "product_id": cloves, "quantity": 0 })).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        shopper.post("/api/v1/cart/items", json!({ "product_id": 999999, "quantity": 1 })).await.0,
        StatusCode::NOT_FOUND
    );

    let (status, order) = shopper.order(json!({}), "cart-1").await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    assert_eq!(order["total"]["minor"], 9_000);
    let (_, cart) = shopper.get("/api/v1/cart/items").await;
    assert!(cart["items"].as_array().unwrap().is_empty());
    let (status, problem) = shopper.order(json!({}), "cart-2").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
}

/// 64 buyers place 10,048 orders on three hot products of two vendors, with more demand than stock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_buyers_never_oversell_on_postgres() {
    const BUYERS: usize = 64;
    // 64 × 157 = 10,048 checkouts: the issue asks for 10,000 orders under contention.
    const ORDERS_PER_BUYER: usize = 157;
    const INITIAL: i64 = 9_000;
    let Some(origin) = spawn(Backend::Postgres).await else { return };
    let vendor_a = Account::register(&origin, "a@shop.example.com", Some(("Hot Shop A", "NG"))).await;
    let vendor_b = Account::register(&origin, "b@shop.example.com", Some(("Hot Shop B", "NG"))).await;
    let products = Arc::new(vec![
        vendor_a.list_product("Hot phone", 10_000, INITIAL as i32).await,
        vendor_a.list_product("Hot case", 1_000, INITIAL as i32).await,
        vendor_b.list_product("Hot charger", 2_000, INITIAL as i32).await,
    ]);
    let mut buyers = Vec::new();
    for b in 0..BUYERS {
        buyers.push(Account::register(&origin, &format!("buyer{b}@example.com"), None).await);
    }
    let started = std::time::Instant::now();
    let tasks: Vec<_> = buyers
        .into_iter()
        .enumerate()
        .map(|(b, buyer)| {
            let products = products.clone();
            tokio::spawn(async move {
                let mut accepted = Vec::new();
                for n in 0..ORDERS_PER_BUYER {
                    let first = products[(b + n) % 3];
                    let second = products[(b + n + 1) % 3];
                    let body = json!({ "items": [
                        { "product_id": first, "quantity": 1 + (n % 3) },
                        { "product_id": second, "quantity": 1 },
                    ]});
                    let (status, order) = buyer.order(body, &format!("b{b}-o{n}")).await;
                    match status {
                        StatusCode::CREATED => accepted.push(order),
                        StatusCode::CONFLICT => {
                            assert_eq!(order["type"], "/problems/insufficient-stock", "{order}")
                        }
                        other => panic!("unexpected {other}: {order}"),
                    }
                }
                accepted
            })
        })
        .collect();
    let mut accepted = Vec::new();
    for task in tasks {
        accepted.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    let store = &origin.db.store;
    let mut sold_in_responses = 0;
    for order in &accepted {
        let items: Vec<&Value> =
            order["parts"].as_array().unwrap().iter().flat_map(|p| p["items"].as_array().unwrap()).collect();
        assert_eq!(items.len(), 2, "{order}");
        sold_in_responses += items.iter().map(|i| i["quantity"].as_i64().unwrap()).sum::<i64>();
    }
    let mut final_stock = 0;
    for &product in products.iter() {
        let left = stock(store, product).await;
        assert!(left >= 0);
        final_stock += left;
    }
    let sold = scalar(store, "SELECT CAST(COALESCE(sum(quantity), 0) AS BIGINT) FROM order_items").await;
    assert_eq!(sold, 3 * INITIAL - final_stock, "units sold = initial stock - final stock");
    assert_eq!(sold, sold_in_responses);
    assert_eq!(scalar(store, "SELECT count(*) FROM orders").await, accepted.len() as i64);
    assert_eq!(
        scalar(store, "SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id)").await,
        0,
        "every order has its items"
    );
    assert!(accepted.len() < BUYERS * ORDERS_PER_BUYER, "demand exceeded stock, so some were refused");
    eprintln!(
        "{} orders attempted by {BUYERS} buyers, {} accepted, {sold} units sold in {:.1} s",
        BUYERS * ORDERS_PER_BUYER,
        accepted.len(),
        elapsed.as_secs_f64()
    );
}

async fn an_idempotency_key_older_than_a_day_is_claimed_afresh(origin: TestOrigin) {
    let vendor = Account::register(&origin, "shop@example.com", Some(("Accra Beads", "GH"))).await;
    let beads = vendor.list_product("Glass beads", 5_000, 10).await;
    let shopper = Account::register(&origin, "buyer@example.com", None).await;
    let (status, first) = shopper.order(buy(beads, 1), "monthly").await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, _) = shopper.order(buy(beads, 2), "monthly").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a fresh key with another body");
    let backdate = "UPDATE idempotency_keys SET created_at = '2001-01-01T00:00:00.000Z'";
    match &origin.db.store {
        Store::Postgres(pool) => sqlx::query(backdate).execute(pool).await.map(drop),
        Store::Sqlite(pool) => sqlx::query(backdate).execute(pool).await.map(drop),
    }
    .unwrap();
    let (status, second) = shopper.order(buy(beads, 2), "monthly").await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_ne!(first["id"], second["id"]);
    assert_eq!(stock(&origin.db.store, beads).await, 7);
}

async fn an_order_held_for_fraud_review_ships_only_after_an_admin_releases_it(origin: TestOrigin) {
    let store = &origin.db.store;
    let vendor = Account::register(&origin, "shop@example.com", Some(("Kente House", "GH"))).await;
    let cloth = vendor.list_product("Kente cloth", 90_000, 5).await;
    let shopper = Account::register(&origin, "buyer@example.com", None).await;
    let admin = Account::register(&origin, "admin@example.com", None).await;
    execute(store, "UPDATE users SET role = 'admin' WHERE email = 'admin@example.com'").await;
    let admin = Account::sign_in_again(&origin, admin, "admin@example.com").await;

    let (_, order) = shopper.order(buy(cloth, 2), "held").await;
    let id = order["id"].as_i64().unwrap();
    let (_, payment) = shopper.post(&format!("/api/v1/orders/{id}/pay"), json!({})).await;
    let success = json!({ "event": "charge.success", "data": { "reference": payment["reference"], "amount": 2 * 90_000, "currency": "GHS" } });
    assert_eq!(webhook(&origin, &success, TEST_WEBHOOK_SECRET).await, StatusCode::OK);
    // What the fraud consumer writes when it holds an order (its scoring is tested with the
    // consumers in events.rs).
    execute(
        store,
        &format!(
            "INSERT INTO fraud_observations (order_id, shopper_id, client_ip, currency, amount_minor, at, score, reasons, held) \
             VALUES ({id}, 1, NULL, 'NGN', 180000, '2026-11-30T12:00:00Z', 80, 'new account; large order', TRUE)"
        ),
    )
    .await;

    let (status, problem) = vendor.post(&format!("/api/v1/vendor/orders/{id}/ship"), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("held for fraud review"), "{problem}");
    assert_eq!(shopper.get(&format!("/api/v1/orders/{id}")).await.1["state"], "confirmed");

    // Only admins see and release held orders.
    assert_eq!(vendor.get("/api/v1/admin/orders/held").await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        vendor.post(&format!("/api/v1/admin/orders/{id}/release"), json!({})).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, held) = admin.get("/api/v1/admin/orders/held").await;
    assert_eq!(status, StatusCode::OK, "{held}");
    assert_eq!(held["held"][0]["order_id"], id, "{held}");
    assert_eq!(held["held"][0]["reasons"], json!(["new account", "large order"]));
    assert_eq!(admin.post("/api/v1/admin/orders/abc/release", json!({})).await.0, StatusCode::BAD_REQUEST);
    let (status, released) = admin.post(&format!("/api/v1/admin/orders/{id}/release"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{released}");
    let (status, again) = admin.post(&format!("/api/v1/admin/orders/{id}/release"), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "released once: {again}");
    assert_eq!(admin.get("/api/v1/admin/orders/held").await.1["held"], json!([]));
    assert_eq!(event_types(store).await.iter().filter(|t| *t == "order.released_from_review").count(), 1);

    let (status, part) = vendor.post(&format!("/api/v1/vendor/orders/{id}/ship"), json!({})).await;
    assert_eq!((status, part["state"].as_str()), (StatusCode::OK, Some("shipped")), "{part}");
}
