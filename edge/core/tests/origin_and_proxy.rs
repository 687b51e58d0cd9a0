//! How the edge talks to the origin: trace context and request ids on every fetch, what each
//! kind of origin failure becomes for the shopper, what the proxy forwards, and which query
//! parameters share a cache entry. Runs against an in-memory host; no network.

mod support;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use bytes::Bytes;
use futures_executor::block_on;
use linkedall_edge::client_address::PeerAddr;
use linkedall_edge::{CacheKey, Cached, Geo, Host, OriginError, Timestamp, handle};
use linkedall_shared::*;

/// An origin scripted per path-and-query: status and body, or a failure for every request.
#[derive(Default)]
struct ScriptedHost {
    answers: HashMap<String, (u16, Vec<u8>)>,
    failure: RefCell<Option<OriginError>>,
    cache: RefCell<HashMap<CacheKey, Cached>>,
    fetches: RefCell<Vec<http::Request<Bytes>>>,
    /// The `x-linkedall-client-ip` of each purge-journal read (the edge's own requests).
    journal_reads: RefCell<Vec<Option<String>>>,
    now: Cell<u64>,
}

impl Host for ScriptedHost {
    async fn cache_get(&self, key: &CacheKey) -> Option<Cached> {
        self.cache.borrow().get(key).cloned()
    }
    async fn cache_put(&self, key: &CacheKey, entry: Cached) {
        // The purge journal, exchange rates and warming list are not pages (page keys are
        // `version|path|variant`); these tests count pages.
        if key.as_str().contains('|') {
            self.cache.borrow_mut().insert(key.clone(), entry);
        }
    }
    async fn fetch_origin(&self, req: http::Request<Bytes>) -> Result<http::Response<Bytes>, OriginError> {
        let path = req.uri().to_string();
        if path.starts_with("/api/v1/cache/purges") {
            let caller = req.headers().get("x-linkedall-client-ip").map(|v| v.to_str().unwrap().to_owned());
            self.journal_reads.borrow_mut().push(caller);
        }
        // An empty journal and no rates (pages show the vendors' prices alone); not counted.
        if let Some(answer) = support::bookkeeping(&path, &[], &FxRates::default()) {
            return Ok(answer);
        }
        self.fetches.borrow_mut().push(req);
        if let Some(error) = self.failure.borrow().clone() {
            return Err(error);
        }
        let (status, body) = self.answers.get(&path).cloned().unwrap_or((404, b"{}".to_vec()));
        Ok(http::Response::builder().status(status).body(Bytes::from(body)).unwrap())
    }
    fn geo(&self, _: &http::Request<Bytes>) -> Geo {
        Geo { country: Some("GH".into()), ..Geo::default() }
    }
    /// Like the native host: the TCP peer the server put in the request's extensions.
    fn client_ip(&self, req: &http::Request<Bytes>) -> Option<std::net::IpAddr> {
        req.extensions().get::<PeerAddr>().map(|peer| peer.0)
    }
    fn now(&self) -> Timestamp {
        Timestamp(self.now.get())
    }
}

fn card(id: i64) -> ProductCard {
    ProductCard {
        id: ProductId::new(id),
        name: format!("Kente stole {id}"),
        slug: format!("kente-stole-{id}"),
        price: Money::new(Currency::GHS, 35_000),
        stock: Stock(0),
        image: format!("/images/products/{id}.svg"),
        photo: None,
        vendor_id: VendorId::new(4),
        vendor_name: "Kumasi Weavers".into(),
        vendor_city: "Kumasi".into(),
        category_id: CategoryId::new(2),
        rating: Default::default(),
    }
}

fn shop() -> ScriptedHost {
    let mut host = ScriptedHost { now: Cell::new(5_000_000), ..ScriptedHost::default() };
    let list = |page: u32| SearchResults {
        query: String::new(),
        category: None,
        categories: Vec::new(),
        items: vec![card(1)],
        count: ResultCount { at_least: 1, exact: true },
        page,
        has_next: false,
    };
    host.answers.insert(
        "/api/v1/search?category=fashion&sort=price_asc&in_stock=1&page=9&limit=24".into(),
        (200, wire::encode(&list(9))),
    );
    host.answers.insert("/api/v1/search?category=fashion&limit=24".into(), (200, wire::encode(&list(1))));
    host
}

fn request(method: &str, path: &str) -> http::request::Builder {
    http::Request::builder().method(method).uri(path)
}

fn send(host: &ScriptedHost, request: http::request::Builder) -> http::Response<Bytes> {
    block_on(handle(request.body(Bytes::new()).unwrap(), host))
}

fn get(host: &ScriptedHost, path: &str) -> http::Response<Bytes> {
    send(host, request("GET", path))
}

fn body(response: &http::Response<Bytes>) -> &str {
    std::str::from_utf8(response.body()).unwrap()
}

fn header<'a>(response: &'a http::Response<Bytes>, name: &str) -> &'a str {
    response.headers().get(name).map_or("", |v| v.to_str().unwrap())
}

#[test]
fn a_shoppers_trace_is_continued_into_the_origin_and_a_junk_request_id_replaced() {
    let host = shop();
    let response = send(
        &host,
        request("GET", "/c/fashion")
            .header("x-request-id", "../../etc/passwd")
            .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
    );
    assert_eq!(response.status(), 200);
    let request_id = header(&response, "x-request-id");
    assert!(request_id.len() <= 64 && request_id != "../../etc/passwd" && !request_id.is_empty());
    let fetch = &host.fetches.borrow()[0];
    assert_eq!(fetch.headers()["x-request-id"], request_id, "the origin logs the same id");
    let traceparent = fetch.headers()["traceparent"].to_str().unwrap();
    let parts: Vec<&str> = traceparent.split('-').collect();
    assert_eq!(parts[1], "0af7651916cd43dd8448eb211c80319c", "same trace");
    assert_ne!(parts[2], "b7ad6b7169203331", "new span: the edge's");
    assert_eq!(parts[2].len(), 16);
}

#[test]
fn tracking_parameters_and_parameter_order_share_one_cache_entry() {
    let host = shop();
    let first = get(&host, "/c/fashion?utm_source=x&page=9&sort=price_asc&in_stock=on&fbclid=abc");
    assert_eq!(header(&first, "cache-status"), "linkedall-edge; fwd=miss; stored");
    let second = get(&host, "/c/fashion?gclid=1&in_stock=1&page=9&utm_medium=sms&sort=price_asc&min_price=");
    assert!(
        header(&second, "cache-status").starts_with("linkedall-edge; hit; ttl=60"),
        "{}",
        header(&second, "cache-status")
    );
    assert_eq!(host.fetches.borrow().len(), 1);
    assert_eq!(
        host.fetches.borrow()[0].uri(),
        "/api/v1/search?category=fashion&sort=price_asc&in_stock=1&page=9&limit=24"
    );
    assert_eq!(host.cache.borrow().len(), 1);
    assert!(body(&first).contains("Out of stock") && body(&first).contains("GH₵350"), "{}", body(&first));
}

#[test]
fn an_origin_server_error_is_a_502_page_and_is_not_cached() {
    let mut host = shop();
    host.answers.insert("/api/v1/home".into(), (500, br#"{"status":500}"#.to_vec()));
    let response = get(&host, "/");
    assert_eq!(response.status(), 502);
    assert!(header(&response, "content-type").starts_with("text/html"));
    assert!(body(&response).contains("reach the shop") && body(&response).contains("try again"));
    assert_eq!(header(&response, "cache-control"), "no-store");
    assert!(host.cache.borrow().is_empty(), "an error page is never stored");
    get(&host, "/");
    assert_eq!(host.fetches.borrow().len(), 2, "the next shopper tries the origin again");
}

#[test]
fn an_origin_timeout_is_a_503_page_with_retry_after() {
    let host = shop();
    *host.failure.borrow_mut() = Some(OriginError::Timeout(5_000));
    let response = get(&host, "/c/fashion");
    assert_eq!(response.status(), 503);
    assert_eq!(header(&response, "retry-after"), "5");
    assert!(body(&response).contains("Prices in GHS"), "error pages keep the layout");
}

#[test]
fn a_request_the_origin_refuses_as_malformed_is_the_shoppers_400_in_their_words() {
    let mut host = shop();
    let problem = br#"{"type":"/problems/bad-request","title":"Bad Request","status":400,"detail":"search text is limited to 200 characters"}"#;
    host.answers.insert("/api/v1/search?q=kente&limit=24".into(), (400, problem.to_vec()));
    let response = get(&host, "/search?q=kente");
    assert_eq!(response.status(), 400);
    let page = body(&response);
    assert!(page.contains("Part of that address or search could not be read."), "{page}");
    assert!(!page.contains("limited to 200 characters"), "the origin's text is for developers");
}

#[test]
fn an_empty_search_asks_for_words_without_asking_the_origin() {
    let host = shop();
    for path in ["/search", "/search?q=", "/search?q=+++"] {
        let response = get(&host, path);
        assert_eq!(response.status(), 200, "{path}");
        assert!(body(&response).contains("Type what you are looking for"), "{path}");
    }
    assert!(host.fetches.borrow().is_empty());
}

#[test]
fn writes_bypass_the_cache_and_reach_the_origin_as_sent() {
    let host = shop();
    let response = block_on(handle(
        request("POST", "/c/fashion?x=1")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("connection", "keep-alive, x-internal-hop")
            .header("x-internal-hop", "secret")
            .body(Bytes::from_static(b"quantity=2"))
            .unwrap(),
        &host,
    ));
    assert_eq!(header(&response, "cache-status"), "linkedall-edge; fwd=bypass");
    let forwarded = &host.fetches.borrow()[0];
    assert_eq!(
        (forwarded.method().as_str(), forwarded.uri().to_string().as_str()),
        ("POST", "/c/fashion?x=1")
    );
    assert_eq!(forwarded.body(), "quantity=2");
    assert_eq!(forwarded.headers()["content-type"], "application/x-www-form-urlencoded");
    assert!(
        !forwarded.headers().contains_key("connection")
            && !forwarded.headers().contains_key("x-internal-hop")
    );
    assert!(forwarded.headers().contains_key("traceparent"));
    assert!(host.cache.borrow().is_empty());
}

#[test]
fn a_client_sent_forwarded_for_never_reaches_the_origin() {
    let host = shop();
    let forged = |method: &str, path: &str, peer: Option<&str>| {
        let mut request = request(method, path)
            .header("x-forwarded-for", "6.6.6.6, 10.0.0.1")
            .header("x-real-ip", "6.6.6.6")
            .header("x-linkedall-client-ip", "6.6.6.6")
            .body(Bytes::new())
            .unwrap();
        if let Some(peer) = peer {
            request.extensions_mut().insert(PeerAddr(peer.parse().unwrap()));
        }
        block_on(handle(request, &host))
    };
    forged("POST", "/api/v1/auth/login", Some("203.0.113.9"));
    forged("GET", "/c/fashion", Some("2001:db8::7"));
    forged("GET", "/api/v1/products", None);
    let fetches = host.fetches.borrow();
    let claimed =
        |i: usize, name: &str| fetches[i].headers().get(name).map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(claimed(0, "x-linkedall-client-ip").as_deref(), Some("203.0.113.9"), "the proxied write");
    assert_eq!(claimed(0, "x-forwarded-for").as_deref(), Some("203.0.113.9"), "one hop: the shopper");
    assert_eq!(claimed(1, "x-linkedall-client-ip").as_deref(), Some("2001:db8::7"), "the catalog fetch");
    for i in 0..3 {
        assert_eq!(claimed(i, "x-real-ip"), None);
    }
    assert_eq!(claimed(2, "x-linkedall-client-ip"), None, "an address the host does not know is not made up");
    assert_eq!(claimed(2, "x-forwarded-for"), None);
    // The edge reads the purge journal for itself: the origin must not take it for a shopper.
    let journal_reads = host.journal_reads.borrow();
    assert!(!journal_reads.is_empty(), "the catalog page read the purge journal");
    assert!(journal_reads.iter().all(Option::is_none), "journal reads name no shopper: {journal_reads:?}");
}

#[test]
fn the_stylesheet_the_pages_link_is_served_immutable_and_unknown_assets_are_404() {
    let host = shop();
    let page = get(&host, "/search");
    let html = body(&page);
    let start = html.find("/assets/app.").expect("the page links the hashed stylesheet");
    let href = &html[start..start + html[start..].find('"').unwrap()];
    let css = get(&host, href);
    assert_eq!(css.status(), 200);
    assert_eq!(header(&css, "cache-control"), "public, max-age=31536000, immutable");
    assert!(header(&css, "content-type").starts_with("text/css"));
    assert_eq!(get(&host, "/assets/app.0000000000.css").status(), 404);
    assert!(host.fetches.borrow().is_empty(), "assets never reach the origin");
}
