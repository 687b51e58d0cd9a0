//! An HTTP client for tests, signed in as one account of a [`TestOrigin`] (or as the
//! operators' token, or as nobody): every request answers its status and JSON body, so a test
//! reads as the requests a user makes and what they see.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::testing::TestOrigin;
use linkedall_store::Store;

/// Requests to one origin with one bearer token (or none).
#[derive(Clone)]
pub struct TestClient {
    http: reqwest::Client,
    base: String,
    /// The bearer token sent, if any.
    pub token: Option<String>,
    /// The account's id, when it is one.
    pub user_id: Option<i64>,
    /// The account's shop, when it is a vendor's.
    pub vendor_id: Option<i64>,
}

impl TestClient {
    /// A client sending `token` (none: anonymous).
    pub fn with_token(origin: &TestOrigin, token: Option<&str>) -> TestClient {
        TestClient {
            http: reqwest::Client::new(),
            base: origin.url(),
            token: token.map(str::to_owned),
            user_id: None,
            vendor_id: None,
        }
    }

    /// Registers a shopper with `email`, signed in.
    pub async fn shopper(origin: &TestOrigin, email: &str) -> TestClient {
        Self::registered(origin, json!({ "email": email, "password": "correct horse battery" })).await
    }

    /// Registers a vendor with `email` whose shop is in `country` (`NG`, `KE` …) and delivers
    /// across Africa (so any test's shopper can order from it), signed in.
    pub async fn vendor(origin: &TestOrigin, email: &str, country: &str) -> TestClient {
        Self::vendor_shipping_to(origin, email, country, "africa").await
    }

    /// Registers a vendor whose shop in `country` delivers to `zone` (`country`, `region`,
    /// `africa`), signed in.
    pub async fn vendor_shipping_to(
        origin: &TestOrigin,
        email: &str,
        country: &str,
        zone: &str,
    ) -> TestClient {
        let shop = json!({ "name": format!("Shop of {email}"), "city": "Lagos", "country": country, "ships_to": zone });
        let body =
            json!({ "email": email, "password": "correct horse battery", "role": "vendor", "shop": shop });
        Self::registered(origin, body).await
    }

    /// Registers an account with `email`, makes it an admin in the database (there is no
    /// route for that), and signs it in again.
    pub async fn admin(origin: &TestOrigin, email: &str) -> TestClient {
        let password = "correct horse battery";
        let registered = Self::registered(origin, json!({ "email": email, "password": password })).await;
        let sql = "UPDATE users SET role = 'admin' WHERE email = $1";
        match &origin.db.store {
            Store::Postgres(pool) => sqlx::query(sql).bind(email).execute(pool).await.map(|_| ()),
            Store::Sqlite(pool) => sqlx::query(sql).bind(email).execute(pool).await.map(|_| ()),
        }
        .expect("the account becomes an admin");
        let (status, session) = Self::with_token(origin, None)
            .post("/api/v1/auth/login", json!({ "email": email, "password": password }))
            .await;
        assert_eq!(status, StatusCode::OK, "signing the admin in: {session}");
        TestClient { token: session["token"].as_str().map(str::to_owned), ..registered }
    }

    async fn registered(origin: &TestOrigin, body: Value) -> TestClient {
        let session = origin.register(body).await;
        TestClient {
            user_id: session["user_id"].as_i64(),
            vendor_id: session["vendor_id"].as_i64(),
            ..Self::with_token(origin, session["token"].as_str())
        }
    }

    /// Sends `method path` with an optional JSON body (and an `Idempotency-Key` for POSTs to
    /// `/api/v1/orders`); the status and the body (JSON, or the text as a JSON string).
    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self.http.request(method.clone(), format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if method == Method::POST && path == "/api/v1/orders" {
            request = request.header("idempotency-key", uuid::Uuid::new_v4().to_string());
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the origin answers");
        let status = response.status();
        let text = response.text().await.expect("a body");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::POST, path, Some(body)).await
    }

    /// Lists a product in the vendor's shop (category 1), which must succeed; its id.
    pub async fn list_product(&self, name: &str, price_minor: i64, stock: i32) -> i64 {
        let body = json!({ "category_id": 1, "name": name, "price_minor": price_minor, "stock": stock });
        let (status, product) = self.post("/api/v1/vendor/products", body).await;
        assert_eq!(status, StatusCode::CREATED, "listing {name}: {product}");
        product["product"]["id"].as_i64().expect("a product id")
    }

    /// Places an order for `lines` (product id, quantity), which must succeed; the order.
    pub async fn place_order(&self, lines: &[(i64, u32)]) -> Value {
        let items: Vec<Value> = lines
            .iter()
            .map(|(product, quantity)| json!({ "product_id": product, "quantity": quantity }))
            .collect();
        let (status, order) = self.post("/api/v1/orders", json!({ "items": items })).await;
        assert_eq!(status, StatusCode::CREATED, "placing an order: {order}");
        order
    }
}
