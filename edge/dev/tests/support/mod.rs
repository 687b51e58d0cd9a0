//! `spawn_origin()` and `spawn_edge()`: a tiny fake origin speaking the real wire format, and
//! the real native edge host in front of it, both on random ports; `get()` is a shopper.

#![allow(dead_code)] // each test file uses a different part of the harness

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use linkedall_edge_dev::{EdgeDevConfig, EdgeServer};
use linkedall_shared::*;

/// An origin serving fixed catalog documents, recording every request head it receives.
pub struct FakeOrigin {
    pub addr: SocketAddr,
    pub seen: Arc<Mutex<Vec<http::request::Parts>>>,
    /// Every answer waits this long first (to test timeouts and graceful shutdown).
    pub delay_ms: Arc<AtomicU64>,
    server: tokio::task::JoinHandle<()>,
}

impl FakeOrigin {
    /// Stops listening and drops every open connection, like a crashed origin.
    pub async fn stop(self) {
        self.server.abort();
        let _ = self.server.await;
    }

    pub fn seen_paths(&self) -> Vec<String> {
        self.seen.lock().unwrap().iter().map(|p| p.uri.to_string()).collect()
    }
}

pub async fn spawn_origin() -> FakeOrigin {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let delay_ms = Arc::new(AtomicU64::new(0));
    let (seen2, delay2) = (seen.clone(), delay_ms.clone());
    let server = tokio::spawn(async move {
        // Connections live in the set, so aborting the server task closes them all.
        let mut connections = tokio::task::JoinSet::new();
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let (seen, delay) = (seen2.clone(), delay2.clone());
            let service = service_fn(move |request: http::Request<hyper::body::Incoming>| {
                let (seen, delay) = (seen.clone(), delay.clone());
                async move {
                    let (parts, _) = request.into_parts();
                    let response = answer(&parts);
                    seen.lock().unwrap().push(parts);
                    let wait = delay.load(Ordering::SeqCst);
                    if wait > 0 {
                        tokio::time::sleep(Duration::from_millis(wait)).await;
                    }
                    Ok::<_, Infallible>(response)
                }
            });
            connections.spawn(async move {
                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    FakeOrigin { addr, seen, delay_ms, server }
}

fn answer(request: &http::request::Parts) -> http::Response<Full<Bytes>> {
    let postcard = |bytes: Vec<u8>| {
        http::Response::builder()
            .header("content-type", wire::MEDIA_TYPE)
            .body(Full::new(Bytes::from(bytes)))
            .unwrap()
    };
    match request.uri.path_and_query().map(|pq| pq.as_str()).unwrap_or("/") {
        "/api/v1/home" => postcard(wire::encode(&HomeFeed {
            categories: vec![fashion()],
            featured: vec![card(1, "Kitenge skirt", 1_250_000)],
        })),
        "/api/v1/search?category=fashion&limit=24" => postcard(wire::encode(&SearchResults {
            query: String::new(),
            category: Some(fashion()),
            categories: vec![fashion()],
            items: vec![card(1, "Kitenge skirt", 1_250_000), card(2, "Aso oke cap", 450_000)],
            count: ResultCount { at_least: 30, exact: true },
            page: 1,
            has_next: true,
        })),
        "/api/v1/categories" => http::Response::builder()
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from_static(br#"[{"id":2,"slug":"fashion"}]"#)))
            .unwrap(),
        _ => http::Response::builder()
            .status(404)
            .header("content-type", "application/problem+json")
            .body(Full::new(Bytes::from_static(
                br#"{"type":"about:blank","title":"Not Found","status":404,"detail":"nothing here"}"#,
            )))
            .unwrap(),
    }
}

fn fashion() -> Category {
    Category {
        id: CategoryId::new(2),
        slug: "fashion".into(),
        name: "Fashion".into(),
        description: "Wax prints and aso oke".into(),
    }
}

fn card(id: i64, name: &str, minor: i64) -> ProductCard {
    ProductCard {
        id: ProductId::new(id),
        name: name.into(),
        slug: slugify(name),
        price: Money::new(Currency::NGN, minor),
        stock: Stock(3),
        image: format!("/images/products/{id}.svg"),
        photo: None,
        vendor_id: VendorId::new(1),
        vendor_name: "Balogun Fabrics".into(),
        vendor_city: "Lagos".into(),
        category_id: CategoryId::new(2),
        rating: Default::default(),
    }
}

/// The edge in front of `origin`, two workers sharing one cache.
pub fn spawn_edge(origin: SocketAddr, tune: impl FnOnce(&mut EdgeDevConfig)) -> EdgeServer {
    let mut config = EdgeDevConfig {
        origin_url: format!("http://{origin}"),
        workers: 2,
        cache_capacity: 100,
        origin_timeout_ms: 2_000,
        ..EdgeDevConfig::default()
    };
    tune(&mut config);
    EdgeServer::start(std::net::TcpListener::bind("127.0.0.1:0").unwrap(), config).expect("edge starts")
}

/// What a shopper receives.
pub struct Page {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: String,
    /// The body as sent (compressed, when it was).
    pub bytes: Bytes,
}

impl Page {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

/// GETs `path` from `addr` on a fresh connection (so consecutive requests may reach different
/// workers).
pub async fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Page {
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let mut request = http::Request::get(format!("http://{addr}{path}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let send = client.request(request.body(Full::new(Bytes::new())).unwrap());
    let response =
        tokio::time::timeout(Duration::from_secs(10), send).await.expect("edge answers in time").unwrap();
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    Page {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        bytes: body,
    }
}
