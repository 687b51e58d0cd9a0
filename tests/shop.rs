//! End to end: a shopper's requests through the native edge host to a real origin on
//! PostgreSQL. Everything is asserted on what the shopper receives.

mod support;

use linkedall_shared::{HomeFeed, ProductCard, ProductDetail, SearchResults};
use support::{is_plain, shown, spawn_shop};

fn plain_card(cards: &[ProductCard]) -> &ProductCard {
    cards.iter().find(|c| is_plain(&c.name)).expect("some product name needs no HTML escaping")
}

#[tokio::test]
async fn the_home_page_shows_categories_and_featured_products_with_prices() {
    let Some(shop) = spawn_shop().await else { return };
    let feed: HomeFeed = shop.api("/api/v1/home").await;
    let (status, headers, body) = shop.page("/").await;
    assert_eq!(status, 200);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
    let card = plain_card(&feed.featured);
    assert!(body.contains(&card.name), "featured product {:?} missing", card.name);
    assert!(body.contains(&shown(card.price)), "price {} missing", shown(card.price));
    assert!(body.contains("/c/groceries"), "category links are on the home page");
    shop.stop().await;
}

#[tokio::test]
async fn a_category_page_lists_its_products_and_links_the_next_page() {
    let Some(shop) = spawn_shop().await else { return };
    let list: SearchResults = shop.api("/api/v1/search?category=fashion").await;
    let (status, _, body) = shop.page("/c/fashion").await;
    assert_eq!(status, 200);
    let card = plain_card(&list.items);
    assert!(body.contains(&card.name) && body.contains(&shown(card.price)));
    assert!(list.has_next, "400 products fill more than one page of fashion");
    assert!(body.contains("/c/fashion?page=2"), "next-page link missing");
    let (status, _, second) = shop.page("/c/fashion?page=2").await;
    assert_eq!(status, 200);
    assert!(!second.contains(&format!("{}\"", card.path())), "page two does not repeat page one");
    shop.stop().await;
}

#[tokio::test]
async fn a_product_page_shows_name_price_stock_and_vendor() {
    let Some(shop) = spawn_shop().await else { return };
    let detail: ProductDetail = shop.api("/api/v1/products/17").await;
    let (status, _, body) = shop.page(&detail.product.path()).await;
    assert_eq!(status, 200);
    if is_plain(&detail.product.name) {
        assert!(body.contains(&detail.product.name));
    }
    assert!(body.contains(&shown(detail.product.price)));
    if is_plain(&detail.vendor.name) {
        assert!(body.contains(&detail.vendor.name));
    }
    assert!(body.contains(&detail.vendor.city));
    shop.stop().await;
}

#[tokio::test]
async fn a_repeated_request_is_a_cache_hit() {
    let Some(shop) = spawn_shop().await else { return };
    let (_, first, _) = shop.page("/c/groceries").await;
    let (_, second, _) = shop.page("/c/groceries").await;
    let status = |h: &reqwest::header::HeaderMap| h["cache-status"].to_str().unwrap().to_owned();
    assert!(status(&first).contains("miss"), "first: {}", status(&first));
    assert!(status(&second).contains("hit"), "second: {}", status(&second));
    shop.stop().await;
}

#[tokio::test]
async fn an_unknown_product_is_a_real_404_page() {
    let Some(shop) = spawn_shop().await else { return };
    let (status, headers, body) = shop.page("/p/999999-no-such-thing").await;
    assert_eq!(status, 404);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(body.to_lowercase().contains("not found") || body.contains("404"));
    shop.stop().await;
}

#[tokio::test]
async fn hostile_urls_get_a_clear_4xx_page_never_a_5xx() {
    let Some(shop) = spawn_shop().await else { return };
    for path in [
        "/p/abc",
        "/p/-1-x",
        "/p/99999999999999999999-x",
        "/p/1%27%20OR%201=1",
        "/c/..%2F..%2Fetc%2Fpasswd",
        "/c/no-such-category",
        "/assets/nothing.css",
    ] {
        let (status, _, body) = shop.page(path).await;
        assert!((400..500).contains(&status), "{path} gave {status}");
        assert!(!body.is_empty(), "{path} explains itself");
    }
    let (status, _, _) = shop.page("/search?q=%27%3B%20DROP%20TABLE%20products%3B%20--").await;
    assert_eq!(status, 200, "SQL-looking search text is just text");
    let response = shop.client.get(shop.edge_url("/api/v1/products?limit=-5")).send().await.unwrap();
    assert_eq!(response.status(), 400, "API errors pass through the edge");
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    shop.stop().await;
}

#[tokio::test]
async fn api_paths_pass_through_to_the_origin_with_the_request_id() {
    let Some(shop) = spawn_shop().await else { return };
    let response = shop
        .client
        .get(shop.edge_url("/api/v1/categories"))
        .header("x-request-id", "shopper-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-request-id"], "shopper-42");
    let through_edge: serde_json::Value = response.json().await.unwrap();
    let direct: serde_json::Value = shop.api("/api/v1/categories").await;
    assert_eq!(through_edge, direct);
    shop.stop().await;
}

#[tokio::test]
async fn search_results_render_at_the_edge() {
    let Some(shop) = spawn_shop().await else { return };
    let (status, _, body) = shop.page("/search?q=shea").await;
    assert_eq!(status, 200);
    assert!(body.to_lowercase().matches("shea").count() >= 2, "results mention shea");
    shop.stop().await;
}

#[tokio::test]
async fn the_shoppers_country_from_the_geo_header_reaches_the_page() {
    let Some(shop) = spawn_shop().await else { return };
    let response = shop
        .client
        .get(shop.edge_url("/"))
        .header("x-linkedall-country", "KE")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(response.contains("KE"), "the country appears on the page");
    shop.stop().await;
}

#[tokio::test]
async fn when_the_origin_is_down_an_uncached_page_says_so_clearly() {
    let Some(mut shop) = spawn_shop().await else { return };
    shop.origin.stop().await;
    let (status, headers, body) = shop.page("/c/beauty").await;
    assert!(status == 502 || status == 503, "got {status}");
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(body.contains("reach") || body.contains("unavailable"), "the page explains: {body}");
    shop.stop().await;
}

#[tokio::test]
async fn the_edge_counts_requests_and_cache_results_on_its_metrics_page() {
    let Some(shop) = spawn_shop().await else { return };
    shop.page("/c/home-kitchen").await;
    shop.page("/c/home-kitchen").await;
    let (status, _, metrics) = shop.page("/metrics").await;
    assert_eq!(status, 200);
    for needle in [
        r#"edge_cache_total{route="category",result="hit"}"#,
        r#"edge_cache_total{route="category",result="miss"}"#,
        r#"edge_requests_total{route="category",status="200"}"#,
        "edge_origin_fetch_seconds",
    ] {
        assert!(metrics.contains(needle), "{needle} missing from the edge's /metrics");
    }
    shop.stop().await;
}
