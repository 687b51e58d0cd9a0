//! A product's photos over HTTP against a real origin, on both backends: photos are added in
//! order up to eight (the first the main one, which cards show), replaced in place, removed,
//! made the main one; every change purges the product and announces `product.updated` in the
//! same transaction; a photo's objects go when it does; bad ids and a ninth photo are 4xx
//! problems that leave nothing behind.

use std::time::{Duration, Instant};

use linkedall_events_schema::{catalogue::validate, payloads::PhotoChange, payloads::ProductUpdated};
use linkedall_images::fixtures::jpeg;
use linkedall_origin::testing::{TestDatabase, TestOrigin, execute, number};
use linkedall_store::{Backend, Store};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn spawn(backend: Backend) -> Option<TestOrigin> {
    let db = TestDatabase::new(backend).await?.seeded(5).await;
    Some(TestOrigin::spawn(db).await)
}

macro_rules! on_both_backends {
    ($($check:ident),* $(,)?) => {
        mod sqlite { $(#[tokio::test] async fn $check() {
            if let Some(origin) = super::spawn(super::Backend::Sqlite).await { super::$check(origin).await }
        })* }
        mod postgres { $(#[tokio::test] async fn $check() {
            if let Some(origin) = super::spawn(super::Backend::Postgres).await { super::$check(origin).await }
        })* }
    };
}

on_both_backends!(
    photos_are_added_in_order_up_to_eight_and_the_first_is_the_main_one,
    making_main_and_removing_reorder_purge_announce_and_delete_the_files,
    a_replaced_photo_keeps_its_place_and_its_files_go,
    bad_ids_and_other_vendors_are_refused_with_problems,
    a_photo_from_before_the_gallery_becomes_its_main_one,
);

async fn register_vendor(origin: &TestOrigin, email: &str) -> String {
    let body = json!({
        "email": email, "password": "correct horse battery", "role": "vendor",
        "shop": { "name": "Ada's Fabrics", "city": "Lagos", "country": "NG" },
    });
    origin.register(body).await["token"].as_str().unwrap().to_owned()
}

async fn create_product(origin: &TestOrigin, token: &str) -> i64 {
    let (status, created) = origin
        .call(
            token,
            Method::POST,
            "/api/v1/vendor/products",
            Some(json!({ "category_id": 2, "name": "Adire scarf", "price_minor": 250000, "stock": 7 })),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["product"]["id"].as_i64().unwrap()
}

/// Sends `bytes` as the file field `photo` with `method` to `path`; (status, JSON body). A
/// refusal must be a problem document.
async fn send_photo(
    origin: &TestOrigin,
    token: &str,
    method: Method,
    path: &str,
    bytes: &[u8],
) -> (StatusCode, Value) {
    origin.send_file(Some(token), method, path, ("photo", "photo.jpg", "image/jpeg"), bytes).await
}

/// Adds a distinct photo (its width makes its hash) and returns its hash.
async fn add(origin: &TestOrigin, token: &str, product: i64, width: u32) -> String {
    let path = format!("/api/v1/vendor/products/{product}/photos");
    let (status, answer) = send_photo(origin, token, Method::POST, &path, &jpeg(width, 60)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let hash = answer["photo"]["hash"].as_str().unwrap().to_owned();
    assert_eq!(answer["photos"].as_array().unwrap().last().unwrap()["hash"], hash.as_str(), "appended");
    hash
}

/// The hashes of the product's photos, as its page's JSON lists them, and its main photo's.
async fn shown(origin: &TestOrigin, product: i64) -> (Vec<String>, Option<String>) {
    let detail: Value = reqwest::get(format!("{}/api/v1/products/{product}", origin.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let photos =
        detail["photos"].as_array().unwrap().iter().map(|p| p["hash"].as_str().unwrap().to_owned()).collect();
    (photos, detail["product"]["photo"]["hash"].as_str().map(str::to_owned))
}

/// The main photo a listing's card shows.
async fn card_photo(origin: &TestOrigin, product: i64) -> Option<String> {
    let listing: Value = reqwest::get(format!("{}/api/v1/products?limit=100", origin.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let card = listing["items"].as_array().unwrap().iter().find(|c| c["id"] == product).cloned().unwrap();
    card["photo"]["hash"].as_str().map(str::to_owned)
}

/// The photo changes announced for the product, each checked against version 1 of the schema.
async fn photo_changes(origin: &TestOrigin, product: i64) -> Vec<PhotoChange> {
    let events = origin.db.store.unpublished_events(10_000).await.unwrap();
    events
        .into_iter()
        .filter(|e| e.kind == "product.updated" && e.subject == format!("product/{product}"))
        .map(|e| {
            validate("product.updated", 1, &e.payload).unwrap();
            serde_json::from_value::<ProductUpdated>(e.payload).unwrap()
        })
        .filter_map(|e| e.photo_change)
        .collect()
}

/// Waits until no stored object belongs to `hash` (its files are deleted after the commit).
async fn wait_until_gone(origin: &TestOrigin, hash: &str) -> Vec<String> {
    let started = Instant::now();
    loop {
        let objects = origin.media_objects();
        if !objects.iter().any(|o| o.contains(hash)) || started.elapsed() > Duration::from_secs(30) {
            return objects;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What the release before the gallery reads: `product_photos`' row for the product.
async fn legacy_main(origin: &TestOrigin, product: i64, hash: &str) -> i64 {
    number(
        &origin.db.store,
        &format!("SELECT count(*) FROM product_photos WHERE product_id = {product} AND hash = '{hash}'"),
    )
    .await
}

async fn photos_are_added_in_order_up_to_eight_and_the_first_is_the_main_one(origin: TestOrigin) {
    let vendor = register_vendor(&origin, "ada@example.com").await;
    let product = create_product(&origin, &vendor).await;
    let mut added = Vec::new();
    for n in 0..8 {
        added.push(add(&origin, &vendor, product, 80 + n * 8).await);
    }
    let (photos, main) = shown(&origin, product).await;
    assert_eq!(photos, added, "in the order they were added");
    assert_eq!(main.as_deref(), Some(added[0].as_str()), "the first is the main one");
    assert_eq!(
        card_photo(&origin, product).await.as_deref(),
        Some(added[0].as_str()),
        "cards show the main one"
    );
    assert_eq!(
        legacy_main(&origin, product, &added[0]).await,
        1,
        "the previous release still sees the main one"
    );

    // A ninth: 409, and its original is not left behind.
    let path = format!("/api/v1/vendor/products/{product}/photos");
    let (status, problem) = send_photo(&origin, &vendor, Method::POST, &path, &jpeg(300, 60)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(problem["type"], "/problems/too-many-photos", "{problem}");
    assert_eq!(shown(&origin, product).await.0.len(), 8);
    let stems: Vec<String> =
        origin.media_objects().into_iter().filter(|o| o.matches('/').count() == 2).collect();
    assert_eq!(stems.len(), 8, "eight originals, the ninth deleted again: {stems:?}");

    // The same photo twice is one photo: 409 on a product with room.
    let other = create_product(&origin, &vendor).await;
    add(&origin, &vendor, other, 96).await;
    let path = format!("/api/v1/vendor/products/{other}/photos");
    let (status, problem) = send_photo(&origin, &vendor, Method::POST, &path, &jpeg(96, 60)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(problem["type"], "/problems/photo-already-there", "{problem}");
    assert_eq!(shown(&origin, other).await.0.len(), 1);
    let changes = photo_changes(&origin, product).await;
    assert_eq!(changes.len(), 8, "one announcement per photo added, none for the refusal");
    assert!(changes.iter().all(|c| c.action.as_deref() == Some("added")), "{changes:?}");
    assert_eq!(changes[7].gallery.as_deref(), Some(added.as_slice()));
}

async fn making_main_and_removing_reorder_purge_announce_and_delete_the_files(origin: TestOrigin) {
    let vendor = register_vendor(&origin, "ada@example.com").await;
    let product = create_product(&origin, &vendor).await;
    let a = add(&origin, &vendor, product, 90).await;
    let b = add(&origin, &vendor, product, 100).await;
    let c = add(&origin, &vendor, product, 110).await;

    let (seq, _) = origin.purge_journal(0).await;
    let (status, answer) = origin
        .call(
            &vendor,
            Method::POST,
            &format!("/api/v1/vendor/products/{product}/photos/{c}/main"),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (_, purged) = origin.purge_journal(seq).await;
    assert!(purged.contains(&format!("Tag:product:{product}")), "{purged:?}");
    assert_eq!(shown(&origin, product).await, (vec![c.clone(), a.clone(), b.clone()], Some(c.clone())));
    assert_eq!(card_photo(&origin, product).await.as_deref(), Some(c.as_str()));
    assert_eq!(legacy_main(&origin, product, &c).await, 1);
    assert_eq!(legacy_main(&origin, product, &a).await, 0);

    // Removing one in the middle: the others close up, its files go, the product is purged.
    let (seq, _) = origin.purge_journal(0).await;
    let (status, answer) = origin
        .call(&vendor, Method::DELETE, &format!("/api/v1/vendor/products/{product}/photos/{a}"), None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["photos"].as_array().unwrap().len(), 2, "{answer}");
    let (_, purged) = origin.purge_journal(seq).await;
    assert!(purged.contains(&format!("Tag:product:{product}")), "{purged:?}");
    assert_eq!(shown(&origin, product).await, (vec![c.clone(), b.clone()], Some(c.clone())));
    let objects = wait_until_gone(&origin, &a).await;
    assert!(!objects.iter().any(|o| o.contains(&a)), "the removed photo's files: {objects:?}");
    assert!(objects.iter().any(|o| o.contains(&b)) && objects.iter().any(|o| o.contains(&c)), "{objects:?}");

    // Removing the main one: the next is the main one, on cards too.
    let (status, _) = origin
        .call(&vendor, Method::DELETE, &format!("/api/v1/vendor/products/{product}/photos/{c}"), None, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown(&origin, product).await, (vec![b.clone()], Some(b.clone())));
    assert_eq!(card_photo(&origin, product).await.as_deref(), Some(b.as_str()));
    assert_eq!(legacy_main(&origin, product, &b).await, 1);
    wait_until_gone(&origin, &c).await;

    // The last one: no photo, no file, the generated picture again.
    let (status, _) = origin
        .call(&vendor, Method::DELETE, &format!("/api/v1/vendor/products/{product}/photos/{b}"), None, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown(&origin, product).await, (vec![], None));
    assert_eq!(
        number(
            &origin.db.store,
            &format!("SELECT count(*) FROM product_photos WHERE product_id = {product}")
        )
        .await,
        0
    );
    let objects = wait_until_gone(&origin, &b).await;
    assert!(objects.is_empty(), "{objects:?}");

    let changes = photo_changes(&origin, product).await;
    let actions: Vec<_> = changes.iter().map(|c| c.action.clone().unwrap_or_default()).collect();
    assert_eq!(actions, ["added", "added", "added", "made_main", "removed", "removed", "removed"]);
    let made_main = &changes[3];
    assert_eq!(made_main.photo.as_ref().map(|p| p.hash.as_str()), Some(c.as_str()));
    assert_eq!(made_main.gallery.as_deref(), Some([c.clone(), a.clone(), b.clone()].as_slice()));
    assert_eq!(made_main.previous_hash, None);
    assert_eq!(changes[4].previous_hash.as_deref(), Some(a.as_str()));
    assert_eq!(changes[6].photo, None);
    assert_eq!(changes[6].gallery.as_deref(), Some([].as_slice()));
}

async fn a_replaced_photo_keeps_its_place_and_its_files_go(origin: TestOrigin) {
    let vendor = register_vendor(&origin, "ada@example.com").await;
    let product = create_product(&origin, &vendor).await;
    let a = add(&origin, &vendor, product, 90).await;
    let b = add(&origin, &vendor, product, 100).await;
    let c = add(&origin, &vendor, product, 110).await;
    let path = format!("/api/v1/vendor/products/{product}/photos/{b}");
    let (status, answer) = send_photo(&origin, &vendor, Method::PUT, &path, &jpeg(120, 60)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let new = answer["photo"]["hash"].as_str().unwrap().to_owned();
    assert_eq!(shown(&origin, product).await, (vec![a.clone(), new.clone(), c.clone()], Some(a.clone())));
    let objects = wait_until_gone(&origin, &b).await;
    assert!(!objects.iter().any(|o| o.contains(&b)), "{objects:?}");
    let replaced = photo_changes(&origin, product).await.pop().unwrap();
    assert_eq!(
        (replaced.action.as_deref(), replaced.previous_hash.as_deref()),
        (Some("replaced"), Some(b.as_str()))
    );

    // Replacing with a photo the product already has elsewhere would give two rows one file.
    let path = format!("/api/v1/vendor/products/{product}/photos/{new}");
    let (status, problem) = send_photo(&origin, &vendor, Method::PUT, &path, &jpeg(110, 60)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert!(origin.media_objects().iter().any(|o| o.contains(&c)), "the other photo keeps its file");
}

async fn bad_ids_and_other_vendors_are_refused_with_problems(origin: TestOrigin) {
    let ada = register_vendor(&origin, "ada@example.com").await;
    let kofi = register_vendor(&origin, "kofi@example.com").await;
    let product = create_product(&origin, &ada).await;
    let hash = add(&origin, &ada, product, 90).await;
    let unknown = "0".repeat(32);
    for (token, method, path, status, kind) in [
        (
            &ada,
            Method::DELETE,
            format!("/api/v1/vendor/products/{product}/photos/not-a-hash"),
            400,
            "invalid-parameter",
        ),
        (
            &ada,
            Method::POST,
            format!("/api/v1/vendor/products/{product}/photos/ABC/main"),
            400,
            "invalid-parameter",
        ),
        (
            &ada,
            Method::DELETE,
            format!("/api/v1/vendor/products/{product}/photos/{unknown}"),
            404,
            "not-found",
        ),
        (
            &ada,
            Method::POST,
            format!("/api/v1/vendor/products/{product}/photos/{unknown}/main"),
            404,
            "not-found",
        ),
        (
            &ada,
            Method::DELETE,
            format!("/api/v1/vendor/products/abc/photos/{hash}"),
            400,
            "invalid-parameter",
        ),
        (&ada, Method::DELETE, format!("/api/v1/vendor/products/999999/photos/{hash}"), 404, "not-found"),
        (&kofi, Method::DELETE, format!("/api/v1/vendor/products/{product}/photos/{hash}"), 403, "forbidden"),
        (
            &kofi,
            Method::POST,
            format!("/api/v1/vendor/products/{product}/photos/{hash}/main"),
            403,
            "forbidden",
        ),
    ] {
        let (got, problem) = origin.call(token, method.clone(), &path, None, None).await;
        assert_eq!(got.as_u16(), status, "{method} {path}: {problem}");
        assert_eq!(problem["type"], format!("/problems/{kind}"), "{method} {path}: {problem}");
    }
    let path = format!("/api/v1/vendor/products/{product}/photos");
    let (status, problem) = send_photo(&origin, &kofi, Method::POST, &path, &jpeg(64, 48)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(shown(&origin, product).await.0, vec![hash.clone()], "nothing changed");
    assert_eq!(photo_changes(&origin, product).await.len(), 1, "refusals announce nothing");
}

/// Migration 0020 (run again here: it is written to be re-run) turns a product's single photo
/// of before the gallery into its first, main photo, and adds nothing the second time.
async fn a_photo_from_before_the_gallery_becomes_its_main_one(origin: TestOrigin) {
    let vendor = register_vendor(&origin, "ada@example.com").await;
    let product = create_product(&origin, &vendor).await;
    let hash = "0123456789abcdef0123456789abcdef";
    execute(
        &origin.db.store,
        &format!(
            "INSERT INTO product_photos (product_id, hash, format, width, height, thumbhash) \
             VALUES ({product}, '{hash}', 'jpeg', 1600, 1200, 'abc')"
        ),
    )
    .await;
    assert_eq!(shown(&origin, product).await, (vec![], None), "not in the gallery yet");
    for _ in 0..2 {
        match &origin.db.store {
            Store::Postgres(pool) => {
                sqlx::raw_sql(include_str!("../../store/migrations/postgres/0020_product_gallery.sql"))
                    .execute(pool)
                    .await
                    .map(drop)
            }
            Store::Sqlite(pool) => {
                sqlx::raw_sql(include_str!("../../store/migrations/sqlite/0020_product_gallery.sql"))
                    .execute(pool)
                    .await
                    .map(drop)
            }
        }
        .expect("the migration runs");
    }
    assert_eq!(
        number(
            &origin.db.store,
            &format!("SELECT count(*) FROM product_gallery WHERE product_id = {product}")
        )
        .await,
        1
    );
    assert_eq!(
        number(
            &origin.db.store,
            &format!("SELECT CAST(position AS BIGINT) FROM product_gallery WHERE product_id = {product} AND hash = '{hash}'")
        )
        .await,
        0
    );
}
