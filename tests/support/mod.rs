//! `spawn_shop()`: a real origin on PostgreSQL with a seeded catalog, and the native edge host
//! in front of it, both on random ports — what a shopper reaches, started fresh per test.

#![allow(dead_code)] // shared by several test binaries, each using part of it

use linkedall_edge_dev::{EdgeDevConfig, EdgeServer};
use linkedall_origin::testing::{TestDatabase, TestOrigin};
use linkedall_store::Backend;

pub const PRODUCTS: u64 = 400;

pub struct Shop {
    pub origin: TestOrigin,
    pub edge: Option<EdgeServer>,
    pub client: reqwest::Client,
}

/// `None` (test skipped with a message) only when PostgreSQL is unreachable outside CI.
pub async fn spawn_shop() -> Option<Shop> {
    let db = TestDatabase::new(Backend::Postgres).await?.seeded(PRODUCTS).await;
    let origin = TestOrigin::spawn(db).await;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a random port");
    let edge = EdgeServer::start(
        listener,
        EdgeDevConfig {
            origin_url: origin.url(),
            workers: 2,
            metrics: Some(linkedall_origin::telemetry::prometheus()),
            ..EdgeDevConfig::default()
        },
    )
    .expect("edge starts");
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    Some(Shop { origin, edge: Some(edge), client })
}

impl Shop {
    pub fn edge_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.edge.as_ref().expect("edge running").local_addr())
    }

    pub fn origin_url(&self, path: &str) -> String {
        format!("{}{path}", self.origin.url())
    }

    pub async fn page(&self, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
        let response = self.client.get(self.edge_url(path)).send().await.expect("edge answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (status, headers, response.text().await.unwrap())
    }

    pub async fn api<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        self.client.get(self.origin_url(path)).send().await.unwrap().json().await.unwrap()
    }

    pub async fn stop(mut self) {
        if let Some(edge) = self.edge.take() {
            edge.shutdown().await;
        }
        self.origin.stop().await;
    }
}

/// True when `text` reads the same escaped or not, so a page can be searched for it verbatim.
pub fn is_plain(text: &str) -> bool {
    !text.contains(['&', '<', '>', '"', '\''])
}

/// `money` as an English page writes it (whole amounts without zero minor units).
pub fn shown(money: linkedall_shared::Money) -> String {
    linkedall_edge::amounts::amount(money, linkedall_shared::Language::En)
}
