//! A small market for the money tests: three vendors in Nigeria with one product each, a
//! shopper, an admin, and a sandbox provider whose refunds can be told to fail.

#![allow(dead_code)]

use std::sync::Arc;

use linkedall_origin::testing::{ScriptedRefunds, TestDatabase, TestOptions, TestOrigin};
use linkedall_store::{Backend, Store};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Each vendor's product price, in kobo.
pub const PRICES: [i64; 3] = [45_000, 30_000, 12_500];
/// Each product's stock when listed.
pub const STOCK: i64 = 10;

pub struct Market {
    pub origin: TestOrigin,
    pub provider: Arc<ScriptedRefunds>,
    pub shopper: String,
    pub admin: String,
    /// (vendor's token, their product's id)
    pub vendors: Vec<(String, i64)>,
}

pub async fn market(backend: Backend) -> Option<Market> {
    let db = TestDatabase::new(backend).await?.seeded(5).await;
    let provider = ScriptedRefunds::new();
    let options = TestOptions { payments: Some(provider.clone()), ..TestOptions::default() };
    let origin = TestOrigin::spawn_with(db, options).await;
    let mut vendors = Vec::new();
    for (n, price) in PRICES.iter().enumerate() {
        let session = origin
            .register(json!({ "email": format!("vendor{n}@example.com"), "password": "correct horse battery",
                "role": "vendor", "shop": { "name": format!("Shop {n}"), "city": "Lagos", "country": "NG" } }))
            .await;
        let token = session["token"].as_str().unwrap().to_owned();
        let body = json!({ "category_id": 1, "name": format!("Product {n}"), "description": "test",
            "price_minor": price, "stock": STOCK });
        let (status, product) =
            origin.call(&token, Method::POST, "/api/v1/vendor/products", Some(body), None).await;
        assert_eq!(status, StatusCode::CREATED, "{product}");
        vendors.push((token, product["product"]["id"].as_i64().unwrap()));
    }
    let credentials = |email: &str| json!({ "email": email, "password": "correct horse battery" });
    let shopper =
        origin.register(credentials("shopper@example.com")).await["token"].as_str().unwrap().to_owned();
    origin.register(credentials("admin@example.com")).await;
    execute(&origin.db.store, "UPDATE users SET role = 'admin' WHERE email = 'admin@example.com'").await;
    let (status, session) = origin
        .call("", Method::POST, "/api/v1/auth/login", Some(credentials("admin@example.com")), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{session}");
    let admin = session["token"].as_str().unwrap().to_owned();
    Some(Market { origin, provider, shopper, admin, vendors })
}

impl Market {
    pub fn store(&self) -> &Store {
        &self.origin.db.store
    }

    /// Places an order of `quantities[v]` of vendor `v`'s product (0 leaves it out): its id
    /// and total.
    pub async fn place(&self, quantities: &[u32], key: &str) -> (i64, i64) {
        let items: Vec<Value> = quantities
            .iter()
            .zip(&self.vendors)
            .filter(|(q, _)| **q > 0)
            .map(|(q, (_, product))| json!({ "product_id": product, "quantity": q }))
            .collect();
        let (status, order) = self
            .origin
            .call(&self.shopper, Method::POST, "/api/v1/orders", Some(json!({ "items": items })), Some(key))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{order}");
        (order["id"].as_i64().unwrap(), order["total"]["minor"].as_i64().unwrap())
    }

    /// `POST /orders/{id}/pay` by the shopper: the status and the payment session.
    pub async fn pay(&self, id: i64) -> (StatusCode, Value) {
        self.origin.call(&self.shopper, Method::POST, &format!("/api/v1/orders/{id}/pay"), None, None).await
    }

    /// The shopper approves the sandbox charge `reference`.
    pub async fn approve(&self, reference: &str) -> (StatusCode, Value) {
        let path = format!("/api/v1/payments/sandbox/{reference}");
        self.origin.call(&self.shopper, Method::POST, &path, None, None).await
    }

    /// Starts a charge for order `id` and approves it; the charge's reference.
    pub async fn pay_and_approve(&self, id: i64) -> String {
        let (status, payment) = self.pay(id).await;
        assert!(status.is_success(), "{payment}");
        let reference = payment["reference"].as_str().unwrap().to_owned();
        let (status, order) = self.approve(&reference).await;
        assert_eq!(status, StatusCode::OK, "{order}");
        reference
    }

    pub async fn cancel(&self, id: i64) -> (StatusCode, Value) {
        self.origin
            .call(&self.shopper, Method::POST, &format!("/api/v1/orders/{id}/cancel"), None, None)
            .await
    }

    /// Vendor `v` ships (or delivers: `step` = "deliver") their part of order `id`.
    pub async fn vendor_moves(&self, v: usize, id: i64, step: &str) -> (StatusCode, Value) {
        let path = format!("/api/v1/vendor/orders/{id}/{step}");
        self.origin.call(&self.vendors[v].0, Method::POST, &path, None, None).await
    }

    pub async fn order(&self, id: i64) -> Value {
        self.origin.call(&self.shopper, Method::GET, &format!("/api/v1/orders/{id}"), None, None).await.1
    }

    /// Vendor `v`'s product's stock.
    pub async fn stock(&self, v: usize) -> i64 {
        let product = self.vendors[v].1;
        scalar(self.store(), &format!("SELECT CAST(stock AS BIGINT) FROM products WHERE id = {product}"))
            .await
    }

    /// Refunds the provider accepted, as (reference, minor units).
    pub fn refunds(&self) -> Vec<(String, i64)> {
        self.provider.refunds().into_iter().map(|(r, m)| (r, m.minor)).collect()
    }
}

pub async fn scalar(store: &Store, sql: &str) -> i64 {
    match store {
        Store::Postgres(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await,
        Store::Sqlite(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

pub async fn execute(store: &Store, sql: &str) {
    match store {
        Store::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(drop),
        Store::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(drop),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}
