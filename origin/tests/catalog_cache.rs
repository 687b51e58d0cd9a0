//! The origin's catalog cache, black-box over HTTP on PostgreSQL: what a shopper reads right
//! after a vendor's change, a new product, an order or a cancellation is never the cached old
//! answer; an unreachable Redis never fails a request; the memory cache stays within its
//! capacity. Every test that uses Redis writes under a key prefix of its own.

use std::time::Duration;

use linkedall_origin::catalog_cache::{CatalogCache, RedisCatalog};
use linkedall_origin::testing::{TestDatabase, TestOptions, TestOrigin, TestRedis};
use linkedall_shared::{ProductDetail, SearchResults, wire};
use linkedall_store::{Backend, Store};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const TTL: Duration = Duration::from_secs(60);

/// Where a test keeps its catalog cache.
#[derive(Clone, Copy, Debug)]
enum Cache {
    Memory,
    Redis,
}

/// An origin on a fresh PostgreSQL schema (a few seeded products give the categories), with
/// its catalog cache in `cache`; `None` when a service is missing outside CI.
async fn spawn(cache: Cache) -> Option<(TestOrigin, Option<TestRedis>)> {
    let db = TestDatabase::new(Backend::Postgres).await?.seeded(20).await;
    let (catalog_cache, redis) = match cache {
        Cache::Memory => (CatalogCache::memory(1 << 20, TTL), None),
        Cache::Redis => {
            let redis = TestRedis::new().await?;
            (redis.catalog_cache(TTL), Some(redis))
        }
    };
    let options = TestOptions { catalog_cache: Some(catalog_cache), ..TestOptions::default() };
    Some((TestOrigin::spawn_with(db, options).await, redis))
}

macro_rules! with_both_caches {
    ($($check:ident),* $(,)?) => {
        mod memory { $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $check() {
            if let Some((origin, _redis)) = super::spawn(super::Cache::Memory).await { super::$check(origin).await }
        })* }
        mod redis { $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $check() {
            if let Some((origin, _redis)) = super::spawn(super::Cache::Redis).await { super::$check(origin).await }
        })* }
    };
}

with_both_caches!(
    a_cached_product_shows_the_new_price_everywhere_right_after_its_vendor_changes_it,
    search_results_show_a_product_listed_after_the_search_was_cached,
    stock_taken_by_an_order_and_given_back_by_a_cancellation_is_visible_at_once,
    postcard_and_json_answers_are_cached_apart_and_both_refreshed,
);

/// A client signed in as one account.
struct Account {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Account {
    async fn register(origin: &TestOrigin, email: &str, shop: Option<&str>) -> Account {
        let mut body = json!({ "email": email, "password": "correct horse battery" });
        if let Some(name) = shop {
            body["role"] = json!("vendor");
            body["shop"] = json!({ "name": name, "city": "Lagos", "country": "NG" });
        }
        let http = reqwest::Client::new();
        let session = origin.register(body).await;
        Account { http, base: origin.url(), token: session["token"].as_str().unwrap().to_owned() }
    }

    async fn send(&self, method: Method, path: &str, body: Value, key: Option<&str>) -> (StatusCode, Value) {
        let mut request =
            self.http.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token).json(&body);
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// Lists a product in category 1 and returns its id.
    async fn list_product(&self, name: &str, price_minor: i64, stock: i32) -> i64 {
        let body = json!({ "category_id": 1, "name": name, "price_minor": price_minor, "stock": stock });
        let (status, product) = self.send(Method::POST, "/api/v1/vendor/products", body, None).await;
        assert_eq!(status, StatusCode::CREATED, "{product}");
        product["product"]["id"].as_i64().unwrap()
    }

    async fn change_product(&self, id: i64, changes: Value) {
        let (status, body) =
            self.send(Method::PATCH, &format!("/api/v1/vendor/products/{id}"), changes, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

/// A public GET as JSON: status, body and `Cache-Status`.
async fn get(origin: &TestOrigin, path: &str) -> (StatusCode, Value, String) {
    let response = reqwest::get(format!("{}{path}", origin.url())).await.unwrap();
    let status = response.status();
    let cache_status = header(&response, "cache-status");
    (status, response.json().await.unwrap_or(Value::Null), cache_status)
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// Reads `path` until a read is a cache hit, so a test knows the old answer is cached.
async fn cached(origin: &TestOrigin, path: &str) -> Value {
    let (status, first, _) = get(origin, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {first}");
    let (_, again, cache_status) = get(origin, path).await;
    assert!(cache_status.contains("hit"), "{path} is served from the cache: {cache_status}");
    assert_eq!(first, again, "a hit is the same answer");
    again
}

fn price_in(list: &Value, field: &str, id: i64) -> Option<i64> {
    list[field]
        .as_array()?
        .iter()
        .find(|card| card["id"] == id)
        .map(|card| card["price"]["minor"].as_i64().unwrap())
}

async fn category_slug(origin: &TestOrigin) -> String {
    let (_, categories, _) = get(origin, "/api/v1/categories").await;
    categories.as_array().unwrap().iter().find(|c| c["id"] == 1).unwrap()["slug"].as_str().unwrap().to_owned()
}

async fn a_cached_product_shows_the_new_price_everywhere_right_after_its_vendor_changes_it(
    origin: TestOrigin,
) {
    let vendor = Account::register(&origin, "tailor@example.com", Some("Yaba Tailors")).await;
    let id = vendor.list_product("Kente wrap skirt", 45_000, 30).await;
    let vendor_id =
        cached(&origin, &format!("/api/v1/products/{id}")).await["vendor"]["id"].as_i64().unwrap();
    let pages = [
        (format!("/api/v1/products?category={}&limit=100", category_slug(&origin).await), "items"),
        (format!("/api/v1/vendors/{vendor_id}"), "products"),
        ("/api/v1/search?q=kente%20wrap".to_owned(), "items"),
    ];
    for (path, field) in &pages {
        assert_eq!(price_in(&cached(&origin, path).await, field, id), Some(45_000), "{path}");
    }

    // Shoppers keep reading while the vendor changes the price, so fills race the change.
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let url = format!("{}/api/v1/products/{id}", origin.url());
            tokio::spawn(async move {
                for _ in 0..40 {
                    let _ = reqwest::get(&url).await;
                }
            })
        })
        .collect();
    vendor.change_product(id, json!({ "price_minor": 39_500 })).await;

    let (_, product, _) = get(&origin, &format!("/api/v1/products/{id}")).await;
    assert_eq!(product["product"]["price"]["minor"], 39_500, "the product page has the new price");
    for (path, field) in &pages {
        let (_, page, _) = get(&origin, path).await;
        assert_eq!(price_in(&page, field, id), Some(39_500), "{path} has the new price");
    }
    for reader in readers {
        reader.await.unwrap();
    }
    let (_, product, _) = get(&origin, &format!("/api/v1/products/{id}")).await;
    assert_eq!(
        product["product"]["price"]["minor"], 39_500,
        "no reader that raced the change left the old price"
    );
}

async fn search_results_show_a_product_listed_after_the_search_was_cached(origin: TestOrigin) {
    // A word no demo product uses (the seeded catalog is searched first, and must miss).
    let path = "/api/v1/search?q=calabash";
    assert_eq!(cached(&origin, path).await["items"], json!([]), "nothing matches yet");
    let home_before = cached(&origin, "/api/v1/home").await;
    let vendor = Account::register(&origin, "carver@example.com", Some("Calabash Carvers")).await;
    let id = vendor.list_product("Carved calabash bowl", 2_500, 12).await;
    let (_, results, cache_status) = get(&origin, path).await;
    assert_eq!(results["items"][0]["id"], id, "the new product is found: {results}");
    assert!(cache_status.contains("fwd=miss"), "{cache_status}");
    let (_, home_after, _) = get(&origin, "/api/v1/home").await;
    assert_eq!(home_before["categories"], home_after["categories"]);
}

async fn stock_taken_by_an_order_and_given_back_by_a_cancellation_is_visible_at_once(origin: TestOrigin) {
    let vendor = Account::register(&origin, "potter@example.com", Some("Kumasi Pots")).await;
    let id = vendor.list_product("Clay water pot", 8_000, 5).await;
    let product_path = format!("/api/v1/products/{id}");
    let list_path = format!("/api/v1/products?category={}&limit=100", category_slug(&origin).await);
    let stock_in_list = |list: &Value| {
        list["items"].as_array().unwrap().iter().find(|c| c["id"] == id).map(|c| c["stock"].as_i64().unwrap())
    };
    assert_eq!(cached(&origin, &product_path).await["product"]["stock"], 5);
    assert_eq!(stock_in_list(&cached(&origin, &list_path).await), Some(5));

    let shopper = Account::register(&origin, "buyer@example.com", None).await;
    let buy = json!({ "items": [{ "product_id": id, "quantity": 2 }] });
    let (status, order) = shopper.send(Method::POST, "/api/v1/orders", buy, Some("order-1")).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    assert_eq!(get(&origin, &product_path).await.1["product"]["stock"], 3, "the order's stock is gone");
    assert_eq!(stock_in_list(&get(&origin, &list_path).await.1), Some(3));

    let cancel = format!("/api/v1/orders/{}/cancel", order["id"]);
    let (status, body) = shopper.send(Method::POST, &cancel, json!({}), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(get(&origin, &product_path).await.1["product"]["stock"], 5, "the cancellation gave it back");
    assert_eq!(stock_in_list(&get(&origin, &list_path).await.1), Some(5));

    vendor.change_product(id, json!({ "stock": 0 })).await;
    assert_eq!(get(&origin, &product_path).await.1["product"]["stock"], 0, "the vendor's own stock count");
}

async fn postcard_and_json_answers_are_cached_apart_and_both_refreshed(origin: TestOrigin) {
    let vendor = Account::register(&origin, "smith@example.com", Some("Osu Smiths")).await;
    let id = vendor.list_product("Brass bangle", 1_500, 40).await;
    let url = format!("{}/api/v1/products/{id}", origin.url());
    let postcard = || async {
        let response =
            reqwest::Client::new().get(&url).header("accept", wire::MEDIA_TYPE).send().await.unwrap();
        assert_eq!(header(&response, "content-type"), wire::MEDIA_TYPE);
        let cache_status = header(&response, "cache-status");
        let detail: ProductDetail =
            wire::decode(&response.bytes().await.unwrap()).expect("a postcard answer");
        (detail, cache_status)
    };
    cached(&origin, &format!("/api/v1/products/{id}")).await;
    assert!(postcard().await.1.contains("fwd=miss"), "the JSON entry does not answer a postcard request");
    let (detail, cache_status) = postcard().await;
    assert!(cache_status.contains("hit"), "{cache_status}");
    assert_eq!(detail.product.price.minor, 1_500);

    vendor.change_product(id, json!({ "price_minor": 1_750, "name": "Brass bangle, engraved" })).await;
    let (detail, _) = postcard().await;
    assert_eq!((detail.product.price.minor, detail.product.name.as_str()), (1_750, "Brass bangle, engraved"));
    let response = reqwest::Client::new()
        .get(format!("{}/api/v1/search?q=engraved", origin.url()))
        .header("accept", wire::MEDIA_TYPE)
        .send()
        .await
        .unwrap();
    let results: SearchResults = wire::decode(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(results.items.iter().map(|c| c.id.get()).collect::<Vec<_>>(), vec![id]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_redis_never_fails_a_request() {
    let Some(db) = TestDatabase::new(Backend::Postgres).await else { return };
    // Nothing listens on port 1: every cache operation fails, and the database answers.
    let prefix = format!("linkedall-test:{}:", uuid::Uuid::new_v4().simple());
    let cache = CatalogCache::redis(RedisCatalog::connect("redis://127.0.0.1:1", prefix), TTL);
    let options = TestOptions { catalog_cache: Some(cache), ..TestOptions::default() };
    let origin = TestOrigin::spawn_with(db.seeded(20).await, options).await;

    let vendor = Account::register(&origin, "weaver@example.com", Some("Kano Weavers")).await;
    let id = vendor.list_product("Indigo adire cloth", 12_000, 9).await;
    for path in
        ["/api/v1/home", "/api/v1/categories", "/api/v1/search?q=adire", &format!("/api/v1/products/{id}")]
    {
        for _ in 0..2 {
            let (status, body, cache_status) = get(&origin, path).await;
            assert_eq!(status, StatusCode::OK, "{path}: {body}");
            assert!(cache_status.contains("cache-unavailable"), "{path}: {cache_status}");
        }
    }
    vendor.change_product(id, json!({ "price_minor": 11_000 })).await;
    assert_eq!(get(&origin, &format!("/api/v1/products/{id}")).await.1["product"]["price"]["minor"], 11_000);
    let metrics = reqwest::get(format!("{}/metrics", origin.url())).await.unwrap().text().await.unwrap();
    assert!(
        metrics.lines().any(|l| l.starts_with("origin_cache_errors_total") && l.contains("op=\"lookup\"")),
        "lookup failures are counted"
    );
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("origin_cache_errors_total") && l.contains("op=\"invalidate\"")),
        "invalidation failures are counted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_memory_cache_evicts_the_least_recently_used_answers_at_capacity() {
    let Some(db) = TestDatabase::new(Backend::Postgres).await else { return };
    let db = db.seeded(20).await;
    let ids: Vec<i64> = match &db.store {
        Store::Postgres(pool) => {
            sqlx::query_scalar("SELECT id FROM products ORDER BY id LIMIT 3").fetch_all(pool).await
        }
        Store::Sqlite(_) => unreachable!("a PostgreSQL database"),
    }
    .unwrap();
    // Room for exactly the first two product answers (their JSON, its 8-byte purge position
    // and their keys), not three.
    let mut sizes = Vec::new();
    for id in &ids {
        let detail = db.store.product(linkedall_shared::ProductId::new(*id)).await.unwrap().unwrap();
        sizes.push(8 + serde_json::to_vec(&detail).unwrap().len() + format!("g0:product:json:s1:{id}").len());
    }
    let capacity = sizes[0] + sizes[1];
    let origin = TestOrigin::spawn_with(
        db,
        TestOptions { catalog_cache: Some(CatalogCache::memory(capacity, TTL)), ..TestOptions::default() },
    )
    .await;
    let path = |id: &i64| format!("/api/v1/products/{id}");
    for id in &ids[..2] {
        assert!(get(&origin, &path(id)).await.2.contains("stored"));
    }
    assert!(get(&origin, &path(&ids[0])).await.2.contains("hit"), "both fit");
    assert!(get(&origin, &path(&ids[1])).await.2.contains("hit"), "both fit");
    assert!(get(&origin, &path(&ids[2])).await.2.contains("stored"));
    assert!(get(&origin, &path(&ids[2])).await.2.contains("hit"), "the newest is kept");
    assert!(get(&origin, &path(&ids[0])).await.2.contains("fwd=miss"), "the least recently used went first");
    let metrics = reqwest::get(format!("{}/metrics", origin.url())).await.unwrap().text().await.unwrap();
    assert!(metrics.lines().any(|l| l.starts_with("origin_cache_evictions_total{cache=\"product\"}")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_entries_and_product_generations_expire() {
    let Some((origin, Some(redis))) = spawn(Cache::Redis).await else { return };
    let vendor = Account::register(&origin, "carver@example.com", Some("Makonde Carvers")).await;
    let id = vendor.list_product("Ebony carving", 30_000, 2).await;
    cached(&origin, &format!("/api/v1/products/{id}")).await;
    cached(&origin, "/api/v1/search?q=ebony").await;
    vendor.change_product(id, json!({ "stock": 1 })).await;
    let keys = redis.keys();
    let answers: Vec<&String> =
        keys.iter().filter(|k| k.starts_with("catalog:g") && !k.starts_with("catalog:gen")).collect();
    assert!(answers.len() >= 2, "{keys:?}");
    for key in answers {
        let ttl = redis.ttl(key);
        assert!((1..=60).contains(&ttl), "{key} expires within the TTL: {ttl}");
    }
    let ttl = redis.ttl(&format!("catalog:gen:product:{id}"));
    assert!(
        (61..=70).contains(&ttl),
        "the product's generation outlives its answers by the fill window: {ttl}"
    );
    assert_eq!(redis.ttl("catalog:gen"), -1, "the catalog generation never expires");
}

/// A word matching more than 1,000 products is ranked among its newest matches, so a product
/// listed today shows up for it (and the search stays fast on a million products).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_for_a_common_word_shows_the_newest_listings() {
    let Some((origin, _redis)) = spawn(Cache::Memory).await else { return };
    let Store::Postgres(pool) = &origin.db.store else { unreachable!("a PostgreSQL database") };
    sqlx::query(
        "INSERT INTO products (vendor_id, category_id, name, slug, description, currency, price_minor, stock) \
         SELECT p.vendor_id, p.category_id, 'Baobab powder ' || g, 'baobab-powder-' || g, 'Dried fruit pulp.', \
                p.currency, 1000, 10 \
         FROM generate_series(1, 1100) AS g, (SELECT * FROM products ORDER BY id LIMIT 1) AS p",
    )
    .execute(pool)
    .await
    .unwrap();
    let vendor = Account::register(&origin, "baobab@example.com", Some("Baobab Hub")).await;
    let newest = vendor.list_product("Baobab baobab fruit powder", 1_200, 8).await;

    let (status, results, _) = get(&origin, "/api/v1/search?q=baobab&limit=20").await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<i64> =
        results["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 20);
    assert_eq!(ids[0], newest, "the newest listing, whose name says it twice, ranks first: {ids:?}");
    assert!(ids.iter().all(|id| newest - id < 100), "ranked among the newest matches: {ids:?}");
}

/// The reservation sweeper gives an unpaid order's stock back; the cached product page and
/// listings show it without waiting for their TTL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stock_released_by_the_reservation_sweeper_is_visible_before_the_ttl() {
    let Some(db) = TestDatabase::new(Backend::Postgres).await else { return };
    let options = TestOptions {
        catalog_cache: Some(CatalogCache::memory(1 << 20, TTL)),
        sweep_every: Duration::from_millis(100),
        ..TestOptions::default()
    };
    let mut origin = TestOrigin::spawn_with(db.seeded(20).await, options).await;
    let vendor = Account::register(&origin, "loom@example.com", Some("Bolga Looms")).await;
    let id = vendor.list_product("Bolga market basket", 6_000, 4).await;
    let shopper = Account::register(&origin, "late@example.com", None).await;
    let buy = json!({ "items": [{ "product_id": id, "quantity": 3 }] });
    let (status, order) = shopper.send(Method::POST, "/api/v1/orders", buy, Some("unpaid")).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    let product_path = format!("/api/v1/products/{id}");
    assert_eq!(cached(&origin, &product_path).await["product"]["stock"], 1);

    let Store::Postgres(pool) = &origin.db.store else { unreachable!("a PostgreSQL database") };
    sqlx::query("UPDATE orders SET expires_at = now() - interval '1 minute' WHERE id = $1")
        .bind(order["id"].as_i64().unwrap())
        .execute(pool)
        .await
        .unwrap();
    let mut stock = Value::Null;
    for _ in 0..50 {
        stock = get(&origin, &product_path).await.1["product"]["stock"].clone();
        if stock == 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(stock, 4, "the released stock shows within seconds, not after the 60 s TTL");
    origin.stop().await;
}

/// The race every cache-aside design must survive, made deterministic: a write commits and
/// invalidates while a reader is between its database read (the old row) and its store.
async fn a_read_racing_a_write_never_leaves_the_old_answer(cache: CatalogCache) {
    use linkedall_origin::catalog_cache::{CacheKey, Kind};
    use linkedall_origin::negotiate::Format;

    let id = linkedall_shared::ProductId::new(7);
    let body = |response: axum::response::Response| async {
        let cache_status = response.headers()["cache-status"].to_str().unwrap().to_owned();
        let purge_seq: u64 = response.headers()["x-linkedall-purge-seq"].to_str().unwrap().parse().unwrap();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
        (serde_json::from_slice::<String>(&bytes).unwrap(), cache_status, purge_seq)
    };
    // The purge journal's position as each read starts: the write's purge is number 6.
    let position = |seq: u64| async move { Ok(seq) };
    for key in [CacheKey::product(id), CacheKey::listing(Kind::Search, "limit=20:q=pot")] {
        let raced = cache
            .serve(key.clone(), Format::Json, position(5), || async {
                // The reader has read the old row; now the write commits and bumps.
                cache.products_changed(&[id], "test").await;
                Ok::<_, linkedall_origin::Error>("old")
            })
            .await
            .unwrap();
        let (answer, _, purge_seq) = body(raced).await;
        assert_eq!(answer, "old", "the racing reader itself answers what it read");
        assert_eq!(purge_seq, 5, "the old answer says it predates the write's purge, so edges drop it");
        let (answer, cache_status, purge_seq) = body(
            cache
                .serve(key.clone(), Format::Json, position(6), || async {
                    Ok::<_, linkedall_origin::Error>("new")
                })
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(answer, "new", "{key:?}: the next read is not the old answer ({cache_status})");
        assert_eq!(purge_seq, 6);
        let (answer, cache_status, purge_seq) = body(
            cache
                .serve(key.clone(), Format::Json, position(9), || async {
                    Ok::<_, linkedall_origin::Error>("newer")
                })
                .await
                .unwrap(),
        )
        .await;
        assert_eq!((answer.as_str(), cache_status.contains("hit")), ("new", true), "{key:?}");
        assert_eq!(purge_seq, 6, "{key:?}: a hit carries the position its answer was read at, not today's");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_racing_a_write_never_leaves_the_old_answer_in_memory() {
    a_read_racing_a_write_never_leaves_the_old_answer(CatalogCache::memory(1 << 20, TTL)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_racing_a_write_never_leaves_the_old_answer_in_redis() {
    let Some(redis) = TestRedis::new().await else { return };
    a_read_racing_a_write_never_leaves_the_old_answer(redis.catalog_cache(TTL)).await;
}
