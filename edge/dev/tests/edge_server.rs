//! The native edge host over real HTTP, in front of a fake origin: what a shopper (and an
//! operator scraping `/metrics`) sees.

mod support;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use support::{get, spawn_edge, spawn_origin};

#[tokio::test]
async fn a_page_renders_and_a_repeat_is_a_hit_whichever_worker_serves_it() {
    let origin = spawn_origin().await;
    let edge = spawn_edge(origin.addr, |_| {});
    let first = get(edge.local_addr(), "/?utm_source=whatsapp", &[("x-linkedall-country", "ng")]).await;
    assert_eq!(first.status, 200);
    assert!(first.header("content-type").starts_with("text/html"));
    assert!(first.body.contains("Kitenge skirt") && first.body.contains("₦12,500"), "{}", first.body);
    assert!(first.body.contains("Prices in NGN"), "the geo header reaches the page");
    assert_eq!(first.header("cache-status"), "linkedall-edge; fwd=miss; stored");
    // Fresh connections, so the two workers both get a chance to answer from the shared cache.
    for _ in 0..4 {
        let again = get(edge.local_addr(), "/", &[("x-linkedall-country", "NG")]).await;
        assert!(
            again.header("cache-status").starts_with("linkedall-edge; hit; ttl="),
            "{}",
            again.header("cache-status")
        );
        assert!(again.headers.contains_key("age"));
        assert_eq!(again.body, first.body);
    }
    // Besides the purge journal and the exchange rates (read on their own schedules), one page
    // fetch for five page views.
    let pages: Vec<String> = origin
        .seen_paths()
        .into_iter()
        .filter(|path| !path.starts_with("/api/v1/cache/purges") && path != "/api/v1/fx-rates")
        .collect();
    assert_eq!(pages, ["/api/v1/home"], "one origin fetch for five page views");
    edge.shutdown().await;
    origin.stop().await;
}

#[tokio::test]
async fn the_request_id_and_trace_reach_the_origin_and_the_id_comes_back() {
    let origin = spawn_origin().await;
    let edge = spawn_edge(origin.addr, |_| {});
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let page = get(
        edge.local_addr(),
        "/c/fashion",
        &[("x-request-id", "shopper-7"), ("traceparent", &format!("00-{trace_id}-00f067aa0ba902b7-01"))],
    )
    .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("x-request-id"), "shopper-7");
    assert!(page.body.contains("Aso oke cap") && page.body.contains("/c/fashion?page=2"), "next-page link");
    let seen = origin.seen.lock().unwrap()[0].headers.clone();
    assert_eq!(seen["x-request-id"], "shopper-7");
    let traceparent = seen["traceparent"].to_str().unwrap();
    assert!(traceparent.starts_with(&format!("00-{trace_id}-")), "{traceparent}");
    assert!(!traceparent.contains("00f067aa0ba902b7"), "the edge's own span is the parent");
    assert_eq!(seen["accept"], "application/x-postcard");
    edge.shutdown().await;
    origin.stop().await;
}

#[tokio::test]
async fn api_paths_pass_through_and_unknown_products_are_404_pages() {
    let origin = spawn_origin().await;
    let edge = spawn_edge(origin.addr, |_| {});
    let api = get(edge.local_addr(), "/api/v1/categories", &[]).await;
    assert_eq!((api.status, api.header("content-type")), (200, "application/json"));
    assert_eq!(api.body, r#"[{"id":2,"slug":"fashion"}]"#);
    assert_eq!(api.header("cache-status"), "linkedall-edge; fwd=bypass");
    let missing = get(edge.local_addr(), "/p/999-nothing", &[]).await;
    assert_eq!(missing.status, 404);
    assert!(missing.header("content-type").starts_with("text/html"));
    // A sentence for the shopper; the origin's detail is for the log.
    assert!(
        missing.body.contains("is not in the shop") && !missing.body.contains("nothing here"),
        "{}",
        missing.body
    );
    let malformed = get(edge.local_addr(), "/p/99999999999999999999-x", &[]).await;
    assert_eq!(malformed.status, 404);
    edge.shutdown().await;
    origin.stop().await;
}

#[tokio::test]
async fn metrics_and_health_are_served_by_the_edge_itself() {
    let origin = spawn_origin().await;
    let edge = spawn_edge(origin.addr, |_| {});
    get(edge.local_addr(), "/c/fashion", &[]).await;
    get(edge.local_addr(), "/c/fashion", &[]).await;
    get(edge.local_addr(), "/api/v1/categories", &[]).await;
    let metrics = get(edge.local_addr(), "/metrics", &[]).await;
    assert_eq!(metrics.status, 200);
    for needle in [
        r#"edge_requests_total{route="category",status="200"}"#,
        r#"edge_cache_total{route="category",result="hit"}"#,
        r#"edge_cache_total{route="category",result="miss"}"#,
        r#"edge_cache_total{route="proxy",result="bypass"}"#,
        "edge_origin_fetch_seconds",
    ] {
        assert!(metrics.body.contains(needle), "{needle} missing from:\n{}", metrics.body);
    }
    let health = get(edge.local_addr(), "/healthz", &[]).await;
    assert_eq!(health.status, 200);
    edge.shutdown().await;
    origin.stop().await;
}

#[tokio::test]
async fn with_the_origin_down_cached_pages_still_serve_and_others_say_so_clearly() {
    let origin = spawn_origin().await;
    let edge = spawn_edge(origin.addr, |_| {});
    assert_eq!(get(edge.local_addr(), "/c/fashion", &[]).await.status, 200);
    origin.stop().await;
    let cached = get(edge.local_addr(), "/c/fashion", &[]).await;
    assert_eq!(cached.status, 200, "a fresh cached page does not need the origin");
    let page = get(edge.local_addr(), "/", &[]).await;
    assert!(page.status == 502 || page.status == 503, "got {}", page.status);
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(page.body.contains("reach the shop"), "{}", page.body);
    assert_eq!(page.header("retry-after"), "5");
    let errors = get(edge.local_addr(), "/metrics", &[]).await.body;
    assert!(errors.contains(r#"edge_origin_errors_total{kind="unreachable",site="origin"}"#), "{errors}");
    edge.shutdown().await;
}

#[tokio::test]
async fn a_slow_origin_times_out_into_the_unavailable_page() {
    let origin = spawn_origin().await;
    origin.delay_ms.store(3_000, Ordering::SeqCst);
    let edge = spawn_edge(origin.addr, |config| config.origin_timeout_ms = 300);
    let started = Instant::now();
    let page = get(edge.local_addr(), "/", &[]).await;
    assert_eq!(page.status, 503);
    assert!(page.body.contains("reach the shop"));
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
    edge.shutdown().await;
    origin.stop().await;
}

#[tokio::test]
async fn shutdown_lets_a_request_in_flight_finish() {
    let origin = spawn_origin().await;
    origin.delay_ms.store(500, Ordering::SeqCst);
    let edge = spawn_edge(origin.addr, |_| {});
    let addr = edge.local_addr();
    let in_flight = tokio::spawn(async move { get(addr, "/", &[]).await });
    // Let the request reach the origin, then stop the edge while the origin is still answering.
    while origin.seen_paths().is_empty() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::timeout(Duration::from_secs(5), edge.shutdown()).await.expect("shutdown finishes");
    let page = in_flight.await.unwrap();
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(std::net::TcpStream::connect(addr).is_err(), "no longer accepting");
    origin.stop().await;
}

#[tokio::test]
async fn pages_go_out_gzipped_to_browsers_that_accept_it() {
    use std::io::Read;
    let origin = spawn_origin().await;
    let edge = spawn_edge(origin.addr, |_| {});
    let plain = get(edge.local_addr(), "/", &[("x-linkedall-country", "NG")]).await;
    assert!(plain.header("content-encoding").is_empty(), "not asked for: not compressed");
    let browser = [("x-linkedall-country", "NG"), ("accept-encoding", "gzip, deflate, br")];
    let gzipped = get(edge.local_addr(), "/", &browser).await;
    assert_eq!(gzipped.header("content-encoding"), "gzip");
    assert!(gzipped.header("vary").contains("Accept-Encoding"), "{:?}", gzipped.headers);
    assert!(
        gzipped.bytes.len() * 4 < plain.bytes.len() * 3,
        "{} vs {} bytes",
        gzipped.bytes.len(),
        plain.bytes.len()
    );
    let mut unzipped = String::new();
    flate2::read::GzDecoder::new(&gzipped.bytes[..]).read_to_string(&mut unzipped).unwrap();
    assert_eq!(unzipped, plain.body, "the same page");
    // The compressed copy's ETag is the page's, weak; revalidating with it gets a 304.
    assert_eq!(gzipped.header("etag"), format!("W/{}", plain.header("etag")));
    let etag = gzipped.header("etag").to_owned();
    let revalidated = get(edge.local_addr(), "/", &[browser[0], browser[1], ("if-none-match", &etag)]).await;
    assert_eq!(revalidated.status, 304);
    edge.shutdown().await;
}

#[tokio::test]
async fn metrics_need_the_token() {
    let origin = spawn_origin().await;
    let edge = spawn_edge(origin.addr, |config| config.metrics_token = Some("scrape-me".into()));
    let anonymous = get(edge.local_addr(), "/metrics", &[]).await;
    assert_eq!(anonymous.status, 401, "a configured token is needed even on loopback");
    assert_eq!(anonymous.header("www-authenticate"), "Bearer");
    assert!(!anonymous.body.contains("edge_requests_total"));
    let wrong = get(edge.local_addr(), "/metrics", &[("authorization", "Bearer scrape-mE")]).await;
    assert_eq!(wrong.status, 401);
    let scraped = get(edge.local_addr(), "/metrics", &[("authorization", "Bearer scrape-me")]).await;
    assert_eq!(scraped.status, 200);
    edge.shutdown().await;
    origin.stop().await;
}

#[tokio::test]
async fn the_purge_feed_is_read_with_the_edges_token() {
    let origin = spawn_origin().await;
    let edge = spawn_edge(origin.addr, |config| config.purge_feed_token = Some("feed-token".into()));
    assert_eq!(get(edge.local_addr(), "/c/fashion", &[]).await.status, 200);
    let seen = origin.seen.lock().unwrap().clone();
    let feed = seen.iter().find(|p| p.uri.path() == "/api/v1/cache/purges").expect("the journal was read");
    assert_eq!(feed.headers["authorization"], "Bearer feed-token");
    let page = seen.iter().find(|p| p.uri.path() == "/api/v1/search").expect("the page was fetched");
    assert!(!page.headers.contains_key("authorization"), "the token goes with the journal only");
    drop(seen);
    edge.shutdown().await;
    origin.stop().await;
}
