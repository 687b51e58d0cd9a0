//! Geo-routing at the edge: a shopper is served by their region's origin site, and by the
//! next site in the pool when it is down — within the same request — with three real origins
//! (each on its own PostgreSQL schema) behind the native edge host.

use linkedall_edge_dev::{EdgeDevConfig, EdgeServer};
use linkedall_origin::testing::{TestDatabase, TestOptions, TestOrigin};
use linkedall_shared::OriginSite;
use linkedall_store::Backend;

async fn origin(site: OriginSite) -> Option<TestOrigin> {
    let db = TestDatabase::new(Backend::Postgres).await?.seeded(30).await;
    Some(
        TestOrigin::spawn_with(db, TestOptions { site: Some(site.name().into()), ..TestOptions::default() })
            .await,
    )
}

struct Edge {
    server: EdgeServer,
    client: reqwest::Client,
}

impl Edge {
    /// (status, answering site, retry-after) for `path` as a shopper in `country`.
    async fn get(&self, path: &str, country: &str) -> (u16, String, Option<String>) {
        let response = self
            .client
            .get(format!("http://{}{path}", self.server.local_addr()))
            .header("x-linkedall-country", country)
            .send()
            .await
            .expect("edge answers");
        let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
        (response.status().as_u16(), header("x-linkedall-site").unwrap_or_default(), header("retry-after"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shoppers_are_served_by_their_regions_site_and_by_the_next_when_it_is_down() {
    let (Some(mut nairobi), Some(mut johannesburg), Some(mut lagos)) = (
        origin(OriginSite::Nairobi).await,
        origin(OriginSite::Johannesburg).await,
        origin(OriginSite::Lagos).await,
    ) else {
        return;
    };
    let server = EdgeServer::start(
        std::net::TcpListener::bind("127.0.0.1:0").unwrap(),
        EdgeDevConfig {
            origin_url: lagos.url(),
            workers: 1,
            origin_timeout_ms: 3_000,
            origin_sites: vec![
                (OriginSite::Nairobi, nairobi.url()),
                (OriginSite::Johannesburg, johannesburg.url()),
                (OriginSite::Lagos, lagos.url()),
            ],
            metrics: Some(linkedall_origin::telemetry::prometheus()),
            ..EdgeDevConfig::default()
        },
    )
    .unwrap();
    let edge = Edge { server, client: reqwest::Client::new() };

    assert_eq!(edge.get("/api/v1/categories", "KE").await.1, "nairobi");
    assert_eq!(edge.get("/api/v1/categories", "TZ").await.1, "nairobi");
    assert_eq!(edge.get("/api/v1/categories", "NG").await.1, "lagos");
    assert_eq!(edge.get("/api/v1/categories", "ZA").await.1, "johannesburg");
    // Not in Africa, or unknown: the default market (West, Lagos first).
    assert_eq!(edge.get("/api/v1/categories", "FR").await.1, "lagos");
    assert_eq!(edge.get("/api/v1/categories", "").await.1, "lagos");
    // A page fetched for a Kenyan shopper while Nairobi is up, cached for later.
    assert_eq!(edge.get("/c/fashion", "KE").await.0, 200);

    // Nairobi goes down: Kenyan shoppers are served from Johannesburg, next in the East pool,
    // in the same request — before and after the breaker opens.
    nairobi.stop().await;
    for _ in 0..5 {
        let (status, site, _) = edge.get("/api/v1/categories", "KE").await;
        assert_eq!((status, site.as_str()), (200, "johannesburg"));
    }
    assert_eq!(edge.get("/c/groceries", "KE").await.0, 200, "pages too");

    // Every site down: cached pages are still served; what needs the origin says so clearly.
    johannesburg.stop().await;
    lagos.stop().await;
    assert_eq!(edge.get("/c/fashion", "KE").await.0, 200, "the cached page");
    let (status, _, retry_after) = edge.get("/api/v1/categories", "KE").await;
    assert_eq!(status, 503);
    assert!(retry_after.is_some(), "503 says when to retry");
    let (status, _, retry_after) = edge.get("/cart", "KE").await;
    assert_eq!(status, 503, "the cart says the shop is briefly unavailable");
    assert!(retry_after.is_some());
    edge.server.shutdown().await;
}
