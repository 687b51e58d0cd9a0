//! The edge app against an in-memory host: what a shopper gets for each kind of request,
//! without any network.

mod support;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use bytes::Bytes;
use futures_executor::block_on;
use linkedall_edge::{CacheKey, Cached, Geo, Host, OriginError, Timestamp, handle};
use linkedall_shared::*;

/// A host whose origin is a map of path → wire document, counting origin fetches.
struct FakeHost {
    documents: HashMap<String, Vec<u8>>,
    cache: RefCell<HashMap<CacheKey, Cached>>,
    origin_up: Cell<bool>,
    fetches: RefCell<Vec<http::Request<Bytes>>>,
    now: Cell<u64>,
    /// The origin's purge journal (its reads are not counted in `fetches`).
    purges: RefCell<Vec<Purge>>,
    /// The purge position the origin sends with its documents, when it sends one.
    document_purge_seq: Cell<Option<u64>>,
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
        // The purge journal and exchange rates (not counted as fetches).
        if support::is_bookkeeping(&path) {
            if !self.origin_up.get() {
                return Err(OriginError::Unreachable("connection refused".into()));
            }
            let rates = FxRates {
                as_of: "2026-11-30T00:00:00Z".into(),
                per_usd_micros: vec![(Currency::KES, 125_000_000), (Currency::NGN, 1_500_000_000)],
            };
            return Ok(support::bookkeeping(&path, &self.purges.borrow(), &rates).expect("bookkeeping"));
        }
        self.fetches.borrow_mut().push(req);
        if !self.origin_up.get() {
            return Err(OriginError::Unreachable("connection refused".into()));
        }
        Ok(match self.documents.get(&path) {
            Some(bytes) => {
                let mut response = http::Response::new(Bytes::from(bytes.clone()));
                if let Some(seq) = self.document_purge_seq.get() {
                    response.headers_mut().insert(PURGE_SEQ_HEADER, seq.into());
                }
                response
            }
            None => http::Response::builder()
                .status(404)
                .header("content-type", "application/problem+json")
                .body(Bytes::from_static(
                    br#"{"type":"/problems/not-found","status":404,"detail":"product 999 was not found"}"#,
                ))
                .unwrap(),
        })
    }
    fn geo(&self, req: &http::Request<Bytes>) -> Geo {
        Geo {
            country: req.headers().get("x-country").and_then(|v| v.to_str().ok()).map(str::to_owned),
            ..Geo::default()
        }
    }
    fn now(&self) -> Timestamp {
        Timestamp(self.now.get())
    }
}

fn card(id: i64, name: &str, minor: i64) -> ProductCard {
    ProductCard {
        id: ProductId::new(id),
        name: name.into(),
        slug: slugify(name),
        price: Money::new(Currency::KES, minor),
        stock: Stock(3),
        image: format!("/images/products/{id}.svg"),
        photo: None,
        vendor_id: VendorId::new(1),
        vendor_name: "Gikomba Styles Ltd".into(),
        vendor_city: "Nairobi".into(),
        category_id: CategoryId::new(2),
        rating: Default::default(),
    }
}

fn fashion() -> Category {
    Category {
        id: CategoryId::new(2),
        slug: "fashion".into(),
        name: "Fashion".into(),
        description: "Wax prints".into(),
    }
}

fn host() -> FakeHost {
    let mut documents = HashMap::new();
    let home = HomeFeed { categories: vec![fashion()], featured: vec![card(1, "Kitenge skirt", 250_000)] };
    documents.insert("/api/v1/home".into(), wire::encode(&home));
    let list = SearchResults {
        query: String::new(),
        category: Some(fashion()),
        categories: vec![fashion()],
        items: vec![card(1, "Kitenge skirt", 250_000), card(2, "Maasai shuka", 99_950)],
        count: ResultCount { at_least: 30, exact: true },
        page: 1,
        has_next: true,
    };
    documents.insert("/api/v1/search?category=fashion&limit=24".into(), wire::encode(&list));
    let detail = ProductDetail {
        product: Product {
            id: ProductId::new(1),
            vendor_id: VendorId::new(1),
            category_id: CategoryId::new(2),
            name: "Kitenge skirt".into(),
            slug: "kitenge-skirt".into(),
            description: "Hand-sewn".into(),
            price: Money::new(Currency::KES, 250_000),
            stock: Stock(3),
            image: "/images/products/1.svg".into(),
            photo: None,
            rating: Default::default(),
        },
        vendor: Vendor {
            id: VendorId::new(1),
            name: "Gikomba Styles Ltd".into(),
            slug: "gikomba-styles-ltd".into(),
            city: "Nairobi".into(),
            country: "KE".into(),
            description: "Fashion".into(),
            ships_to: ShippingZone::Africa,
        },
        category: fashion(),
        reviews: Vec::new(),
        photos: Vec::new(),
    };
    documents.insert("/api/v1/products/1".into(), wire::encode(&detail));
    documents.insert("/api/v1/categories".into(), b"[]".to_vec());
    FakeHost {
        documents,
        cache: RefCell::default(),
        origin_up: Cell::new(true),
        fetches: RefCell::default(),
        now: Cell::new(1_000_000),
        purges: RefCell::default(),
        document_purge_seq: Cell::default(),
    }
}

fn get(host: &FakeHost, path: &str) -> http::Response<Bytes> {
    block_on(handle(http::Request::get(path).header("x-country", "KE").body(Bytes::new()).unwrap(), host))
}

fn text(response: &http::Response<Bytes>) -> &str {
    std::str::from_utf8(response.body()).unwrap()
}

fn cache_status(response: &http::Response<Bytes>) -> &str {
    response.headers()["cache-status"].to_str().unwrap()
}

#[test]
fn the_home_page_renders_products_prices_and_the_shoppers_country() {
    let host = host();
    let response = get(&host, "/");
    assert_eq!(response.status(), 200);
    let body = text(&response);
    assert!(body.contains("Kitenge skirt") && body.contains("KSh 2,500"), "{body}");
    assert!(!body.contains("KSh 2,500.00"), "whole amounts are written without zero cents: {body}");
    assert!(body.contains("Prices in KES"));
    assert!(!body.contains("from the seller"), "Kenyan prices need no conversion for a shopper in Kenya");
    assert!(body.contains("/assets/app."), "links the hashed stylesheet");
    let fetch = &host.fetches.borrow()[0];
    assert_eq!(fetch.headers()["accept"], wire::MEDIA_TYPE);
    assert!(fetch.headers().contains_key("traceparent") && fetch.headers().contains_key("x-request-id"));
}

#[test]
fn prices_are_also_shown_converted_to_the_shoppers_currency_and_cached_per_currency() {
    let host = host();
    let request = |country: &str| {
        http::Request::get("/p/1-kitenge-skirt").header("x-country", country).body(Bytes::new()).unwrap()
    };
    let nigeria = block_on(handle(request("NG"), &host));
    let body = text(&nigeria);
    // KSh 2,500 = $20 = ₦30,000 at the origin's rates: the shopper's price first,
    // the seller's second.
    let (naira, shillings) = (
        body.find("₦30,000").expect("the shopper's price"),
        body.find("KSh 2,500 from the seller").expect("the seller's price"),
    );
    assert!(naira < shillings && body.contains("converted at today"), "{body}");
    assert!(body.contains("Prices in NGN"));
    // A shopper from a country without a rate sees the vendor's price alone, and one from
    // outside Africa gets dollars; each currency is its own cache entry, countries sharing one
    // share it.
    let south_africa = block_on(handle(request("ZA"), &host));
    let south_africa = text(&south_africa);
    assert!(south_africa.contains("KSh 2,500") && !south_africa.contains("from the seller"));
    assert!(text(&block_on(handle(request("US"), &host))).contains("$20 <span class=\"converted\""));
    let fetches = host.fetches.borrow().len();
    assert!(cache_status(&block_on(handle(request("NG"), &host))).contains("hit"));
    assert!(cache_status(&block_on(handle(request("FR"), &host))).contains("hit"), "FR shares the USD page");
    assert_eq!(host.fetches.borrow().len(), fetches);
}

#[test]
fn a_second_request_is_a_hit_until_the_ttl_runs_out() {
    let host = host();
    let first = get(&host, "/c/fashion?utm_source=whatsapp");
    assert_eq!(cache_status(&first), "linkedall-edge; fwd=miss; stored");
    assert!(text(&first).contains("Maasai shuka") && text(&first).contains("/c/fashion?page=2"));
    let second = get(&host, "/c/fashion");
    assert!(cache_status(&second).starts_with("linkedall-edge; hit; ttl="), "{}", cache_status(&second));
    assert_eq!(host.fetches.borrow().len(), 1, "the hit did not reach the origin");
    // DevTools shows the split: a miss waited for the origin, a hit did not.
    let timing = |r: &http::Response<Bytes>| r.headers()["server-timing"].to_str().unwrap().to_owned();
    assert!(timing(&first).starts_with("cache;desc=miss, ") && timing(&first).contains("edge;dur="));
    assert!(timing(&second).starts_with("cache;desc=hit, edge;dur="), "{}", timing(&second));
    host.now.set(host.now.get() + 61_000);
    let stale = get(&host, "/c/fashion");
    assert!(cache_status(&stale).contains("stale-while-revalidate"), "stale after 60 s");
    assert_eq!(host.fetches.borrow().len(), 2, "and refreshed (inline, by `handle`)");
    assert!(cache_status(&get(&host, "/c/fashion")).contains("; hit"));
    let entry =
        host.cache.borrow().iter().find(|(k, _)| k.path() == "/c/fashion").map(|(_, e)| e).cloned().unwrap();
    assert!(entry.tags.contains(&"category:2".to_owned()) && entry.tags.contains(&"product:1".to_owned()));
}

#[test]
fn a_product_page_shows_its_vendor_and_redirects_old_slugs() {
    let host = host();
    let response = get(&host, "/p/1-kitenge-skirt");
    assert_eq!(response.status(), 200);
    assert!(text(&response).contains("Gikomba Styles Ltd") && text(&response).contains("Only 3 left"));
    let moved = get(&host, "/p/1-old-name");
    assert_eq!(moved.status(), 301);
    assert_eq!(moved.headers()["location"], "/p/1-kitenge-skirt");
}

#[test]
fn invented_slugs_do_not_grow_the_cache() {
    let host = host();
    assert_eq!(get(&host, "/p/1-kitenge-skirt").status(), 200);
    let entries = host.cache.borrow().len();
    for n in 0..50 {
        let moved = get(&host, &format!("/p/1-invented-{n}"));
        assert_eq!(moved.status(), 301);
        assert_eq!(moved.headers()["location"], "/p/1-kitenge-skirt");
    }
    assert_eq!(host.cache.borrow().len(), entries, "no entry per invented slug");
    assert_eq!(host.fetches.borrow().len(), 1, "the redirects came from the cached page");
    // A wrong slug asked first still stores only the page, under which the right slug hits.
    let other = self::host();
    assert_eq!(get(&other, "/p/1-first-visit-invented").status(), 301);
    assert!(cache_status(&get(&other, "/p/1-kitenge-skirt")).contains("; hit"));
}

/// The headers every page the edge renders carries (see `linkedall_edge::security_headers`).
fn assert_secured(response: &http::Response<Bytes>, what: &str) {
    let headers = response.headers();
    assert_eq!(
        headers.get("content-security-policy").map(|v| v.to_str().unwrap()),
        Some(linkedall_edge::security_headers::CONTENT_SECURITY_POLICY),
        "{what}"
    );
    assert!(linkedall_edge::security_headers::CONTENT_SECURITY_POLICY.contains("frame-ancestors 'none'"));
    assert_eq!(headers["referrer-policy"], "strict-origin-when-cross-origin", "{what}");
    assert_eq!(headers["x-content-type-options"], "nosniff", "{what}");
}

#[test]
fn every_page_kind_carries_the_security_headers_and_hsts_only_over_https() {
    let host = host();
    for path in [
        "/",
        "/c/fashion",
        "/p/1-kitenge-skirt",
        "/search",
        "/p/999-nothing",
        "/p/abc",
        "/assets/nothing.css",
    ] {
        let response = get(&host, path);
        assert_secured(&response, path);
        assert!(!response.headers().contains_key("strict-transport-security"), "{path} came over http");
        // The second time from the cache, with the same headers.
        assert_secured(&get(&host, path), path);
    }
    let over_https = |path: &str| {
        let request =
            http::Request::get(path).header("x-forwarded-proto", "https").body(Bytes::new()).unwrap();
        block_on(handle(request, &host))
    };
    for path in ["/", "/p/1-kitenge-skirt", "/p/999-nothing"] {
        let response = over_https(path);
        assert_secured(&response, path);
        assert!(response.headers()["strict-transport-security"].to_str().unwrap().starts_with("max-age="));
    }
    let https_url = http::Request::get("https://shop.example/c/fashion").body(Bytes::new()).unwrap();
    assert!(block_on(handle(https_url, &host)).headers().contains_key("strict-transport-security"));
    host.origin_up.set(false);
    let unavailable = get(&host, "/c/beauty");
    assert_eq!(unavailable.status(), 503);
    assert_secured(&unavailable, "the origin-unavailable page");
}

/// The policy allows no inline script and inline styles only as attributes: no template may
/// need more. Scripts come only from `/assets/` files.
#[test]
fn the_pages_run_no_inline_script_so_the_policy_holds() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut files = vec![];
    for entry in std::fs::read_dir(&dir).unwrap().chain(std::fs::read_dir(dir.join("shop")).unwrap()) {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "html") {
            files.push(path);
        }
    }
    assert!(files.len() > 10, "{files:?}");
    for path in files {
        // Structured data for search engines is a data block, which no browser runs; the
        // real-user beacon and the photo form's script are files under /assets/, which the
        // policy allows (`script-src 'self'`).
        let html = std::fs::read_to_string(&path)
            .unwrap()
            .to_ascii_lowercase()
            .replace(r#"<script type="application/ld+json">{{ structured_data|safe }}</script>"#, "")
            .replace(r#"<script src="{{ layout.rum_script }}" defer></script>"#, "")
            .replace(r#"<script src="{{ photo_script }}" defer></script>"#, "");
        for forbidden in ["<script", "<style", "javascript:", "<iframe", "<object", "<embed"] {
            assert!(!html.contains(forbidden), "{} has {forbidden}", path.display());
        }
        let handler = html.split(|c: char| c.is_whitespace()).any(|word| {
            word.starts_with("on")
                && word.split_once('=').is_some_and(|(name, _)| name.bytes().all(|b| b.is_ascii_lowercase()))
        });
        assert!(!handler, "{} has an on…= handler", path.display());
    }
}

#[test]
fn unknown_and_malformed_products_are_404_pages() {
    let host = host();
    let unknown = get(&host, "/p/999-nothing");
    assert_eq!(unknown.status(), 404);
    // The shopper reads a sentence, never the origin's developer text.
    assert!(text(&unknown).contains("is not in the shop, or is no longer on sale"), "{}", text(&unknown));
    assert!(!text(&unknown).contains("product 999"));
    for path in ["/p/abc", "/p/-1-x", "/p/99999999999999999999-x", "/assets/app.css"] {
        let response = get(&host, path);
        assert_eq!(response.status(), 404, "{path}");
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    }
}

#[test]
fn an_unreachable_origin_gives_a_clear_503_page_or_problem() {
    let host = host();
    host.origin_up.set(false);
    let page = get(&host, "/c/fashion");
    assert_eq!(page.status(), 503);
    assert_eq!(page.headers()["retry-after"], "5");
    assert!(text(&page).contains("cannot reach the shop"));
    let api = get(&host, "/api/v1/categories");
    assert_eq!(api.status(), 503);
    assert_eq!(api.headers()["content-type"], "application/problem+json");
}

#[test]
fn other_paths_are_proxied_with_the_request_id() {
    let host = host();
    let request = http::Request::get("/api/v1/categories")
        .header("x-request-id", "abc")
        .header("connection", "close")
        .body(Bytes::new())
        .unwrap();
    let response = block_on(handle(request, &host));
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-request-id"], "abc");
    assert_eq!(cache_status(&response), "linkedall-edge; fwd=bypass");
    let forwarded = &host.fetches.borrow()[0];
    assert_eq!(forwarded.headers()["x-request-id"], "abc");
    assert!(!forwarded.headers().contains_key("connection"));
}

#[test]
fn an_origin_speaking_a_newer_wire_version_gives_a_502_not_garbage() {
    let mut host = host();
    let mut bytes = host.documents["/api/v1/home"].clone();
    bytes[0] = wire::WIRE_VERSION + 1;
    host.documents.insert("/api/v1/home".into(), bytes);
    let response = get(&host, "/");
    assert_eq!(response.status(), 502);
}

#[test]
fn a_browser_holding_the_current_page_gets_304_without_a_body() {
    let host = host();
    let first = get(&host, "/p/1-kitenge-skirt");
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let request = http::Request::get("/p/1-kitenge-skirt")
        .header("x-country", "KE")
        .header("if-none-match", &etag)
        .body(Bytes::new())
        .unwrap();
    let revalidated = block_on(handle(request, &host));
    assert_eq!(revalidated.status(), 304);
    assert!(revalidated.body().is_empty());
    assert_eq!(revalidated.headers()["etag"], etag.as_str());
    assert!(cache_status(&revalidated).contains("hit"));
    let stale_tag = http::Request::get("/p/1-kitenge-skirt")
        .header("x-country", "KE")
        .header("if-none-match", "\"0000000000000000\"")
        .body(Bytes::new())
        .unwrap();
    assert_eq!(block_on(handle(stale_tag, &host)).status(), 200);
}

#[test]
fn when_the_origin_fails_a_stale_page_is_served_for_up_to_a_day() {
    let host = host();
    assert_eq!(get(&host, "/c/fashion").status(), 200);
    host.origin_up.set(false);
    // Within the revalidation window the stale page is served at once, and the failed
    // refresh keeps it.
    host.now.set(host.now.get() + 120_000);
    assert!(cache_status(&get(&host, "/c/fashion")).contains("stale-while-revalidate"));
    // Past that window, the origin is asked first and its failure falls back to the page.
    host.now.set(host.now.get() + 600_000);
    let stale = get(&host, "/c/fashion");
    assert_eq!(stale.status(), 200);
    assert!(text(&stale).contains("Maasai shuka"));
    assert_eq!(cache_status(&stale), "linkedall-edge; hit; ttl=-660; detail=stale-if-error");
    assert!(text(&stale).contains("The shop is briefly read-only"), "read-only notice");
    assert!(text(&stale).contains("as it was 12 minutes ago"));
    // The notice is part of the copy served, not of the cached page.
    let cached = host
        .cache
        .borrow()
        .iter()
        .find(|(key, _)| key.path() == "/c/fashion")
        .map(|(_, page)| page.clone())
        .unwrap();
    assert!(!std::str::from_utf8(&cached.body).unwrap().contains("read-only"));
    host.now.set(host.now.get() + 25 * 3600 * 1000);
    assert_eq!(get(&host, "/c/fashion").status(), 503, "too old to stand in");
}

/// A host configured with a shorter max-stale than the default day.
struct ShortMaxStale(FakeHost);

impl Host for ShortMaxStale {
    async fn cache_get(&self, key: &CacheKey) -> Option<Cached> {
        self.0.cache_get(key).await
    }
    async fn cache_put(&self, key: &CacheKey, entry: Cached) {
        self.0.cache_put(key, entry).await
    }
    async fn fetch_origin(&self, req: http::Request<Bytes>) -> Result<http::Response<Bytes>, OriginError> {
        self.0.fetch_origin(req).await
    }
    fn geo(&self, req: &http::Request<Bytes>) -> Geo {
        self.0.geo(req)
    }
    fn now(&self) -> Timestamp {
        self.0.now()
    }
    fn max_stale_secs(&self) -> u64 {
        3600
    }
}

#[test]
fn read_only_mode_ends_at_the_hosts_max_stale() {
    let host = ShortMaxStale(host());
    let request = |path: &str| http::Request::get(path).body(Bytes::new()).unwrap();
    assert_eq!(block_on(handle(request("/p/1-kitenge-skirt"), &host)).status(), 200);
    host.0.origin_up.set(false);
    // TTL 300 s, revalidation window past it; 50 minutes later it is still served read-only.
    host.0.now.set(host.0.now.get() + 3_300_000);
    let stale = block_on(handle(request("/p/1-kitenge-skirt"), &host));
    assert_eq!(stale.status(), 200);
    assert!(text(&stale).contains("briefly read-only"));
    host.0.now.set(host.0.now.get() + 3_600_000);
    assert_eq!(block_on(handle(request("/p/1-kitenge-skirt"), &host)).status(), 503, "past max-stale");
}

/// A fetch that yields once before answering, so concurrent requests really overlap.
struct SlowOrigin(FakeHost);

impl Host for SlowOrigin {
    async fn cache_get(&self, key: &CacheKey) -> Option<Cached> {
        self.0.cache_get(key).await
    }
    async fn cache_put(&self, key: &CacheKey, entry: Cached) {
        self.0.cache_put(key, entry).await
    }
    async fn fetch_origin(&self, req: http::Request<Bytes>) -> Result<http::Response<Bytes>, OriginError> {
        let mut yielded = false;
        std::future::poll_fn(|cx| {
            if yielded {
                std::task::Poll::Ready(())
            } else {
                yielded = true;
                cx.waker().wake_by_ref();
                std::task::Poll::Pending
            }
        })
        .await;
        self.0.fetch_origin(req).await
    }
    fn geo(&self, req: &http::Request<Bytes>) -> Geo {
        self.0.geo(req)
    }
    fn now(&self) -> Timestamp {
        self.0.now()
    }
}

#[test]
fn twenty_concurrent_misses_cost_the_origin_one_request() {
    let host = SlowOrigin(host());
    let requests =
        (0..20).map(|_| handle(http::Request::get("/c/fashion").body(Bytes::new()).unwrap(), &host));
    let responses = block_on(futures_util::future::join_all(requests));
    assert_eq!(host.0.fetches.borrow().len(), 1);
    assert!(responses.iter().all(|r| r.status() == 200 && text(r).contains("Maasai shuka")));
    let collapsed = responses.iter().filter(|r| cache_status(r).ends_with("collapsed")).count();
    assert_eq!(collapsed, 19);
}

#[test]
fn concurrent_misses_while_the_origin_is_down_share_one_error_page() {
    let host = SlowOrigin(host());
    host.0.origin_up.set(false);
    let requests =
        (0..5).map(|_| handle(http::Request::get("/c/fashion").body(Bytes::new()).unwrap(), &host));
    let responses = block_on(futures_util::future::join_all(requests));
    assert_eq!(host.0.fetches.borrow().len(), 1);
    assert!(responses.iter().all(|r| r.status() == 503));
}

fn purge(host: &FakeHost, selector: PurgeSelector) {
    let mut purges = host.purges.borrow_mut();
    let seq = purges.len() as u64 + 1;
    purges.push(Purge { seq, selector });
}

#[test]
fn a_purge_makes_every_page_that_showed_the_product_a_miss_within_the_refresh_interval() {
    let mut host = host();
    for path in ["/", "/c/fashion", "/p/1-kitenge-skirt"] {
        assert!(cache_status(&get(&host, path)).contains("fwd=miss"));
        assert!(cache_status(&get(&host, path)).contains("hit"), "{path}");
    }
    purge(&host, PurgeSelector::Tag("product:1".into()));
    host.now.set(host.now.get() + linkedall_edge::purge_journal::REFRESH_MILLIS);
    let before = host.fetches.borrow().len();
    let mut detail: ProductDetail = wire::decode(&host.documents["/api/v1/products/1"]).unwrap();
    detail.product.price = Money::new(Currency::KES, 200_000);
    host.documents.insert("/api/v1/products/1".into(), wire::encode(&detail));
    assert!(cache_status(&get(&host, "/")).contains("fwd=miss"), "the home page was purged");
    // That request's background work warmed the other pages the purge reached, so shoppers
    // find them fetched again already.
    for path in ["/c/fashion", "/p/1-kitenge-skirt"] {
        assert!(cache_status(&get(&host, path)).contains("; hit; ttl="), "{path} was warmed");
    }
    assert!(text(&get(&host, "/p/1-kitenge-skirt")).contains("KSh 2,000"), "the warmed copy is the new one");
    assert_eq!(host.fetches.borrow().len(), before + 3, "one fetch per purged page");
    // A purge naming something else leaves the pages alone; a prefix reaches its pages only.
    purge(&host, PurgeSelector::Tag("product:77".into()));
    purge(&host, PurgeSelector::Prefix("/c/".into()));
    host.now.set(host.now.get() + linkedall_edge::purge_journal::REFRESH_MILLIS);
    assert!(cache_status(&get(&host, "/c/fashion")).contains("fwd=miss"));
    assert!(cache_status(&get(&host, "/p/1-kitenge-skirt")).contains("hit"));
    assert!(cache_status(&get(&host, "/")).contains("hit"));
    assert_eq!(host.fetches.borrow().len(), before + 4);
}

fn get_as(host: &FakeHost, path: &str, country: &str, cookie: Option<&str>) -> http::Response<Bytes> {
    let mut request = http::Request::get(path).header("x-country", country);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    block_on(handle(request.body(Bytes::new()).unwrap(), host))
}

#[test]
fn a_product_whose_shop_does_not_deliver_to_the_shopper_says_so_from_the_one_cached_page() {
    let mut host = host();
    let mut detail: ProductDetail = wire::decode(&host.documents["/api/v1/products/1"]).unwrap();
    (detail.vendor.country, detail.vendor.ships_to) = ("SN".into(), ShippingZone::Country);
    host.documents.insert("/api/v1/products/1".into(), wire::encode(&detail));
    // Senegal and Côte d'Ivoire share the CFA franc and French: one cached page for both.
    let senegal = get_as(&host, "/p/1-kitenge-skirt", "SN", None);
    assert!(text(&senegal).contains("Ajouter au panier"), "{}", text(&senegal));
    let ivory_coast = get_as(&host, "/p/1-kitenge-skirt", "CI", None);
    let page = text(&ivory_coast);
    assert!(cache_status(&ivory_coast).contains("hit"), "the same cached page");
    assert!(!page.contains("Ajouter au panier") && !page.contains(r#"action="/cart""#), "{page}");
    assert!(page.contains("Cette boutique ne livre pas dans votre pays"), "{page}");
    assert_ne!(senegal.headers()["etag"], ivory_coast.headers()["etag"], "a browser keeps them apart");
    let again = get_as(&host, "/p/1-kitenge-skirt", "SN", None);
    assert!(text(&again).contains("Ajouter au panier"), "the cached page kept its form");
}

#[test]
fn pages_speak_the_markets_language_or_the_one_the_shopper_chose() {
    let host = host();
    // Senegal: French by default, prices also in CFA francs.
    let senegal = get_as(&host, "/p/1-kitenge-skirt", "SN", None);
    let html = text(&senegal);
    assert!(html.contains(r#"<html lang="fr" dir="ltr">"#), "{html}");
    assert!(html.contains("Ajouter au panier") && html.contains("Prix en XOF"), "{html}");
    assert!(html.contains("Plus que 3 en stock"), "stock in French: {html}");
    assert!(senegal.headers().get("set-cookie").is_none(), "nothing chosen, nothing remembered");
    // Côte d'Ivoire shares Senegal's currency and language: the same cached page.
    assert!(cache_status(&get_as(&host, "/p/1-kitenge-skirt", "CI", None)).contains("; hit"));
    // A shopper choosing Swahili in the address gets it, and a cookie that keeps it.
    let chosen = get_as(&host, "/p/1-kitenge-skirt?lang=sw", "SN", None);
    assert!(cache_status(&chosen).contains("fwd=miss"), "another language is another page");
    assert!(text(&chosen).contains("Weka kwenye kikapu"), "{}", text(&chosen));
    let cookie = chosen.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("la_lang=sw; Path=/;"), "{cookie}");
    let remembered = get_as(&host, "/p/1-kitenge-skirt", "SN", Some("la_lang=sw"));
    assert!(cache_status(&remembered).contains("; hit") && text(&remembered).contains("Zimebaki 3 tu"));
    // Arabic runs right to left; the menu offers the other languages by their own names.
    let arabic = get_as(&host, "/", "EG", None);
    assert!(text(&arabic).contains(r#"<html lang="ar" dir="rtl">"#));
    assert!(text(&arabic).contains(r#"hreflang="fr" lang="fr">Français</a>"#));
    // A Kenyan shopping as if from Ghana sees cedis, in English.
    let ghana = get_as(&host, "/p/1-kitenge-skirt?country=gh", "KE", None);
    assert!(text(&ghana).contains("Prices in GHS"), "{}", text(&ghana));
    assert!(ghana.headers()["set-cookie"].to_str().unwrap().starts_with("la_country=GH;"));
    assert!(text(&get_as(&host, "/", "KE", Some("la_country=GH"))).contains("Prices in GHS"));
    // Error pages too.
    assert!(text(&get_as(&host, "/p/999-nothing", "MZ", None)).contains("Não encontrámos essa página"));
}

#[test]
fn a_page_is_stamped_with_the_purges_its_origin_document_reflects() {
    let host = host();
    assert!(cache_status(&get(&host, "/")).contains("fwd=miss"), "the edge has read the journal: empty");
    // The product changes at the origin (purges 1 and 2) and, before this edge reads those
    // purges, a shopper asks for a page showing the product: the document says it reflects
    // them, so reading them later does not throw the page away.
    purge(&host, PurgeSelector::Tag("product:1".into()));
    purge(&host, PurgeSelector::Tag("category:2".into()));
    host.document_purge_seq.set(Some(2));
    assert!(cache_status(&get(&host, "/c/fashion")).contains("fwd=miss"));
    host.now.set(host.now.get() + linkedall_edge::purge_journal::REFRESH_MILLIS);
    assert!(cache_status(&get(&host, "/c/fashion")).contains("; hit"), "not dropped by purges it shows");
    // An origin answering from a cache that has not moved on yet sends an older document:
    // the edge knows purge 3 reached the product, so that page is not kept as if current.
    purge(&host, PurgeSelector::Tag("product:1".into()));
    host.now.set(host.now.get() + linkedall_edge::purge_journal::REFRESH_MILLIS);
    assert!(cache_status(&get(&host, "/c/fashion")).contains("fwd=miss"), "purge 3 reached it");
    host.document_purge_seq.set(Some(2));
    assert!(cache_status(&get(&host, "/p/1-kitenge-skirt")).contains("fwd=miss"));
    assert!(
        cache_status(&get(&host, "/p/1-kitenge-skirt")).contains("fwd=miss"),
        "a page older than purge 3 is fetched again"
    );
    host.document_purge_seq.set(Some(3));
    assert!(cache_status(&get(&host, "/p/1-kitenge-skirt")).contains("fwd=miss"));
    assert!(cache_status(&get(&host, "/p/1-kitenge-skirt")).contains("; hit"), "current from then on");
}

#[test]
fn a_purged_page_is_not_served_stale_when_the_origin_fails() {
    let host = host();
    get(&host, "/p/1-kitenge-skirt");
    purge(&host, PurgeSelector::Url("/p/1-kitenge-skirt".into()));
    host.now.set(host.now.get() + linkedall_edge::purge_journal::REFRESH_MILLIS);
    // The journal is read (origin up), then the origin fails for the page itself.
    let journal = block_on(linkedall_edge::purge_journal::current(&host, &ctx()));
    assert_eq!(journal.known(), 1);
    host.origin_up.set(false);
    assert_eq!(get(&host, "/p/1-kitenge-skirt").status(), 503);
}

fn ctx() -> linkedall_edge::trace::RequestContext {
    linkedall_edge::trace::RequestContext::from_headers(&http::HeaderMap::new(), Timestamp(0))
}

#[test]
fn a_stale_page_is_served_at_once_and_refreshed_after_the_answer() {
    let host = host();
    get(&host, "/c/fashion");
    host.now.set(host.now.get() + 61_000);
    let fetches = host.fetches.borrow().len();
    let request = || http::Request::get("/c/fashion").header("x-country", "KE").body(Bytes::new()).unwrap();
    let first = block_on(linkedall_edge::serve(request(), &host));
    assert!(
        cache_status(&first.response).contains("detail=stale-while-revalidate"),
        "{}",
        cache_status(&first.response)
    );
    assert_eq!(host.fetches.borrow().len(), fetches, "answered without waiting for the origin");
    // A second shopper meanwhile gets the stale page too, and starts no second fetch.
    let second = block_on(linkedall_edge::serve(request(), &host));
    assert!(cache_status(&second.response).contains("stale-while-revalidate"));
    assert!(second.background.is_none());
    block_on(first.background.expect("a refresh is due").run(&host));
    assert_eq!(host.fetches.borrow().len(), fetches + 1);
    assert!(cache_status(&get(&host, "/c/fashion")).contains("; hit; ttl="), "fresh again");
    // Far past the window the page is fetched in the foreground.
    host.now.set(host.now.get() + 3_600_000);
    assert!(cache_status(&get(&host, "/c/fashion")).contains("fwd=miss"));
}

#[test]
fn a_stale_page_says_the_shop_is_read_only_once_the_origin_is_known_to_fail() {
    let host = host();
    get(&host, "/c/fashion");
    get(&host, "/p/1-kitenge-skirt");
    host.now.set(host.now.get() + 61_000);
    // Within the stale-while-revalidate window and the origin answering so far: no notice.
    let request = |path: &str| http::Request::get(path).header("x-country", "KE").body(Bytes::new()).unwrap();
    let first = block_on(linkedall_edge::serve(request("/c/fashion"), &host));
    assert!(!text(&first.response).contains("read-only"));
    // The background refresh finds the origin down; from then on stale pages say so, even
    // those the edge answers before asking the origin.
    host.origin_up.set(false);
    block_on(first.background.expect("a refresh is due").run(&host));
    host.now.set(host.now.get() + 240_000);
    let noticed = get(&host, "/p/1-kitenge-skirt");
    assert!(cache_status(&noticed).contains("stale-while-revalidate"), "{}", cache_status(&noticed));
    assert!(text(&noticed).contains("The shop is briefly read-only"), "{}", text(&noticed));
    // The origin answers again: the refresh succeeds and the notice goes.
    host.origin_up.set(true);
    host.now.set(host.now.get() + 1_000);
    let again = block_on(linkedall_edge::serve(request("/p/1-kitenge-skirt"), &host));
    if let Some(background) = again.background {
        block_on(background.run(&host));
    }
    assert!(!text(&get(&host, "/p/1-kitenge-skirt")).contains("read-only"), "fresh page, no notice");
}

#[test]
fn every_page_loads_the_real_user_beacon_and_the_edge_takes_its_timings() {
    let host = host();
    let page = text(&get(&host, "/")).to_owned();
    let script = page.split("<script src=\"").nth(1).and_then(|s| s.split('"').next()).expect("a script");
    assert!(script.starts_with("/assets/rum.") && script.ends_with(".js"), "{script}");
    let beacon = get(&host, script);
    assert_eq!(beacon.status(), 200);
    assert!(beacon.body().len() <= 1024, "the beacon script is at most 1 KB ({} bytes)", beacon.body().len());
    assert!(text(&beacon).contains("/__linkedall/rum"));

    let post = |body: &'static [u8]| {
        let request = http::Request::post("/__linkedall/rum")
            .header("x-country", "NG")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Bytes::from_static(body))
            .unwrap();
        block_on(handle(request, &host))
    };
    let fetches = host.fetches.borrow().len();
    assert_eq!(post(b"u=%2Fc%2Ffashion&n=3g&ttfb=420&load=2100&lcp=1800&inp=0&cls=0.010").status(), 204);
    let refused = post(b"u=%2F&lcp=-1");
    assert_eq!(refused.status(), 400);
    assert_eq!(refused.headers()["content-type"], "application/problem+json");
    assert_eq!(post(&[b'x'; 2000]).status(), 413);
    assert_eq!(get(&host, "/__linkedall/rum").status(), 405);
    assert_eq!(host.fetches.borrow().len(), fetches, "beacons never reach the origin");
}
