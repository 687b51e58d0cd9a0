//! Black-box tests of the origin's HTTP API: a real origin on a random port over a real
//! database (PostgreSQL, and SQLite where the backend matters), driven with an HTTP client.

use linkedall_origin::testing::{TestDatabase, TestOrigin};
use linkedall_shared::{ProductDetail, ProductList, wire};
use linkedall_store::Backend;
use serde_json::Value;

async fn spawn(backend: Backend) -> Option<TestOrigin> {
    let db = TestDatabase::new(backend).await?.seeded(300).await;
    Some(TestOrigin::spawn(db).await)
}

async fn get(origin: &TestOrigin, path: &str) -> reqwest::Response {
    reqwest::get(format!("{}{path}", origin.url())).await.expect("origin answers")
}

async fn problem(origin: &TestOrigin, path: &str, status: u16) -> Value {
    let response = get(origin, path).await;
    assert_eq!(response.status().as_u16(), status, "{path}");
    assert_eq!(response.headers()["content-type"], "application/problem+json", "{path}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status, "{path}");
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()), "{path}: {body}");
    body
}

linkedall_origin::on_both_backends!(
    categories_and_products_are_json_by_default,
    pages_follow_next_cursor_to_the_end,
    postcard_is_served_when_asked_and_matches_the_json,
    hostile_input_gets_a_problem_naming_what_to_fix,
    search_finds_products_and_refuses_empty_or_huge_queries,
    every_response_carries_a_request_id_and_traceparent,
    health_readiness_metrics_and_pictures_answer,
    a_cookie_api_post_with_text_plain_is_refused,
);

/// What a page on another site can make a browser send with the shopper's cookie (no
/// preflight: text/plain or no body) is refused; JSON with the cookie, or a bearer token, is not.
async fn a_cookie_api_post_with_text_plain_is_refused(origin: TestOrigin) {
    let session = origin
        .register(serde_json::json!({"email": "amina@example.com", "password": "correct horse battery"}))
        .await;
    let token = session["token"].as_str().unwrap();
    let cookie = format!("linkedall_session={token}");
    let client = reqwest::Client::new();
    let add = |content_type: Option<&str>, body: &str| {
        let mut request =
            client.post(format!("{}/api/v1/cart/items", origin.url())).header("cookie", &cookie);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        request.body(body.to_owned()).send()
    };
    let line = r#"{"product_id":1,"quantity":1}"#;
    for (content_type, body) in
        [(Some("text/plain"), line), (None, line), (Some("text/plain;charset=UTF-8"), "")]
    {
        let refused = add(content_type, body).await.unwrap();
        assert_eq!(refused.status().as_u16(), 415, "{content_type:?}");
        let problem: Value = refused.json().await.unwrap();
        assert_eq!(problem["type"], "/problems/unsupported-media-type");
    }
    let logout = client
        .post(format!("{}/api/v1/auth/logout", origin.url()))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status().as_u16(), 415, "a bodiless cookie POST (a forged sign-out) too");
    let cart: Value = client
        .get(format!("{}/api/v1/cart/items", origin.url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(cart["items"].as_array().unwrap().is_empty(), "nothing was added: {cart}");
    assert_eq!(add(Some("application/json"), line).await.unwrap().status().as_u16(), 200);
    let bearer =
        client.post(format!("{}/api/v1/auth/logout", origin.url())).bearer_auth(token).send().await.unwrap();
    assert!(bearer.status().is_success(), "{}", bearer.status());
}

async fn categories_and_products_are_json_by_default(origin: TestOrigin) {
    let categories: Value = get(&origin, "/api/v1/categories").await.json().await.unwrap();
    assert_eq!(categories.as_array().unwrap().len(), linkedall_origin::seed::CATEGORIES.len());
    let list: Value = get(&origin, "/api/v1/products?category=groceries&limit=5").await.json().await.unwrap();
    assert_eq!(list["category"]["slug"], "groceries");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    assert!(
        items.iter().all(|p| p["price"]["minor"].as_i64().unwrap() > 0 && p["price"]["currency"].is_string())
    );
    let home: Value = get(&origin, "/api/v1/home").await.json().await.unwrap();
    assert!(!home["featured"].as_array().unwrap().is_empty());
    let vendor: Value = get(&origin, "/api/v1/vendors/2").await.json().await.unwrap();
    assert_eq!(vendor["vendor"]["id"], 2);
}

async fn pages_follow_next_cursor_to_the_end(origin: TestOrigin) {
    let mut path = "/api/v1/products?limit=100".to_owned();
    let mut total = 0;
    loop {
        let page: Value = get(&origin, &path).await.json().await.unwrap();
        total += page["items"].as_array().unwrap().len();
        match page["next_cursor"].as_i64() {
            Some(cursor) => path = format!("/api/v1/products?limit=100&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(total, 300);
}

async fn postcard_is_served_when_asked_and_matches_the_json(origin: TestOrigin) {
    let client = reqwest::Client::new();
    let response = client
        .get(format!("{}/api/v1/products/9", origin.url()))
        .header("accept", "text/html, application/x-postcard;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], wire::MEDIA_TYPE);
    let from_wire: ProductDetail = wire::decode(&response.bytes().await.unwrap()).unwrap();
    let from_json: ProductDetail = get(&origin, "/api/v1/products/9").await.json().await.unwrap();
    assert_eq!(from_wire, from_json);
    let list = client
        .get(format!("{}/api/v1/products?category=beauty", origin.url()))
        .header("accept", wire::MEDIA_TYPE)
        .send()
        .await
        .unwrap();
    let list: ProductList = wire::decode(&list.bytes().await.unwrap()).unwrap();
    assert_eq!(list.category.unwrap().slug, "beauty");
}

async fn hostile_input_gets_a_problem_naming_what_to_fix(origin: TestOrigin) {
    for path in [
        "/api/v1/products/abc",
        "/api/v1/products/0",
        "/api/v1/products/-1",
        "/api/v1/products/99999999999999999999",
        "/api/v1/products/1%20OR%201=1",
        "/api/v1/vendors/x",
    ] {
        let body = problem(&origin, path, 400).await;
        assert!(body["detail"].as_str().unwrap().contains("id"), "{path}: {body}");
    }
    for limit in ["0", "101", "-5", "99999999999999999999999", "ten"] {
        let body = problem(&origin, &format!("/api/v1/products?limit={limit}"), 400).await;
        assert!(body["detail"].as_str().unwrap().contains("1 to 100"), "{body}");
    }
    let body = problem(&origin, "/api/v1/products?cursor=%27%20OR%201%3D1", 400).await;
    assert!(body["detail"].as_str().unwrap().contains("next_cursor"), "{body}");
    let body = problem(&origin, "/api/v1/products?category=no-such-thing", 404).await;
    assert!(body["detail"].as_str().unwrap().contains("no-such-thing"), "{body}");
    problem(&origin, "/api/v1/products/299999", 404).await;
    problem(&origin, "/api/v1/vendors/99999", 404).await;
    problem(&origin, "/api/v1/nothing-here", 404).await;
    let response =
        reqwest::Client::new().delete(format!("{}/api/v1/products/1", origin.url())).send().await.unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
}

async fn search_finds_products_and_refuses_empty_or_huge_queries(origin: TestOrigin) {
    let results: Value = get(&origin, "/api/v1/search?q=shea").await.json().await.unwrap();
    let items = results["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items[0]["name"].as_str().unwrap().to_lowercase().contains("shea"));
    let sql: Value =
        get(&origin, "/api/v1/search?q=%27%3B%20DROP%20TABLE%20products%3B%20--").await.json().await.unwrap();
    assert!(sql["items"].is_array());
    assert_eq!(get(&origin, "/api/v1/products?limit=1").await.status(), 200, "products table survived");
    for q in ["", "%20%20", &"a".repeat(201)] {
        let body = problem(&origin, &format!("/api/v1/search?q={q}"), 400).await;
        assert!(
            body["detail"].as_str().unwrap().contains('q')
                || body["detail"].as_str().unwrap().contains("search")
        );
    }
}

async fn every_response_carries_a_request_id_and_traceparent(origin: TestOrigin) {
    let client = reqwest::Client::new();
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let response = client
        .get(format!("{}/api/v1/products/1", origin.url()))
        .header("x-request-id", "edge-req-1")
        .header("traceparent", traceparent)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "edge-req-1");
    let ours = response.headers()["traceparent"].to_str().unwrap();
    assert!(ours.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"), "same trace, new span: {ours}");
    let problem = get(&origin, "/api/v1/products/abc").await;
    assert!(problem.headers().contains_key("x-request-id"), "errors carry a request id too");
}

async fn health_readiness_metrics_and_pictures_answer(origin: TestOrigin) {
    assert_eq!(get(&origin, "/healthz").await.status(), 200);
    assert_eq!(get(&origin, "/readyz").await.status(), 200);
    let picture = get(&origin, "/images/products/5.svg").await;
    assert_eq!(picture.headers()["content-type"], "image/svg+xml");
    assert!(picture.text().await.unwrap().starts_with("<svg"));
    problem(&origin, "/images/products/5.png", 404).await;
    let metrics = get(&origin, "/metrics").await.text().await.unwrap();
    for name in
        ["http_requests_total", "http_request_duration_seconds_bucket", "db_query_duration_seconds_bucket"]
    {
        assert!(metrics.contains(name), "{name} missing from /metrics");
    }
    assert!(metrics.contains(r#"route="/images/products/{file}""#), "routes are labelled by template");
}
