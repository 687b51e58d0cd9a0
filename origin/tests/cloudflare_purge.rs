//! Purges reach Cloudflare's purge API: merged, in calls of at most 100, within the plan's
//! rate budget, and never dropped — against a local imitation of the API that records calls
//! and can refuse them with 429 as Cloudflare does past the limit.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use linkedall_origin::cloudflare_purge::{CloudflareSettings, PurgeBudget};
use linkedall_origin::testing::{TEST_ADMIN_TOKEN, TestDatabase, TestOptions, TestOrigin};
use linkedall_shared::PurgeSelector;
use linkedall_store::Backend;
use serde_json::{Value, json};

#[derive(Clone, Default)]
struct Imitation {
    calls: Arc<Mutex<Vec<Value>>>,
    /// Calls to refuse with 429 before accepting again.
    refuse: Arc<Mutex<u32>>,
}

async fn purge_cache(
    State(imitation): State<Imitation>,
    Path(zone): Path<String>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> (StatusCode, axum::Json<Value>) {
    assert_eq!(zone, "zone-123");
    assert_eq!(headers["authorization"], "Bearer cf-token");
    let mut refuse = imitation.refuse.lock().unwrap();
    if *refuse > 0 {
        *refuse -= 1;
        return (
            StatusCode::TOO_MANY_REQUESTS,
            axum::Json(json!({ "success": false, "errors": [{ "code": 1134, "message": "rate limited" }] })),
        );
    }
    imitation.calls.lock().unwrap().push(body);
    (StatusCode::OK, axum::Json(json!({ "success": true, "errors": [], "result": { "id": "zone-123" } })))
}

async fn imitation() -> (Imitation, String) {
    let imitation = Imitation::default();
    let app =
        Router::new().route("/zones/{zone}/purge_cache", post(purge_cache)).with_state(imitation.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (imitation, url)
}

fn tags_sent(imitation: &Imitation) -> Vec<String> {
    let mut tags: Vec<String> = imitation
        .calls
        .lock()
        .unwrap()
        .iter()
        .flat_map(|call| call["tags"].as_array().cloned().unwrap_or_default())
        .map(|t| t.as_str().unwrap().to_owned())
        .collect();
    tags.sort();
    tags
}

async fn purge_tags(origin: &TestOrigin, tags: Vec<String>) {
    let response = reqwest::Client::new()
        .post(format!("{}/admin/purge", origin.url()))
        .bearer_auth(TEST_ADMIN_TOKEN)
        .json(&json!({ "tags": tags }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting until {what}");
}

#[tokio::test]
async fn purges_are_batched_within_the_plan_and_none_is_lost() {
    let Some(db) = TestDatabase::new(Backend::Postgres).await else { return };
    let (imitation, api_base) = imitation().await;
    // A plan with a bucket of 2 calls that refills very slowly: what fits goes now, the rest
    // waits in the queue.
    let budget = PurgeBudget { calls_per_second: 0.001, bucket: 2, selectors_per_call: 100 };
    let cloudflare = CloudflareSettings {
        api_base,
        zone_id: "zone-123".into(),
        api_token: "cf-token".into(),
        shop_host: "linkedall.africa".into(),
        budget,
        poll_every: Duration::from_millis(50),
    };
    // Three purges already in the journal when the forwarder first reads it (recorded before
    // it starts, so how fast this test sends them cannot split them over two reads).
    let all: Vec<String> = (0..250).map(|i| format!("product:{i:03}")).collect();
    let tags = |range: &[String]| range.iter().cloned().map(PurgeSelector::Tag).collect::<Vec<_>>();
    db.store.purge(&tags(&all[..100])).await.unwrap();
    db.store.purge(&tags(&all[50..150])).await.unwrap(); // 50 repeated: merged
    db.store.purge(&tags(&all[150..])).await.unwrap();
    let origin = TestOrigin::spawn_with(
        db,
        TestOptions { cloudflare: Some(cloudflare.clone()), ..TestOptions::default() },
    )
    .await;
    wait_until("two calls went out", || imitation.calls.lock().unwrap().len() == 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(imitation.calls.lock().unwrap().len(), 2, "the budget holds the rest back");
    assert!(imitation.calls.lock().unwrap().iter().all(|c| c["tags"].as_array().unwrap().len() <= 100));
    let sent = tags_sent(&imitation);
    let mut unique = sent.clone();
    unique.dedup();
    assert_eq!(sent, unique, "merged: no tag sent twice");
    assert!(sent.len() < all.len() && sent.iter().all(|t| all.contains(t)), "the rest waits");

    // A forwarder that stops with purges queued leaves them in the journal: the next one
    // (with budget to spare, and Cloudflare refusing the first call) sends the rest.
    let mut origin = origin;
    origin.stop().await;
    *imitation.refuse.lock().unwrap() = 1;
    let fresh = CloudflareSettings {
        budget: PurgeBudget { calls_per_second: 50.0, bucket: 10, ..budget },
        ..cloudflare
    };
    let db = std::mem::replace(&mut origin.db, TestDatabase::new(Backend::Postgres).await.unwrap());
    let origin =
        TestOrigin::spawn_with(db, TestOptions { cloudflare: Some(fresh), ..TestOptions::default() }).await;
    wait_until("every tag reached Cloudflare", || {
        let sent = tags_sent(&imitation);
        all.iter().all(|tag| sent.contains(tag))
    })
    .await;
    purge_tags(&origin, vec!["home".into()]).await;
    let everything = reqwest::Client::new()
        .post(format!("{}/admin/purge", origin.url()))
        .bearer_auth(TEST_ADMIN_TOKEN)
        .json(&json!({ "everything": true, "urls": ["/c/fashion"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(everything.status(), 202);
    wait_until("purge everything went out", || {
        imitation.calls.lock().unwrap().iter().any(|c| c["purge_everything"] == json!(true))
    })
    .await;
}

/// What an admin reads of the forwarder (`GET /api/v1/admin/cache/cloudflare`).
async fn forwarding(origin: &TestOrigin) -> Value {
    let (status, body) = origin
        .call(TEST_ADMIN_TOKEN, reqwest::Method::GET, "/api/v1/admin/cache/cloudflare", None, None)
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn admins_read_the_queue_depth_and_when_the_next_call_is_allowed() {
    let Some(db) = TestDatabase::new(Backend::Postgres).await else { return };
    let (imitation, api_base) = imitation().await;
    // One call in the bucket, then one every 100 s: the first 100 tags go, 50 wait.
    let budget = PurgeBudget { calls_per_second: 0.01, bucket: 1, selectors_per_call: 100 };
    let cloudflare = CloudflareSettings {
        api_base,
        zone_id: "zone-123".into(),
        api_token: "cf-token".into(),
        shop_host: "linkedall.africa".into(),
        budget,
        poll_every: Duration::from_millis(50),
    };
    let tags: Vec<PurgeSelector> = (0..150).map(|i| PurgeSelector::Tag(format!("product:{i:03}"))).collect();
    db.store.purge(&tags).await.unwrap();
    let origin =
        TestOrigin::spawn_with(db, TestOptions { cloudflare: Some(cloudflare), ..TestOptions::default() })
            .await;
    wait_until("the first call went out", || imitation.calls.lock().unwrap().len() == 1).await;
    let mut report = forwarding(&origin).await;
    for _ in 0..100 {
        if report["queued"] == 50 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        report = forwarding(&origin).await;
    }
    assert_eq!((&report["forwarding"], &report["queued"]), (&json!(true), &json!(50)), "{report}");
    let next = report["next_call_in_secs"].as_f64().unwrap();
    assert!((80.0..=100.0).contains(&next), "the next call waits for the bucket: {report}");
    let (status, _) = reqwest::Client::new()
        .get(format!("{}/api/v1/admin/cache/cloudflare", origin.url()))
        .send()
        .await
        .map(|r| (r.status(), ()))
        .unwrap();
    assert_eq!(status, 401, "admins only");
}

#[tokio::test]
async fn without_forwarding_the_admin_reads_that_it_is_off() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(db) = TestDatabase::new(backend).await else { continue };
        let origin = TestOrigin::spawn(db).await;
        assert_eq!(forwarding(&origin).await, json!({ "forwarding": false }), "{backend:?}");
    }
}
