//! Product photo uploads over HTTP against a real origin: hostile files are refused with a
//! clear 4xx problem and leave nothing behind (no row, no object) while the process stays
//! small; a good photo is stored without its metadata, served with immutable caching, gets
//! its variants, shows on the product page, and purges the product's pages.

use std::time::{Duration, Instant};

use linkedall_images::fixtures::{gradient, jpeg, jpeg_with_exif, png_declaring, zip_archive};
use linkedall_images::{Encoding, Pixels, encode};
use linkedall_origin::testing::{TestDatabase, TestOrigin};
use linkedall_store::Backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn spawn(backend: Backend) -> Option<TestOrigin> {
    let db = TestDatabase::new(backend).await?.seeded(5).await;
    Some(TestOrigin::spawn(db).await)
}

/// The tests of this file run one at a time: two of them bound the process's peak memory
/// (`VmHWM`, which every test in the process adds to), and photos of several megabytes
/// decoded by several tests at once would make that bound about the schedule, not the code.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

macro_rules! on_both_backends {
    ($($check:ident),* $(,)?) => {
        mod sqlite { $(#[tokio::test] async fn $check() {
            let _alone = super::ONE_AT_A_TIME.lock().await;
            if let Some(origin) = super::spawn(super::Backend::Sqlite).await { super::$check(origin).await }
        })* }
        mod postgres { $(#[tokio::test] async fn $check() {
            let _alone = super::ONE_AT_A_TIME.lock().await;
            if let Some(origin) = super::spawn(super::Backend::Postgres).await { super::$check(origin).await }
        })* }
    };
}

on_both_backends!(
    hostile_files_are_refused_and_leave_nothing_behind,
    a_vendor_cannot_touch_another_vendors_product,
    a_good_photo_is_stored_stripped_served_and_shown,
    variants_of_a_replaced_or_deleted_photo_are_not_left_behind,
    a_photo_change_is_announced_with_the_photo,
);

/// A ~70-byte PNG declaring 50,000×50,000 pixels (7.5 GB decoded).
fn png_bomb() -> Vec<u8> {
    png_declaring(50_000, 50_000)
}

/// `cat photo.jpg archive.zip`: a JPEG that is also a ZIP (its end-of-central-directory at
/// the end, where unzip looks).
fn zip_jpeg_polyglot() -> Vec<u8> {
    let mut file = jpeg(64, 48);
    file.extend_from_slice(&zip_archive());
    file
}

async fn register_vendor(origin: &TestOrigin, email: &str) -> String {
    let body = json!({
        "email": email, "password": "correct horse battery", "role": "vendor",
        "shop": { "name": "Ada's Fabrics", "city": "Lagos", "country": "NG" },
    });
    origin.register(body).await["token"].as_str().unwrap().to_owned()
}

async fn create_product(origin: &TestOrigin, token: &str) -> i64 {
    let created: Value = reqwest::Client::new()
        .post(format!("{}/api/v1/vendor/products", origin.url()))
        .bearer_auth(token)
        .json(&json!({ "category_id": 2, "name": "Adire scarf", "price_minor": 250000, "stock": 7 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    created["product"]["id"].as_i64().unwrap()
}

/// Uploads `bytes` as the file field `photo` named `file_name`; (status, JSON body).
async fn upload(
    origin: &TestOrigin,
    token: &str,
    product: i64,
    file_name: &str,
    bytes: &[u8],
) -> (StatusCode, Value) {
    let path = format!("/api/v1/vendor/products/{product}/images");
    origin
        .send_file(Some(token), reqwest::Method::POST, &path, ("photo", file_name, "image/jpeg"), bytes)
        .await
}

async fn product_json(origin: &TestOrigin, product: i64) -> Value {
    reqwest::get(format!("{}/api/v1/products/{product}", origin.url())).await.unwrap().json().await.unwrap()
}

/// Peak resident memory of this process (the origin runs inside it), in MB.
fn peak_rss_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() / 1024
}

async fn hostile_files_are_refused_and_leave_nothing_behind(origin: TestOrigin) {
    let vendor = register_vendor(&origin, "ada@example.com").await;
    let product = create_product(&origin, &vendor).await;
    let whole = jpeg(640, 480);
    let wide =
        encode(&Pixels::from_rgb(12_001, 2, vec![90; 12_001 * 2 * 3]).unwrap(), Encoding::Png).unwrap();
    let too_big = {
        let mut bytes = jpeg(64, 48);
        // Past the 20 MB cap but within the framing allowance, so it is the count while
        // streaming (not the Content-Length check) that refuses it.
        bytes.resize(20_000_100, 0x55);
        bytes
    };
    let cases: Vec<(&str, &str, Vec<u8>, StatusCode, &str)> = vec![
        ("decompression bomb", "bomb.png", png_bomb(), StatusCode::UNPROCESSABLE_ENTITY, "photo-too-large"),
        ("12,001 px side", "wide.png", wide, StatusCode::UNPROCESSABLE_ENTITY, "photo-too-large"),
        (
            "truncated JPEG",
            "cut.jpg",
            whole[..whole.len() / 2].to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "photo-malformed",
        ),
        (
            "ZIP and JPEG",
            "holiday.jpg",
            zip_jpeg_polyglot(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "photo-polyglot",
        ),
        ("zero bytes", "empty.jpg", Vec::new(), StatusCode::UNPROCESSABLE_ENTITY, "photo-empty"),
        (
            "a GIF named .jpg",
            "cat.jpg",
            b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "photo-unsupported-format",
        ),
        ("over 20 MB", "huge.jpg", too_big, StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large"),
    ];
    for (case, file_name, bytes, status, kind) in cases {
        let (got, problem) = upload(&origin, &vendor, product, file_name, &bytes).await;
        assert_eq!(got, status, "{case}: {problem}");
        assert_eq!(problem["type"], format!("/problems/{kind}"), "{case}: {problem}");
        assert!(problem["detail"].as_str().is_some_and(|d| d.len() > 10), "{case}: {problem}");
        assert_eq!(
            product_json(&origin, product).await["product"]["photo"],
            Value::Null,
            "{case}: a row was left"
        );
        assert!(origin.media_objects().is_empty(), "{case}: objects were left: {:?}", origin.media_objects());
    }
    let peak = peak_rss_mb();
    assert!(peak < 256, "peak RSS {peak} MB");
    // A PNG named .jpg is still a PNG: the name is never trusted, the bytes are.
    let png = encode(&gradient(64, 48), Encoding::Png).unwrap();
    let (status, photo) = upload(&origin, &vendor, product, "actually-a-png.jpg", &png).await;
    assert_eq!(status, StatusCode::CREATED, "{photo}");
    assert_eq!(photo["format"], "Png");
}

async fn a_vendor_cannot_touch_another_vendors_product(origin: TestOrigin) {
    let ada = register_vendor(&origin, "ada@example.com").await;
    let kofi = register_vendor(&origin, "kofi@example.com").await;
    let product = create_product(&origin, &ada).await;
    let (status, problem) = upload(&origin, &kofi, product, "mine.jpg", &jpeg(320, 240)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let (status, problem) = upload(&origin, &kofi, 999_999, "mine.jpg", &jpeg(320, 240)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    assert!(origin.media_objects().is_empty());
    let (status, _) = upload(&origin, &ada, product, "mine.jpg", &jpeg(320, 240)).await;
    assert_eq!(status, StatusCode::CREATED);
    let deleted = reqwest::Client::new()
        .delete(format!("{}/api/v1/vendor/products/{product}/images", origin.url()))
        .bearer_auth(&kofi)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::FORBIDDEN);
    assert!(!product_json(&origin, product).await["product"]["photo"].is_null(), "still there");
    // Shoppers (no vendor role) and anonymous callers are refused too.
    let anonymous = reqwest::Client::new()
        .post(format!("{}/api/v1/vendor/products/{product}/images", origin.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

async fn wait_for_objects(origin: &TestOrigin, count: usize) -> Vec<String> {
    let started = Instant::now();
    loop {
        let objects = origin.media_objects();
        if objects.len() >= count || started.elapsed() > Duration::from_secs(60) {
            return objects;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn a_good_photo_is_stored_stripped_served_and_shown(origin: TestOrigin) {
    let vendor = register_vendor(&origin, "ada@example.com").await;
    let product = create_product(&origin, &vendor).await;
    let (seq, _) = origin.purge_journal(0).await;
    let original = jpeg_with_exif(1800, 1200, 6);
    assert!(original.windows(4).any(|w| w == b"Exif"));

    let (status, photo) = upload(&origin, &vendor, product, "scarf.jpg", &original).await;
    assert_eq!(status, StatusCode::CREATED, "{photo}");
    assert_eq!(
        (photo["width"].as_u64(), photo["height"].as_u64()),
        (Some(1200), Some(1800)),
        "EXIF rotation applied"
    );
    assert_eq!(photo["format"], "Jpeg");
    let hash = photo["hash"].as_str().unwrap().to_owned();
    assert_eq!(hash.len(), 32);
    assert!(photo["thumbhash"].as_str().is_some_and(|t| t.len() > 10), "{photo}");

    let (_, purged) = origin.purge_journal(seq).await;
    assert!(purged.contains(&format!("Tag:product:{product}")), "{purged:?}");
    assert_eq!(product_json(&origin, product).await["product"]["photo"], photo, "the product page shows it");
    let listing: Value = reqwest::get(format!("{}/api/v1/products?limit=100", origin.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let card =
        listing["items"].as_array().unwrap().iter().find(|c| c["id"] == product).cloned().unwrap_or_default();
    assert_eq!(card["photo"], photo, "cards show it too: {card}");

    let served = reqwest::get(format!("{}/media/products/{product}/{hash}.jpg", origin.url())).await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    assert!(served.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    let bytes = served.bytes().await.unwrap();
    assert!(!bytes.windows(4).any(|w| w == b"Exif"), "the served original carries EXIF");
    assert!(!bytes.windows(3).any(|w| w == b"GPS"), "the served original carries GPS");

    // A variant answers at once, made on request if the background job has not stored it.
    let card_webp =
        reqwest::get(format!("{}/media/products/{product}/{hash}/card.webp", origin.url())).await.unwrap();
    assert_eq!(card_webp.status(), StatusCode::OK);
    assert_eq!(card_webp.headers()["content-type"], "image/webp");
    let objects = wait_for_objects(&origin, 9).await;
    assert_eq!(objects.len(), 9, "the original and 4 presets × 2 formats: {objects:?}");
    for object in &objects {
        let stored = std::fs::read(origin.media.root().unwrap().join(object)).unwrap();
        assert!(!stored.windows(4).any(|w| w == b"Exif"), "{object} carries EXIF");
        assert!(!stored.windows(3).any(|w| w == b"GPS"), "{object} carries GPS");
    }
    let thumb =
        reqwest::get(format!("{}/media/products/{product}/{hash}/thumb.jpg", origin.url())).await.unwrap();
    let thumb = linkedall_images::decode(&thumb.bytes().await.unwrap(), &Default::default(), None).unwrap();
    assert_eq!((thumb.width, thumb.height), (160, 240));
    let zoom =
        reqwest::get(format!("{}/media/products/{product}/{hash}/zoom.jpg", origin.url())).await.unwrap();
    let zoom = linkedall_images::decode(&zoom.bytes().await.unwrap(), &Default::default(), None).unwrap();
    assert_eq!((zoom.width, zoom.height), (1200, 1800), "never enlarged past the original");
    let missing = reqwest::get(format!("{}/media/products/{product}/{}.jpg", origin.url(), "0".repeat(32)))
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    // Replacing: the old objects go, the new photo is shown, the product is purged again.
    let (seq, _) = origin.purge_journal(0).await;
    let (status, replaced) = upload(&origin, &vendor, product, "scarf2.jpg", &jpeg(800, 600)).await;
    assert_eq!(status, StatusCode::CREATED, "{replaced}");
    assert_ne!(replaced["hash"], photo["hash"]);
    let (_, purged) = origin.purge_journal(seq).await;
    assert!(purged.contains(&format!("Tag:product:{product}")), "{purged:?}");
    assert_eq!(product_json(&origin, product).await["product"]["photo"], replaced);
    let started = Instant::now();
    while origin.media_objects().iter().any(|o| o.contains(&hash))
        && started.elapsed() < Duration::from_secs(30)
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!origin.media_objects().iter().any(|o| o.contains(&hash)), "{:?}", origin.media_objects());

    // Deleting: no row, no object, purged.
    let (seq, _) = origin.purge_journal(0).await;
    wait_for_objects(&origin, 9).await;
    let deleted = reqwest::Client::new()
        .delete(format!("{}/api/v1/vendor/products/{product}/images", origin.url()))
        .bearer_auth(&vendor)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(product_json(&origin, product).await["product"]["photo"], Value::Null);
    assert!(origin.media_objects().is_empty(), "{:?}", origin.media_objects());
    let (_, purged) = origin.purge_journal(seq).await;
    assert!(purged.contains(&format!("Tag:product:{product}")), "{purged:?}");
    let peak = peak_rss_mb();
    assert!(peak < 256, "peak RSS {peak} MB");
}

/// The race of issue 6: a photo replaced or deleted while its variants are being written. The
/// background job is driven by hand here, at the two points that matter: variants rendered
/// before the replace and written after it, and a job that starts after the delete.
async fn variants_of_a_replaced_or_deleted_photo_are_not_left_behind(origin: TestOrigin) {
    use linkedall_origin::media::variants::{self, Generation};
    let vendor = register_vendor(&origin, "ada@example.com").await;
    let product = create_product(&origin, &vendor).await;
    let (status, first) = upload(&origin, &vendor, product, "first.jpg", &jpeg(900, 600)).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let first: linkedall_shared::Photo = serde_json::from_value(first).unwrap();
    assert_eq!(wait_for_objects(&origin, 9).await.len(), 9);
    let first_pixels = gradient(900, 600);
    let rendered = variants::render_all(&first_pixels).unwrap();
    assert_eq!(rendered.len(), 8);

    // Replaced: the first photo's job writes its variants after the replace removed its objects.
    let (status, second) = upload(&origin, &vendor, product, "second.jpg", &jpeg(600, 900)).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    let second_hash = second["hash"].as_str().unwrap().to_owned();
    let started = Instant::now();
    while origin.media_objects().iter().any(|o| o.contains(&first.hash))
        && started.elapsed() < Duration::from_secs(30)
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let late = variants::store_if_current(&origin.media, &origin.db.store, &first, rendered).await;
    assert_eq!(late, Generation::Superseded { removed: 8 }, "it wrote 8 variants and took them back");
    let objects = wait_for_objects(&origin, 9).await;
    assert!(!objects.iter().any(|o| o.contains(&first.hash)), "orphans of the replaced photo: {objects:?}");
    assert_eq!(objects.len(), 9, "the new photo keeps its original and 8 variants: {objects:?}");
    assert!(objects.iter().all(|o| o.contains(&second_hash)), "{objects:?}");

    // Deleted: a job starting afterwards renders and writes nothing.
    let deleted = reqwest::Client::new()
        .delete(format!("{}/api/v1/vendor/products/{product}/images", origin.url()))
        .bearer_auth(&vendor)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let second: linkedall_shared::Photo = serde_json::from_value(second).unwrap();
    let after = variants::generate(&origin.media, &origin.db.store, &second, gradient(600, 900)).await;
    assert_eq!(after, Generation::Superseded { removed: 0 });
    assert!(origin.media_objects().is_empty(), "{:?}", origin.media_objects());

    // The current photo's variants are kept.
    let (status, third) = upload(&origin, &vendor, product, "third.jpg", &jpeg(640, 480)).await;
    assert_eq!(status, StatusCode::CREATED, "{third}");
    let third: linkedall_shared::Photo = serde_json::from_value(third).unwrap();
    let again = variants::generate(&origin.media, &origin.db.store, &third, gradient(640, 480)).await;
    assert_eq!(again, Generation::Stored);
    // The deleted photo's own job may still be taking back what it wrote: wait for only the
    // third photo's objects to be left.
    let started = Instant::now();
    let mut objects = origin.media_objects();
    while !(objects.len() == 9 && objects.iter().all(|o| o.contains(&third.hash)))
        && started.elapsed() < Duration::from_secs(60)
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
        objects = origin.media_objects();
    }
    assert_eq!(objects.len(), 9, "the third photo's original and 8 variants, nothing else: {objects:?}");
    assert!(objects.iter().all(|o| o.contains(&third.hash)), "{objects:?}");
}

/// `product.updated` for a photo change says what the photo is now (or that it is gone) and
/// which one it replaced, and still reads as version 1 of the type.
async fn a_photo_change_is_announced_with_the_photo(origin: TestOrigin) {
    use linkedall_events_schema::{catalogue::validate, payloads::ProductUpdated};
    let vendor = register_vendor(&origin, "ada@example.com").await;
    let product = create_product(&origin, &vendor).await;
    let photo_updates = || async {
        let events = origin.db.store.unpublished_events(10_000).await.unwrap();
        events
            .into_iter()
            .filter(|e| e.kind == "product.updated" && e.subject == format!("product/{product}"))
            .map(|e| {
                validate("product.updated", 1, &e.payload).unwrap();
                serde_json::from_value::<ProductUpdated>(e.payload).unwrap()
            })
            .filter_map(|e| e.photo_change)
            .collect::<Vec<_>>()
    };
    let (_, first) = upload(&origin, &vendor, product, "first.jpg", &jpeg(900, 600)).await;
    let (_, second) = upload(&origin, &vendor, product, "second.jpg", &jpeg(600, 900)).await;
    let removed = reqwest::Client::new()
        .delete(format!("{}/api/v1/vendor/products/{product}/images", origin.url()))
        .bearer_auth(&vendor)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);

    let changes = photo_updates().await;
    assert_eq!(changes.len(), 3, "{changes:?}");
    let shown = changes[0].photo.as_ref().expect("the uploaded photo");
    assert_eq!(shown.hash, first["hash"].as_str().unwrap());
    assert_eq!((shown.format.as_str(), shown.width, shown.height), ("jpeg", 900, 600));
    assert_eq!(shown.thumbhash, first["thumbhash"].as_str().unwrap());
    assert_eq!(shown.path, format!("/media/products/{product}/{}.jpg", shown.hash));
    assert_eq!(changes[0].previous_hash, None);
    assert_eq!(changes[1].photo.as_ref().map(|p| p.hash.as_str()), second["hash"].as_str());
    assert_eq!(changes[1].previous_hash.as_deref(), first["hash"].as_str());
    assert_eq!(changes[2].photo, None, "removed");
    assert_eq!(changes[2].previous_hash.as_deref(), second["hash"].as_str());
}

/// `LINKEDALL_MEDIA_STORE=s3://bucket/prefix` against a real S3-compatible server (moto, run
/// locally): the original and its variants land in the bucket under the prefix, are served
/// from it, and a delete empties it.
#[tokio::test]
async fn photos_live_in_an_s3_compatible_bucket_when_configured() {
    use linkedall_origin::media::{MediaLocation, MediaSettings, MediaStore};
    use linkedall_origin::testing::{TestOptions, TestS3};
    let _alone = ONE_AT_A_TIME.lock().await;
    let Some(s3) = TestS3::start().await else { return };
    let location = MediaLocation::parse(&format!("s3://{}/photos", s3.bucket)).unwrap();
    let media = MediaStore::open(&location, &s3.settings(), MediaSettings::default()).unwrap();
    let Some(db) = TestDatabase::new(Backend::Sqlite).await else { return };
    let options = TestOptions { media: Some(media.clone()), ..TestOptions::default() };
    let origin = TestOrigin::spawn_with(db.seeded(5).await, options).await;
    let vendor = register_vendor(&origin, "ada@example.com").await;
    let product = create_product(&origin, &vendor).await;

    let (status, photo) = upload(&origin, &vendor, product, "scarf.jpg", &jpeg(900, 600)).await;
    assert_eq!(status, StatusCode::CREATED, "{photo}");
    let hash = photo["hash"].as_str().unwrap().to_owned();
    let original_key = format!("products/{product}/{hash}.jpg");
    let started = Instant::now();
    let mut keys = media.keys().await.unwrap();
    while keys.len() < 9 && started.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        keys = media.keys().await.unwrap();
    }
    assert_eq!(keys.len(), 9, "the original and 4 presets × 2 formats: {keys:?}");
    assert!(keys.contains(&original_key), "{keys:?}");
    assert!(keys.contains(&format!("products/{product}/{hash}/card.webp")), "{keys:?}");

    // In the bucket itself, under the prefix, byte for byte what the origin serves.
    let stored = s3.object(&format!("photos/{original_key}")).await.expect("the original in the bucket");
    let served = reqwest::get(format!("{}/media/{original_key}", origin.url())).await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.bytes().await.unwrap().to_vec(), stored);
    assert!(s3.object(&original_key).await.is_none(), "nothing outside the prefix");

    let deleted = reqwest::Client::new()
        .delete(format!("{}/api/v1/vendor/products/{product}/images", origin.url()))
        .bearer_auth(&vendor)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(media.keys().await.unwrap(), Vec::<String>::new(), "the bucket is empty again");
    let gone = reqwest::get(format!("{}/media/{original_key}", origin.url())).await.unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}
