//! Reviews over HTTP on both backends: only the shopper a product was delivered to reviews it,
//! once; the product's rating (count and sum on its row) is right on its page and its cards;
//! only the product's vendor answers, and may change the answer; every write emits its event
//! and purges the product's pages.

use linkedall_origin::test_client::TestClient;
use linkedall_origin::testing::{TestDatabase, TestOrigin, number};
use linkedall_store::{Backend, Store};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn spawn(backend: Backend) -> Option<TestOrigin> {
    let db = TestDatabase::new(backend).await?.seeded(5).await;
    Some(TestOrigin::spawn(db).await)
}

linkedall_origin::on_both_backends!(
    only_a_shopper_the_product_was_delivered_to_reviews_it_and_only_once,
    the_rating_on_the_product_and_its_cards_follows_every_review,
    only_the_products_vendor_answers_and_may_change_the_answer,
);

/// Places an order of one `product` for `shopper`, paid on delivery, and has `vendor` ship it
/// and (when `deliver`) deliver it. Returns the order's id.
async fn order(shopper: &TestClient, vendor: &TestClient, product: i64, deliver: bool) -> i64 {
    let id = shopper.place_order(&[(product, 1)]).await["id"].as_i64().unwrap();
    let (status, body) = shopper.post(&format!("/api/v1/orders/{id}/pay-on-delivery"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = vendor.post(&format!("/api/v1/vendor/orders/{id}/ship"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    if deliver {
        let (status, body) = vendor.post(&format!("/api/v1/vendor/orders/{id}/deliver"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    id
}

async fn review(shopper: &TestClient, product: i64, stars: i64, text: &str) -> (StatusCode, Value) {
    shopper
        .post(&format!("/api/v1/products/{product}/reviews"), json!({ "stars": stars, "text": text }))
        .await
}

/// The payloads of the outbox's events of `kind`, oldest first.
async fn events(store: &Store, kind: &str) -> Vec<Value> {
    let sql = "SELECT CAST(payload AS TEXT) FROM outbox WHERE type = $1 ORDER BY seq";
    let texts: Vec<String> = match store {
        Store::Postgres(pool) => sqlx::query_scalar(sql).bind(kind).fetch_all(pool).await,
        Store::Sqlite(pool) => sqlx::query_scalar(sql).bind(kind).fetch_all(pool).await,
    }
    .unwrap();
    texts.iter().map(|t| serde_json::from_str(t).unwrap()).collect()
}

async fn only_a_shopper_the_product_was_delivered_to_reviews_it_and_only_once(origin: TestOrigin) {
    let store = &origin.db.store;
    let vendor = TestClient::vendor(&origin, "shea@example.com", "NG").await;
    let shea = vendor.list_product("Shea butter 250 g", 250_000, 10).await;
    let amaka = TestClient::shopper(&origin, "amaka.obi@example.com").await;
    let stranger = TestClient::shopper(&origin, "eve@example.com").await;

    // Shipped is not delivered.
    let order_id = order(&amaka, &vendor, shea, false).await;
    let (status, problem) = review(&amaka, shea, 5, "Smooth").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(problem["type"], "/problems/not-delivered-to-you");
    vendor.post(&format!("/api/v1/vendor/orders/{order_id}/deliver"), json!({})).await;

    // Someone it was not delivered to, a bad rating, a text too long, no such product.
    let (status, problem) = review(&stranger, shea, 5, "").await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (StatusCode::FORBIDDEN, Some("/problems/not-delivered-to-you"))
    );
    for stars in [0, 6, -1] {
        let (status, problem) = review(&amaka, shea, stars, "").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{stars} stars: {problem}");
        assert_eq!(problem["type"], "/problems/invalid-review");
    }
    let (status, _) = review(&amaka, shea, 4, &"é".repeat(2_001)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(review(&amaka, 999_999, 4, "").await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        TestClient::with_token(&origin, None)
            .post(&format!("/api/v1/products/{shea}/reviews"), json!({"stars": 4}))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert!(events(store, "review.posted").await.is_empty(), "nothing refused was announced");

    // Delivered: reviewed once, signed with a first name, never the email.
    let (seq, _) = origin.purge_journal(0).await;
    let (status, written) = review(&amaka, shea, 4, "  Smooth and fresh  ").await;
    assert_eq!(status, StatusCode::CREATED, "{written}");
    assert_eq!((written["stars"].as_u64(), written["text"].as_str()), (Some(4), Some("Smooth and fresh")));
    assert_eq!(written["author"], "Amaka");
    assert!(!written.to_string().contains("example.com"));
    let (status, problem) = review(&amaka, shea, 1, "Changed my mind").await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (StatusCode::CONFLICT, Some("/problems/already-reviewed"))
    );
    // A second delivered order of the same product gives no second review.
    order(&amaka, &vendor, shea, true).await;
    assert_eq!(review(&amaka, shea, 1, "").await.0, StatusCode::CONFLICT);
    assert_eq!(number(store, "SELECT count(*) FROM reviews").await, 1);

    // Announced once, with the order it came from, and the product's pages purged.
    let posted = events(store, "review.posted").await;
    assert_eq!(posted.len(), 1, "{posted:?}");
    assert_eq!(
        (posted[0]["product_id"].as_i64(), posted[0]["order_id"].as_i64()),
        (Some(shea), Some(order_id))
    );
    assert_eq!((posted[0]["stars"].as_u64(), posted[0]["rating_count"].as_u64()), (Some(4), Some(1)));
    assert_eq!(posted[0]["vendor_id"].as_i64(), vendor.vendor_id);
    let (_, purged) = origin.purge_journal(seq).await;
    assert!(purged.contains(&format!("Tag:product:{shea}")), "{purged:?}");

    // The order page's read: the shopper's own reviews of that order's products.
    let (status, mine) = amaka.get(&format!("/api/v1/orders/{order_id}/reviews")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine.as_array().map(Vec::len), Some(1), "{mine}");
    let (_, theirs) = stranger.get(&format!("/api/v1/orders/{order_id}/reviews")).await;
    assert_eq!(theirs, json!([]), "nobody else's");
}

async fn the_rating_on_the_product_and_its_cards_follows_every_review(origin: TestOrigin) {
    let store = &origin.db.store;
    let vendor = TestClient::vendor(&origin, "shea@example.com", "NG").await;
    let shea = vendor.list_product("Shea butter 250 g", 250_000, 10).await;
    let (_, detail) = vendor.get(&format!("/api/v1/products/{shea}")).await;
    assert_eq!(detail["product"]["rating"], json!({ "count": 0, "sum": 0 }));
    assert_eq!(detail["reviews"], json!([]));

    for (n, stars) in [5, 4, 4].into_iter().enumerate() {
        let shopper = TestClient::shopper(&origin, &format!("buyer{n}@example.com")).await;
        order(&shopper, &vendor, shea, true).await;
        assert_eq!(review(&shopper, shea, stars, &format!("review {n}")).await.0, StatusCode::CREATED);
    }
    let (_, detail) = vendor.get(&format!("/api/v1/products/{shea}")).await;
    assert_eq!(detail["product"]["rating"], json!({ "count": 3, "sum": 13 }));
    let texts: Vec<&str> =
        detail["reviews"].as_array().unwrap().iter().map(|r| r["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["review 2", "review 1", "review 0"], "newest first");
    let (_, storefront) = vendor.get("/api/v1/vendor/products").await;
    let card = storefront["products"].as_array().unwrap().iter().find(|c| c["id"] == shea).unwrap().clone();
    assert_eq!(card["rating"], json!({ "count": 3, "sum": 13 }), "cards carry it too");
    let rows = format!("SELECT rating_count * 100 + rating_sum FROM products WHERE id = {shea}");
    assert_eq!(number(store, &rows).await, 313, "count and sum kept on the row");

    // Paged, newest first.
    let (status, first) = vendor.get(&format!("/api/v1/products/{shea}/reviews?limit=2")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let before = first["next_before"].as_i64().expect("another page");
    let (_, second) = vendor.get(&format!("/api/v1/products/{shea}/reviews?limit=2&before={before}")).await;
    assert_eq!(second["items"][0]["text"], "review 0");
    assert!(second["next_before"].is_null());
    assert_eq!(
        vendor.get(&format!("/api/v1/products/{shea}/reviews?limit=0")).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(events(store, "review.posted").await.last().unwrap()["rating_sum"], 13);
}

async fn only_the_products_vendor_answers_and_may_change_the_answer(origin: TestOrigin) {
    let store = &origin.db.store;
    let vendor = TestClient::vendor(&origin, "shea@example.com", "NG").await;
    let other = TestClient::vendor(&origin, "kikoi@example.com", "KE").await;
    let shea = vendor.list_product("Shea butter 250 g", 250_000, 10).await;
    let amaka = TestClient::shopper(&origin, "amaka@example.com").await;
    order(&amaka, &vendor, shea, true).await;
    let (_, written) = review(&amaka, shea, 3, "Good, but the lid leaked").await;
    let id = written["id"].as_i64().unwrap();
    let answer = |client: &TestClient, text: &str| {
        let (client, path, body) =
            (client.clone(), format!("/api/v1/vendor/reviews/{id}/answer"), json!({ "text": text }));
        async move { client.send(Method::PUT, &path, Some(body)).await }
    };

    assert_eq!(answer(&other, "Not mine").await.0, StatusCode::FORBIDDEN, "another vendor");
    assert_eq!(answer(&amaka, "Me").await.0, StatusCode::FORBIDDEN, "a shopper");
    assert_eq!(answer(&vendor, "   ").await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let missing =
        vendor.send(Method::PUT, "/api/v1/vendor/reviews/999999/answer", Some(json!({"text": "x"}))).await;
    assert_eq!(missing.0, StatusCode::NOT_FOUND);
    assert!(events(store, "review.answered").await.is_empty());

    let (status, answered) = answer(&vendor, "Sorry! A new lid is on its way.").await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    assert_eq!(answered["answer"]["text"], "Sorry! A new lid is on its way.");
    let (status, edited) = answer(&vendor, "Sorry! A new lid went out today.").await;
    assert_eq!(
        (status, edited["answer"]["text"].as_str()),
        (StatusCode::OK, Some("Sorry! A new lid went out today."))
    );
    let flags: Vec<bool> =
        events(store, "review.answered").await.iter().map(|e| e["edited"].as_bool().unwrap()).collect();
    assert_eq!(flags, [false, true]);

    // The product page and the vendor's list show the answer; the other vendor's list is empty.
    let (_, detail) = amaka.get(&format!("/api/v1/products/{shea}")).await;
    assert_eq!(detail["reviews"][0]["answer"]["text"], "Sorry! A new lid went out today.");
    let (status, mine) = vendor.get("/api/v1/vendor/reviews").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine["items"][0]["product_name"], "Shea butter 250 g");
    let (_, theirs) = other.get("/api/v1/vendor/reviews").await;
    assert_eq!(theirs["items"], json!([]));
    assert_eq!(amaka.get("/api/v1/vendor/reviews").await.0, StatusCode::FORBIDDEN);
}
