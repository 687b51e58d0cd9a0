//! Product photos at the edge, against an in-memory host whose origin holds a generated JPEG
//! and its preset variants: what pages link, what `/cdn-cgi/image/…` answers, what is cached.

mod support;

use std::cell::RefCell;
use std::collections::HashMap;

use bytes::Bytes;
use futures_executor::block_on;
use linkedall_edge::{CacheKey, Cached, Geo, Host, OriginError, SigningKeys, Timestamp, handle};
use linkedall_images::fixtures::jpeg;
use linkedall_shared::image_options::{ImageLimits, ImageOptions};
use linkedall_shared::*;

const HASH: &str = "0123456789abcdef0123456789abcdef";
const KEYS: &str = "2026b:a fresh secret for this test, 2026a:the old secret still verifies";

/// A host whose origin serves catalog documents and media files, counting media fetches.
struct FakeHost {
    documents: HashMap<String, Vec<u8>>,
    media: RefCell<HashMap<String, Vec<u8>>>,
    cache: RefCell<HashMap<CacheKey, Cached>>,
    fetched: RefCell<Vec<String>>,
    purges: RefCell<Vec<Purge>>,
    now: std::cell::Cell<u64>,
}

impl Host for FakeHost {
    async fn cache_get(&self, key: &CacheKey) -> Option<Cached> {
        self.cache.borrow().get(key).cloned()
    }
    async fn cache_put(&self, key: &CacheKey, entry: Cached) {
        self.cache.borrow_mut().insert(key.clone(), entry);
    }
    async fn fetch_origin(&self, req: http::Request<Bytes>) -> Result<http::Response<Bytes>, OriginError> {
        let path = req.uri().to_string();
        if let Some(answer) = support::bookkeeping(&path, &self.purges.borrow(), &FxRates::default()) {
            return Ok(answer);
        }
        self.fetched.borrow_mut().push(path.clone());
        let body = self.documents.get(&path).cloned().or_else(|| self.media.borrow().get(&path).cloned());
        Ok(match body {
            Some(bytes) => http::Response::new(Bytes::from(bytes)),
            None => http::Response::builder().status(404).body(Bytes::new()).unwrap(),
        })
    }
    fn geo(&self, _req: &http::Request<Bytes>) -> Geo {
        Geo::default()
    }
    fn now(&self) -> Timestamp {
        Timestamp(self.now.get())
    }
    fn image_signing_keys(&self) -> SigningKeys {
        SigningKeys::parse(KEYS).unwrap()
    }
}

fn photo() -> Photo {
    Photo {
        product: ProductId::new(1),
        hash: HASH.into(),
        format: PhotoFormat::Jpeg,
        width: 2000,
        height: 1500,
        thumbhash: "1QcSHQRnh493V4dIh4eXh1h4kJUI".into(),
    }
}

/// Product 2: the same stole with three photos, the main one first.
const GALLERY: [&str; 3] = [
    "22222222222222222222222222222222",
    "33333333333333333333333333333333",
    "44444444444444444444444444444444",
];

fn gallery_detail(one: &ProductDetail) -> ProductDetail {
    let photos: Vec<Photo> = GALLERY
        .iter()
        .map(|hash| Photo { product: ProductId::new(2), hash: (*hash).into(), ..photo() })
        .collect();
    let mut detail = one.clone();
    detail.product.id = ProductId::new(2);
    detail.product.slug = "kente-cloth".into();
    detail.product.name = "Kente cloth".into();
    detail.product.photo = photos.first().cloned();
    detail.photos = photos;
    detail
}

/// (width, height) from a JPEG, PNG or WebP header.
fn size_of(bytes: &[u8]) -> (u32, u32) {
    let header = linkedall_images::Header::read(bytes, &linkedall_images::Limits::default()).unwrap();
    (header.width, header.height)
}

fn host() -> FakeHost {
    let photo = photo();
    let card = ProductCard {
        id: ProductId::new(1),
        name: "Kente stole".into(),
        slug: "kente-stole".into(),
        price: Money::new(Currency::GHS, 45_000),
        stock: Stock(9),
        image: "/images/products/1.svg".into(),
        photo: Some(photo.clone()),
        vendor_id: VendorId::new(1),
        vendor_name: "Accra Weavers".into(),
        vendor_city: "Accra".into(),
        category_id: CategoryId::new(2),
        rating: Default::default(),
    };
    let category = Category {
        id: CategoryId::new(2),
        slug: "fashion".into(),
        name: "Fashion".into(),
        description: String::new(),
    };
    let mut documents = HashMap::new();
    let home = HomeFeed { categories: vec![category.clone()], featured: vec![card.clone()] };
    documents.insert("/api/v1/home".into(), wire::encode(&home));
    let detail = ProductDetail {
        product: Product {
            id: ProductId::new(1),
            vendor_id: VendorId::new(1),
            category_id: CategoryId::new(2),
            name: "Kente stole".into(),
            slug: "kente-stole".into(),
            description: "Handwoven in Bonwire".into(),
            price: Money::new(Currency::GHS, 45_000),
            stock: Stock(9),
            image: "/images/products/1.svg".into(),
            photo: Some(photo.clone()),
            rating: Default::default(),
        },
        vendor: Vendor {
            id: VendorId::new(1),
            name: "Accra Weavers".into(),
            slug: "accra-weavers".into(),
            city: "Accra".into(),
            country: "GH".into(),
            description: String::new(),
            ships_to: Default::default(),
        },
        category,
        reviews: Vec::new(),
        photos: vec![photo.clone()],
    };
    documents.insert("/api/v1/products/1".into(), wire::encode(&detail));
    documents.insert("/api/v1/products/2".into(), wire::encode(&gallery_detail(&detail)));
    let mut media = HashMap::new();
    media.insert(photo.original_path(), jpeg(2000, 1500));
    for preset in Preset::ALL {
        let (w, h) = (preset.width(), photo.height_at(preset.width()));
        media.insert(photo.variant_path(preset, PhotoFormat::Jpeg), jpeg(w, h));
        // Stand-ins for the origin's WebP bytes: the edge passes variants through untouched.
        media.insert(photo.variant_path(preset, PhotoFormat::Webp), format!("webp {w}").into_bytes());
    }
    FakeHost {
        documents,
        media: RefCell::new(media),
        cache: RefCell::default(),
        fetched: RefCell::default(),
        purges: RefCell::default(),
        now: std::cell::Cell::new(1_000_000),
    }
}

fn get(host: &FakeHost, path: &str, headers: &[(&str, &str)]) -> http::Response<Bytes> {
    let mut request = http::Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    block_on(handle(request.body(Bytes::new()).unwrap(), host))
}

fn text(response: &http::Response<Bytes>) -> &str {
    std::str::from_utf8(response.body()).unwrap()
}

fn header<'a>(response: &'a http::Response<Bytes>, name: &str) -> &'a str {
    response.headers().get(name).map_or("", |v| v.to_str().unwrap())
}

fn signed(options: &str) -> String {
    let options = ImageOptions::parse(options, &ImageLimits::default()).unwrap();
    SigningKeys::parse(KEYS).unwrap().signed_url(&options, &photo().original_path()).unwrap()
}

const CHROME: &str = "image/avif,image/webp,image/apng,image/*,*/*;q=0.8";

#[test]
fn pages_offer_preset_widths_with_size_and_placeholder() {
    let host = host();
    let page = get(&host, "/p/1-kente-stole", &[]);
    let body = text(&page);
    let original = photo().original_path();
    assert!(body.contains(&format!("src=\"/cdn-cgi/image/width=800,format=auto{original}\"")), "{body}");
    for width in [400, 800, 1600] {
        assert!(
            body.contains(&format!("/cdn-cgi/image/width={width},format=auto{original} {width}w")),
            "{width}"
        );
    }
    assert!(body.contains("width=\"800\" height=\"600\""));
    assert!(body.contains("sizes=\""));
    assert!(body.contains("background:#ddd url(data:image/png;base64,"), "ThumbHash placeholder");
    let home = text(&get(&host, "/", &[])).to_owned();
    assert!(home.contains(&format!("/cdn-cgi/image/width=160,format=auto{original} 160w")));
    assert!(home.contains("width=\"400\" height=\"300\""));
}

#[test]
fn several_photos_are_a_gallery_that_needs_no_script_with_only_the_main_one_eager() {
    let host = host();
    let body = text(&get(&host, "/p/2-kente-cloth", &[])).to_owned();
    let [main, second, third] = GALLERY.map(|hash| format!("/media/products/2/{hash}.jpg"));
    // Each photo has its place in the strip, and a thumbnail that leads there.
    for n in 1..=3 {
        assert!(body.contains(&format!(r##"<li id="photo-{n}">"##)), "photo {n}: {body}");
        assert!(body.contains(&format!(r##"<a href="#photo-{n}">"##)), "thumbnail {n}: {body}");
    }
    let strip = body.split(r#"<ul class="gallery-strip""#).nth(1).unwrap().split("</ul>").next().unwrap();
    let images: Vec<&str> = strip.split("<img ").skip(1).collect();
    assert_eq!(images.len(), 3, "{strip}");
    assert!(
        images[0].contains(&format!("src=\"/cdn-cgi/image/width=800,format=auto{main}\"")),
        "{}",
        images[0]
    );
    assert!(
        images[0].contains(r#"fetchpriority="high""#) && !images[0].contains("loading="),
        "the main photo is eager"
    );
    assert!(images[0].contains(r#"alt="Photo 1 of 3 of Kente cloth""#), "{}", images[0]);
    for (image, (n, original)) in images[1..].iter().zip([(2, &second), (3, &third)]) {
        assert!(image.contains(r#"loading="lazy""#) && !image.contains("fetchpriority"), "{image}");
        assert!(image.contains(&format!("/cdn-cgi/image/width=800,format=auto{original} 800w")), "{image}");
        assert!(image.contains(r#"width="800" height="600""#), "no layout jump: {image}");
        assert!(image.contains(&format!(r#"alt="Photo {n} of 3 of Kente cloth""#)), "{image}");
    }
    let thumbnails =
        body.split(r#"<nav class="gallery-thumbs""#).nth(1).unwrap().split("</nav>").next().unwrap();
    assert_eq!(thumbnails.matches(r#"loading="lazy""#).count(), 3, "{thumbnails}");
    assert!(thumbnails.contains(&format!("/cdn-cgi/image/width=160,format=auto{third}")), "{thumbnails}");
    assert!(!strip.contains("<script") && !thumbnails.contains("<script"));
    // One photo is no gallery: the page is as before.
    let single = text(&get(&host, "/p/1-kente-stole", &[])).to_owned();
    assert!(!single.contains("gallery") && single.contains(r#"alt="Kente stole""#), "{single}");
    // A lite page shows the main photo's thumbnail only.
    let lite = text(&get(&host, "/p/2-kente-cloth", &[("save-data", "on")])).to_owned();
    assert!(!lite.contains("photo-2") && !lite.contains(&second), "{lite}");
}

#[test]
fn gallery_alt_texts_are_in_the_pages_language() {
    let host = host();
    for (language, alt) in [
        (Language::Fr, "Photo 2 sur 3 de Kente cloth"),
        (Language::Ar, "الصورة 2 من 3 لـ Kente cloth"),
        (Language::Sw, "Picha 2 kati ya 3 ya Kente cloth"),
    ] {
        let path = format!("/p/2-kente-cloth?lang={}", language.tag());
        let body = text(&get(&host, &path, &[])).to_owned();
        assert!(body.contains(&format!(r#"alt="{alt}""#)), "{language:?}: {body}");
        if matches!(language, Language::Fr | Language::Ar) {
            assert_eq!(support::english_left_in(&body, language), Vec::<String>::new(), "{language:?}");
            assert!(!body.contains("Photo 2 of 3") && !body.contains("Choose a photo"), "{language:?}");
        }
    }
}

#[test]
fn lite_pages_show_thumbnails_only_and_are_cached_apart() {
    let host = host();
    let full = get(&host, "/p/1-kente-stole", &[]);
    assert!(header(&full, "vary").contains("Save-Data"));
    let lite = get(&host, "/p/1-kente-stole", &[("save-data", "on")]);
    let body = text(&lite);
    assert!(body.contains("Lite page"));
    assert!(body.contains("/cdn-cgi/image/width=160,format=auto"));
    assert!(!body.contains("srcset") && !body.contains("width=800"), "{body}");
    assert!(header(&lite, "cache-status").contains("fwd=miss"), "a cache entry of its own");
    let by_parameter = get(&host, "/p/1-kente-stole?lite=1", &[]);
    assert!(header(&by_parameter, "cache-status").contains("; hit"), "?lite=1 shares the lite entry");
    let on_2g = get(&host, "/p/1-kente-stole", &[("ect", "slow-2g")]);
    assert!(header(&on_2g, "cache-status").contains("; hit"));
    assert!(header(&get(&host, "/p/1-kente-stole", &[]), "cache-status").contains("; hit"));
    let pages = host.cache.borrow().keys().filter(|k| k.path() == "/p/1").count();
    assert_eq!(pages, 2, "two copies of the page: full and lite");
}

#[test]
fn a_preset_needs_no_signature_and_is_the_origins_variant_by_accept() {
    let host = host();
    let path = format!("/cdn-cgi/image/width=400,format=auto{}", photo().original_path());
    let webp = get(&host, &path, &[("accept", "image/webp,*/*")]);
    assert_eq!(webp.status(), 200);
    assert_eq!(header(&webp, "content-type"), "image/webp");
    assert_eq!(header(&webp, "vary"), "Accept");
    assert_eq!(webp.body().as_ref(), b"webp 400");
    assert!(header(&webp, "cache-control").contains("immutable"));
    let jpeg = get(&host, &path, &[("accept", "*/*")]);
    assert_eq!(header(&jpeg, "content-type"), "image/jpeg");
    assert_eq!(size_of(jpeg.body()), (400, 300));
    // AVIF browsers: the origin has no AVIF copy, so they get the WebP one.
    let avif = get(&host, &path, &[("accept", CHROME)]);
    assert_eq!(avif.body().as_ref(), b"webp 400");
    for (accept, expected) in [("image/webp,*/*", "webp 400"), (CHROME, "webp 400")] {
        let again = get(&host, &path, &[("accept", accept)]);
        assert!(header(&again, "cache-status").contains("; hit"), "{accept}");
        assert_eq!(again.body().as_ref(), expected.as_bytes());
    }
    let image_entries = host.cache.borrow().keys().filter(|k| k.path().starts_with("/media/")).count();
    assert_eq!(image_entries, 3, "one copy per bucket");
    assert!(host.fetched.borrow().iter().all(|p| !p.ends_with(&format!("{HASH}.jpg"))), "never the original");
}

#[test]
fn other_sizes_need_a_valid_signature() {
    let host = host();
    let original = photo().original_path();
    let unsigned = get(&host, &format!("/cdn-cgi/image/width=640{original}"), &[]);
    assert_eq!(unsigned.status(), 403);
    assert_eq!(header(&unsigned, "content-type"), "application/problem+json");
    assert!(text(&unsigned).contains("signed URL"));
    let good = signed("width=640");
    let tampered = good.replace("width=640", "width=641");
    assert_eq!(get(&host, &tampered, &[]).status(), 403);
    let unknown = good.replace("sig=2026b.", "sig=2025z.");
    assert!(text(&get(&host, &unknown, &[])).contains("2025z"));
    assert!(host.fetched.borrow().is_empty(), "nothing fetched for a refused request");

    let resized = get(&host, &good, &[("accept", CHROME)]);
    assert_eq!(resized.status(), 200, "{}", text(&resized));
    assert_eq!(header(&resized, "content-type"), "image/jpeg", "auto is JPEG for resized images");
    assert_eq!(size_of(resized.body()), (640, 480));
    assert!(header(&resized, "vary").is_empty());
    assert_eq!(
        host.fetched.borrow().as_slice(),
        [photo().variant_path(Preset::Detail, PhotoFormat::Jpeg)],
        "resized from the smallest preset at least as wide"
    );
    assert!(header(&get(&host, &good, &[]), "cache-status").contains("; hit"));
    // A URL signed with the previous key still verifies after a rotation.
    let old = SigningKeys::parse("2026a:the old secret still verifies").unwrap();
    let options = ImageOptions::parse("width=300,height=300,fit=cover", &ImageLimits::default()).unwrap();
    let old_url = old.signed_url(&options, &original).unwrap();
    let square = get(&host, &old_url, &[]);
    assert_eq!(square.status(), 200);
    assert_eq!(size_of(square.body()), (300, 300));
}

#[test]
fn fit_pad_and_png_give_the_box_asked_for() {
    let host = host();
    let padded = get(&host, &signed("width=500,height=500,fit=pad,background=#ffffff,format=png"), &[]);
    assert_eq!(padded.status(), 200, "{}", text(&padded));
    assert_eq!(header(&padded, "content-type"), "image/png");
    assert_eq!(size_of(padded.body()), (500, 500));
    let retina = get(&host, &signed("width=700,dpr=2"), &[]);
    assert_eq!(size_of(retina.body()), (1400, 1050));
    assert!(host.fetched.borrow().contains(&photo().variant_path(Preset::Zoom, PhotoFormat::Jpeg)));
    // Off the presets an explicit WebP is a JPEG: the edge has no lossy WebP encoder, and a
    // lossless photograph is many times the bytes.
    let webp = get(&host, &signed("width=100,format=webp"), &[]);
    assert_eq!(header(&webp, "content-type"), "image/jpeg");
    assert_eq!(&webp.body()[..3], b"\xff\xd8\xff", "JPEG bytes");
    assert_eq!(size_of(webp.body()), (100, 75));
}

#[test]
fn invalid_options_are_refused_naming_the_option() {
    let host = host();
    let original = photo().original_path();
    for (options, option, words) in [
        ("width=abc", "width", "whole number"),
        ("width=5000", "width", "4096"),
        ("width=2100,dpr=2", "width", "4200 px"),
        ("fit=stretch", "fit", "scale-down"),
        ("rotate=90", "rotate", "unknown option"),
    ] {
        let response = get(&host, &format!("/cdn-cgi/image/{options}{original}"), &[]);
        assert_eq!(response.status(), 400, "{options}");
        let problem: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
        assert_eq!(problem["option"], option, "{options}");
        assert!(problem["detail"].as_str().unwrap().contains(words), "{options}: {problem}");
    }
}

#[test]
fn only_the_shops_own_originals_can_be_sources() {
    let host = host();
    for source in [
        "/https://evil.example/cat.jpg",
        "/api/v1/home",
        "/media/products/1/0123456789abcdef0123456789abcdef/card.webp",
        "/media/products/1/../../etc/passwd",
    ] {
        let response = get(&host, &format!("/cdn-cgi/image/width=400{source}"), &[]);
        assert_eq!(response.status(), 400, "{source}");
        assert_eq!(header(&response, "content-type"), "application/problem+json");
    }
    let missing =
        get(&host, "/cdn-cgi/image/width=400/media/products/9/ffffffffffffffffffffffffffffffff.jpg", &[]);
    assert_eq!(missing.status(), 404);
    assert!(host.fetched.borrow().iter().all(|p| p.starts_with("/media/products/")));
}

#[test]
fn purging_a_product_drops_its_images() {
    let host = host();
    let path = format!("/cdn-cgi/image/width=160,format=jpeg{}", photo().original_path());
    assert!(header(&get(&host, &path, &[]), "cache-status").contains("fwd=miss"));
    assert!(header(&get(&host, &path, &[]), "cache-status").contains("; hit"));
    host.purges.borrow_mut().push(Purge { seq: 1, selector: PurgeSelector::Tag("product:1".into()) });
    host.now.set(host.now.get() + linkedall_edge::purge_journal::REFRESH_MILLIS);
    assert!(header(&get(&host, &path, &[]), "cache-status").contains("fwd=miss"), "purged with the product");
}

#[test]
fn a_preset_the_origin_has_not_made_yet_is_resized_and_kept_briefly() {
    let host = host();
    host.media.borrow_mut().retain(|path, _| !path.contains("/card."));
    let response =
        get(&host, &format!("/cdn-cgi/image/width=400,format=auto{}", photo().original_path()), &[]);
    assert_eq!(response.status(), 200);
    assert_eq!(size_of(response.body()), (400, 300));
    let entry = host.cache.borrow().values().find(|e| e.tags == ["product:1"]).cloned().unwrap();
    assert_eq!(entry.ttl_secs, linkedall_edge::images::STAND_IN_TTL_SECS);
}
