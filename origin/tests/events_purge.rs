//! The edge-purge consumer writes its purges in the event's own transaction. On SQLite (one
//! writer) a purge written through a second connection waited for the consumer's transaction,
//! which waited for the purge: every product event stalled all writes until the busy timeout,
//! checkouts failed with 503, and the event ended as a dead letter.

mod events_support;

use events_support::{Shop, eventually, processed, scalar};
use linkedall_events::consumers;
use linkedall_events::purge::JournalPurges;
use linkedall_events::service::BusChoice;
use linkedall_origin::testing::TestOptions;
use linkedall_store::Backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_product_updates_during_checkout_neither_fail_nor_dead_letter() {
    product_updates_during_checkout_neither_fail_nor_dead_letter(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_product_updates_during_checkout_neither_fail_nor_dead_letter() {
    product_updates_during_checkout_neither_fail_nor_dead_letter(Backend::Postgres).await;
}

const UPDATES: i64 = 20;
const ORDERS: usize = 8;

async fn product_updates_during_checkout_neither_fail_nor_dead_letter(backend: Backend) {
    let events = events_support::quick_plan(BusChoice::InProcess, consumers::all(JournalPurges));
    let Some(shop) = Shop::open(backend, TestOptions { events, ..TestOptions::default() }).await else {
        return;
    };
    let vendor = shop.vendor("busy-vendor@example.com").await;
    let product = shop.list_product(&vendor).await;
    let [a, b, ..] = shop.products[..] else { panic!("seeded products") };

    // A vendor's loop of price changes, while shoppers check out.
    let updates = async {
        for price in 0..UPDATES {
            let (status, body) = shop
                .patch(
                    &format!("/api/v1/vendor/products/{product}"),
                    &vendor,
                    json!({ "price_minor": 1000 + price }),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "a product update is taken: {body}");
        }
    };
    let checkouts = async {
        for _ in 0..ORDERS {
            // `order` fails the test on anything but 201 (a 503 from a stalled write).
            shop.order(&[(a, 1), (b, 1)]).await;
        }
    };
    tokio::join!(updates, checkouts);

    let store = shop.store().clone();
    let product_events = scalar(&store, "SELECT count(*) FROM outbox WHERE type LIKE 'product.%'").await;
    assert!(product_events > UPDATES, "every update wrote an event");
    eventually("the edge purge consumer applied every product event", || async {
        processed(&store, "edge-purge").await == product_events
    })
    .await;
    assert_eq!(scalar(&store, "SELECT count(*) FROM dead_letters").await, 0, "no event was dead-lettered");
    let purged = scalar(
        &store,
        &format!("SELECT count(*) FROM cache_purges WHERE kind = 'tag' AND value = 'product:{product}'"),
    )
    .await;
    assert!(purged > UPDATES, "the consumer's purges are in the journal ({purged})");
}

trait VendorSide {
    async fn vendor(&self, email: &str) -> String;
    async fn list_product(&self, vendor: &str) -> i64;
    async fn patch(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value);
}

impl VendorSide for Shop {
    /// A new vendor's bearer token.
    async fn vendor(&self, email: &str) -> String {
        let body = json!({
            "email": email, "password": "correct horse battery", "role": "vendor",
            "shop": { "name": "Busy Shop", "city": "Lagos", "country": "NG" },
        });
        self.origin.register(body).await["token"].as_str().unwrap().to_owned()
    }

    async fn list_product(&self, vendor: &str) -> i64 {
        let body = json!({ "category_id": 1, "name": "Kettle", "description": "test", "price_minor": 1000, "stock": 50 });
        let response = self
            .http
            .post(format!("{}/api/v1/vendor/products", self.origin.url()))
            .bearer_auth(vendor)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json::<Value>().await.unwrap()["product"]["id"].as_i64().unwrap()
    }

    async fn patch(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        let response = self
            .http
            .patch(format!("{}{path}", self.origin.url()))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        (response.status(), response.json().await.unwrap_or(Value::Null))
    }
}
