//! What a stranger cannot do to the shop or its shoppers: exhaust memory with sign-ins, lock a
//! shopper out of their account, open accounts without end, or pass the fraud checks an
//! address of their choosing.

mod events_support;

use std::sync::Arc;
use std::time::Duration;

use events_support::{Shop, eventually, scalar};
use linkedall_events::consumers;
use linkedall_events::purge::LoggedPurges;
use linkedall_events::service::BusChoice;
use linkedall_origin::accounts::{HashingLimit, PasswordCost, Passwords};
use linkedall_origin::client_address::TrustedEdges;
use linkedall_origin::login_limit::RegistrationLimit;
use linkedall_origin::testing::{TestDatabase, TestOptions, TestOrigin};
use linkedall_store::{Backend, Store};
use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;
use serde_json::{Value, json};

const PASSWORD: &str = "correct horse battery";

/// Each check builds the origin it needs on `backend`.
async fn spawn(backend: Backend) -> Option<Backend> {
    Some(backend)
}

linkedall_origin::on_both_backends!(multi_thread:
    an_attacker_cannot_lock_a_shopper_out,
    concurrent_sign_ins_never_hash_beyond_the_bound,
    registrations_are_limited_per_client_address,
    the_client_address_header_is_trusted_only_from_the_edge,
    a_client_set_forwarded_for_does_not_reach_the_fraud_checks,
);

async fn origin(backend: Backend, options: TestOptions) -> Option<TestOrigin> {
    Some(TestOrigin::spawn_with(TestDatabase::new(backend).await?, options).await)
}

/// What the origin answered: status, `Retry-After`, body.
struct Answer {
    status: StatusCode,
    retry_after: Option<String>,
    body: Value,
}

/// POSTs `body` to `path` as the shopper at `client` (the edge's `x-linkedall-client-ip`).
async fn post_from(origin: &TestOrigin, path: &str, client: Option<&str>, body: Value) -> Answer {
    let mut request = reqwest::Client::new().post(format!("{}{path}", origin.url())).json(&body);
    if let Some(client) = client {
        request = request.header("x-linkedall-client-ip", client);
    }
    let response = request.send().await.expect("origin answers");
    let status = response.status();
    let retry_after = response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    Answer { status, retry_after, body: response.json().await.unwrap_or(Value::Null) }
}

async fn sign_in(origin: &TestOrigin, client: &str, email: &str, password: &str) -> Answer {
    post_from(origin, "/api/v1/auth/login", Some(client), json!({ "email": email, "password": password }))
        .await
}

async fn an_attacker_cannot_lock_a_shopper_out(backend: Backend) {
    let Some(origin) = origin(backend, TestOptions::default()).await else { return };
    origin.register(json!({ "email": "amina@example.com", "password": PASSWORD })).await;

    let mut refused = false;
    for _ in 0..15 {
        let answer = sign_in(&origin, "203.0.113.66", "amina@example.com", "guess-guess").await;
        assert!(
            matches!(answer.status, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS),
            "{}",
            answer.body
        );
        refused |= answer.status == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(refused, "the guessing address is refused in the end");
    let answer = sign_in(&origin, "203.0.113.66", "someone@example.com", "guess-guess").await;
    assert_eq!(
        answer.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the address is refused whatever account it tries"
    );
    assert!(answer.retry_after.is_some());

    // The owner, from their own address, signs in: slowed at most, never refused.
    let answer = sign_in(&origin, "198.51.100.20", "amina@example.com", PASSWORD).await;
    assert_eq!(answer.status, StatusCode::OK, "the owner signs in: {}", answer.body);
}

async fn concurrent_sign_ins_never_hash_beyond_the_bound(backend: Backend) {
    // Real (slow) hashing, one permit and a short wait: sign-ins beyond it are refused.
    let passwords = Passwords::with_limit(
        PasswordCost::Standard,
        HashingLimit { permits: 1, wait: Duration::from_millis(5) },
    );
    let gauge = passwords.gauge();
    let options = TestOptions { passwords: Some(passwords), ..TestOptions::default() };
    let Some(origin) = origin(backend, options).await else { return };
    let origin = Arc::new(origin);

    let attempts = (0..16).map(|n| {
        let origin = origin.clone();
        tokio::spawn(async move {
            let email = format!("nobody{n}@example.com");
            sign_in(&origin, &format!("203.0.113.{n}"), &email, "guess-guess").await
        })
    });
    let answers: Vec<Answer> =
        futures_util::future::join_all(attempts).await.into_iter().map(Result::unwrap).collect();

    let busy: Vec<&Answer> = answers.iter().filter(|a| a.status == StatusCode::SERVICE_UNAVAILABLE).collect();
    assert!(
        answers
            .iter()
            .all(|a| matches!(a.status, StatusCode::UNAUTHORIZED | StatusCode::SERVICE_UNAVAILABLE))
    );
    assert!(!busy.is_empty(), "sign-ins beyond the bound are refused");
    for answer in busy {
        assert!(answer.retry_after.is_some(), "a refusal says when to retry");
        assert_eq!(answer.body["type"], "/problems/busy", "{}", answer.body);
    }
    assert_eq!(gauge.peak(), 1, "never more than one hash at once");
}

async fn registrations_are_limited_per_client_address(backend: Backend) {
    let registrations = RegistrationLimit { burst: 2, refill_every: Duration::from_secs(3600) };
    let Some(origin) = origin(backend, TestOptions { registrations, ..TestOptions::default() }).await else {
        return;
    };
    let register = |client: &'static str, n: u32| {
        let origin = &origin;
        async move {
            let body = json!({ "email": format!("new{n}@example.com"), "password": PASSWORD });
            post_from(origin, "/api/v1/auth/register", Some(client), body).await
        }
    };
    assert_eq!(register("203.0.113.1", 1).await.status, StatusCode::CREATED);
    assert_eq!(register("203.0.113.1", 2).await.status, StatusCode::CREATED);
    let refused = register("203.0.113.1", 3).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{}", refused.body);
    assert!(refused.retry_after.is_some());
    assert_eq!(register("203.0.113.2", 4).await.status, StatusCode::CREATED, "another address registers");
}

/// A shop whose events reach the fraud checks, trusting `edges`' client address header.
async fn shop(backend: Backend, edges: &str) -> Option<Shop> {
    let events = events_support::quick_plan(BusChoice::InProcess, consumers::all(LoggedPurges::default()));
    let trusted_edges = Some(TrustedEdges::parse(edges).unwrap());
    Shop::open(backend, TestOptions { events, trusted_edges, ..TestOptions::default() }).await
}

/// Places an order with `headers`; the client address its `order.created` event carries.
async fn order_with(shop: &Shop, headers: &[(&str, &str)]) -> Option<String> {
    let mut request = shop
        .http
        .post(format!("{}/api/v1/orders", shop.origin.url()))
        .bearer_auth(&shop.token)
        .header("idempotency-key", uuid::Uuid::new_v4().to_string())
        .json(&json!({ "items": [{ "product_id": shop.products[0], "quantity": 1 }] }));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let id = response.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let sql = format!("SELECT client_ip FROM outbox WHERE type = 'order.created' AND subject = 'order/{id}'");
    text(shop.store(), &sql).await
}

async fn text(store: &Store, sql: &str) -> Option<String> {
    match store {
        Store::Postgres(pool) => sqlx::query_scalar::<_, Option<String>>(sql).fetch_one(pool).await,
        Store::Sqlite(pool) => sqlx::query_scalar::<_, Option<String>>(sql).fetch_one(pool).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn the_client_address_header_is_trusted_only_from_the_edge(backend: Backend) {
    let claimed = [("x-linkedall-client-ip", "203.0.113.5")];
    // The tests' edge is loopback, which is trusted by default: the edge's header counts.
    let Some(behind_edge) = shop(backend, "127.0.0.1/8,::1").await else { return };
    assert_eq!(order_with(&behind_edge, &claimed).await.as_deref(), Some("203.0.113.5"));
    // From a peer that is not a configured edge, the header is ignored: the peer counts.
    let Some(direct) = shop(backend, "192.0.2.1,10.0.0.0/8").await else { return };
    assert_eq!(order_with(&direct, &claimed).await.as_deref(), Some("127.0.0.1"));
}

async fn a_client_set_forwarded_for_does_not_reach_the_fraud_checks(backend: Backend) {
    let Some(shop) = shop(backend, "127.0.0.1/8,::1").await else { return };
    let forged = [("x-forwarded-for", "198.51.100.77, 10.0.0.1")];
    assert_eq!(order_with(&shop, &forged).await.as_deref(), Some("127.0.0.1"));
    let through_edge = [("x-forwarded-for", "198.51.100.77"), ("x-linkedall-client-ip", "203.0.113.9")];
    assert_eq!(order_with(&shop, &through_edge).await.as_deref(), Some("203.0.113.9"));

    let store = shop.store().clone();
    eventually("the fraud checks saw both orders", || async {
        scalar(&store, "SELECT count(*) FROM fraud_observations").await == 2
    })
    .await;
    let forged_seen =
        scalar(&store, "SELECT count(*) FROM fraud_observations WHERE client_ip LIKE '198.51.100.%'").await;
    assert_eq!(forged_seen, 0, "no fraud check keyed on the client's own X-Forwarded-For");
    let seen = scalar(
        &store,
        "SELECT count(*) FROM fraud_observations WHERE client_ip IN ('127.0.0.1', '203.0.113.9')",
    )
    .await;
    assert_eq!(seen, 2);
}
