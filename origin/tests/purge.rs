//! The purge journal over HTTP: `POST /admin/purge` (admins only), and the purges catalog
//! changes record by themselves, read back as edges read them (`GET /api/v1/cache/purges`).

use linkedall_origin::testing::{TEST_ADMIN_TOKEN, TestDatabase, TestOrigin};
use linkedall_store::Backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn spawn(backend: Backend) -> Option<TestOrigin> {
    let db = TestDatabase::new(backend).await?.seeded(20).await;
    Some(TestOrigin::spawn(db).await)
}

linkedall_origin::on_both_backends!(
    purging_needs_an_admin,
    an_admin_purge_reaches_the_journal_in_order,
    bad_purges_are_refused_whole,
    catalog_changes_purge_the_pages_that_showed_them,
    an_admin_purge_of_a_product_drops_the_origins_cached_answer_too,
);

async fn purge(origin: &TestOrigin, token: Option<&str>, body: Value) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new().post(format!("{}/admin/purge", origin.url())).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn register(origin: &TestOrigin, email: &str, vendor: bool) -> String {
    let mut body = json!({ "email": email, "password": "correct horse battery" });
    if vendor {
        body["role"] = json!("vendor");
        body["shop"] = json!({ "name": "Ada's Fabrics", "city": "Lagos", "country": "NG" });
    }
    origin.register(body).await["token"].as_str().unwrap().to_owned()
}

async fn purging_needs_an_admin(origin: TestOrigin) {
    let body = json!({ "tags": ["home"] });
    let (status, problem) = purge(&origin, None, body.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
    assert_eq!(problem["status"], 401);
    let (status, _) = purge(&origin, Some("not-the-token"), body.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let shopper = register(&origin, "shopper@example.com", false).await;
    let (status, problem) = purge(&origin, Some(&shopper), body.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(origin.purge_journal(0).await, (0, vec![]), "refused purges leave nothing behind");
    let (status, accepted) = purge(&origin, Some(TEST_ADMIN_TOKEN), body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{accepted}");
}

async fn an_admin_purge_reaches_the_journal_in_order(origin: TestOrigin) {
    let (status, first) = purge(
        &origin,
        Some(TEST_ADMIN_TOKEN),
        json!({ "tags": ["product:7", "home", "home"], "urls": ["https://shop.example/c/fashion?cursor=3"], "prefixes": ["/v/"] }),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(first["selectors"], 4, "duplicates are merged: {first}");
    let (_, second) = purge(&origin, Some(TEST_ADMIN_TOKEN), json!({ "everything": true })).await;
    let (latest, entries) = origin.purge_journal(0).await;
    assert_eq!(latest, second["seq"].as_u64().unwrap());
    assert_eq!(entries.len(), 5);
    assert!(entries[..4].contains(&"Url:/c/fashion?cursor=3".to_owned()), "{entries:?}");
    assert!(entries[..4].contains(&"Tag:product:7".to_owned()), "{entries:?}");
    assert!(entries[..4].contains(&"Prefix:/v/".to_owned()), "{entries:?}");
    assert_eq!(entries[4], "Everything");
    let (_, after_first) = origin.purge_journal(first["seq"].as_u64().unwrap()).await;
    assert_eq!(after_first, vec!["Everything".to_owned()]);
    let (_, none) = origin.purge_journal(latest).await;
    assert!(none.is_empty());
}

async fn bad_purges_are_refused_whole(origin: TestOrigin) {
    let admin = Some(TEST_ADMIN_TOKEN);
    for (body, needle) in [
        (json!({}), "nothing to purge"),
        (json!({ "tags": ["home", "Not A Tag"] }), "not a tag"),
        (json!({ "urls": ["c/fashion"] }), "not a page address"),
        (json!({ "tags": (0..101).map(|i| format!("product:{i}")).collect::<Vec<_>>() }), "at most 100"),
        (json!({ "tagz": ["home"] }), "unknown field"),
    ] {
        let (status, problem) = purge(&origin, admin, body.clone()).await;
        assert!(status.is_client_error(), "{body}: {status}");
        let detail = problem["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(needle), "{body}: {detail}");
    }
    assert_eq!(origin.purge_journal(0).await, (0, vec![]));
    let problem: Value = reqwest::get(format!("{}/api/v1/cache/purges?after=-1", origin.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(problem["status"], 400);
}

async fn catalog_changes_purge_the_pages_that_showed_them(origin: TestOrigin) {
    let http = reqwest::Client::new();
    let vendor = register(&origin, "ada@example.com", true).await;
    let created: Value = http
        .post(format!("{}/api/v1/vendor/products", origin.url()))
        .bearer_auth(&vendor)
        .json(&json!({ "category_id": 2, "name": "Adire scarf", "price_minor": 250000, "stock": 7 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["product"]["id"].as_i64().unwrap();
    let vendor_id = created["vendor"]["id"].as_i64().unwrap();
    let (seq, listed) = origin.purge_journal(0).await;
    assert_eq!(
        listed,
        vec!["Tag:category:2".to_owned(), format!("Tag:vendor:{vendor_id}"), "Tag:search".to_owned()]
    );

    let patch = |body: Value| {
        http.patch(format!("{}/api/v1/vendor/products/{id}", origin.url()))
            .bearer_auth(&vendor)
            .json(&body)
            .send()
    };
    assert!(patch(json!({ "price_minor": 199000 })).await.unwrap().status().is_success());
    let (seq, repriced) = origin.purge_journal(seq).await;
    assert_eq!(repriced, vec![format!("Tag:product:{id}")]);
    // The product's document says which purges it reflects, so an edge stamps its page with
    // that rather than with its own (possibly older) copy of the journal.
    let document = http.get(format!("{}/api/v1/products/{id}", origin.url())).send().await.unwrap();
    assert_eq!(document.headers()["x-linkedall-purge-seq"].to_str().unwrap(), seq.to_string());

    // Seven in stock shows "In stock"; buying one leaves six: the page does not change.
    let shopper = register(&origin, "kofi@example.com", false).await;
    let buy = |n: u32, key: &'static str| {
        http.post(format!("{}/api/v1/orders", origin.url()))
            .bearer_auth(&shopper)
            .header("idempotency-key", key)
            .json(&json!({ "items": [{ "product_id": id, "quantity": n }] }))
            .send()
    };
    assert_eq!(buy(1, "order-1").await.unwrap().status(), StatusCode::CREATED);
    let (seq, unchanged) = origin.purge_journal(seq).await;
    assert!(unchanged.is_empty(), "{unchanged:?}");
    // Six → five shows "Only 5 left": purged.
    assert_eq!(buy(1, "order-2").await.unwrap().status(), StatusCode::CREATED);
    let (_, relabelled) = origin.purge_journal(seq).await;
    assert_eq!(relabelled, vec![format!("Tag:product:{id}")]);
}

/// Edges fetch a purged page again; the origin must then answer from the database, not with the
/// copy it cached before (here the product was renamed behind every cache's back).
async fn an_admin_purge_of_a_product_drops_the_origins_cached_answer_too(origin: TestOrigin) {
    let name = |body: Value| body["product"]["name"].as_str().unwrap_or_default().to_owned();
    let read = || async {
        reqwest::get(format!("{}/api/v1/products/1", origin.url()))
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    };
    let before = name(read().await);
    linkedall_origin::testing::execute(
        &origin.db.store,
        "UPDATE products SET name = 'Renamed behind the cache' WHERE id = 1",
    )
    .await;
    assert_eq!(name(read().await), before, "the origin's cached answer");
    let (status, _) = purge(&origin, Some(TEST_ADMIN_TOKEN), json!({ "tags": ["product:1"] })).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(name(read().await), "Renamed behind the cache");
}
