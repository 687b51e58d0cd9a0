//! The origin's log, read as an operator's log pipeline reads it: every line one JSON document
//! in Elastic Common Schema names; access, audit and security lines each in their own
//! `event.dataset`; and no secret the run used — passwords, session and admin tokens, the
//! signing secrets, a card number — anywhere in it.

mod process_support;

use process_support::{ADMIN_TOKEN, Shop, nats_is_up, until};
use serde_json::{Value, json};

const SESSION_SECRET: &str = "logs-test-session-secret-0123456789abcdef";
const WEBHOOK_SECRET: &str = "logs-test-webhook-secret-4242";
const METRICS_TOKEN: &str = "logs-test-metrics-token-7777";
const PASSWORD: &str = "correct horse battery staple 9";
const WRONG_PASSWORD: &str = "wrong horse battery staple 8";
const CARD_NUMBER: &str = "4084084084084081";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_is_ecs_json_in_separate_streams_and_holds_no_secret() {
    if !nats_is_up() {
        return;
    }
    let shop = Shop::new();
    shop.run(&["migrate"]);
    shop.run(&["seed", "--products", "5"]);
    let api = shop.start_with(
        "serve",
        &[
            ("LINKEDALL_SESSION_SECRET", SESSION_SECRET.into()),
            ("LINKEDALL_PAYMENT_WEBHOOK_SECRET", WEBHOOK_SECRET.into()),
            ("LINKEDALL_METRICS_TOKEN", METRICS_TOKEN.into()),
            ("LINKEDALL_LOG_FORMAT", "json".into()),
        ],
    );
    let http = reqwest::Client::new();
    until("the API is up", || async { http.get(shop.url("/healthz")).send().await.is_ok() }).await;

    // A shopper registers, mistypes, signs in, tries an admin page, signs out, reuses the token.
    let registered: Value = http
        .post(shop.url("/api/v1/auth/register"))
        .json(&json!({ "email": "kofi@example.com", "password": PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let first_token = registered["token"].as_str().expect("a session token").to_owned();
    let sign_in = |password: &str| {
        http.post(shop.url("/api/v1/auth/login"))
            .json(&json!({ "email": "kofi@example.com", "password": password }))
            .send()
    };
    assert_eq!(sign_in(WRONG_PASSWORD).await.unwrap().status(), 401);
    let signed_in: Value = sign_in(PASSWORD).await.unwrap().json().await.unwrap();
    let token = signed_in["token"].as_str().expect("a session token").to_owned();
    let forbidden =
        http.get(shop.url("/api/v1/admin/dead-letters")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(forbidden.status(), 403);
    let out = http.post(shop.url("/api/v1/auth/logout")).bearer_auth(&token).send().await.unwrap();
    assert!(out.status().is_success(), "{}", out.status());
    let revoked = http.get(shop.url("/api/v1/orders")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(revoked.status(), 401);

    // A forged payment webhook carrying a card number; an admin purges and sets rates.
    let forged = http
        .post(shop.url("/api/v1/payments/webhook"))
        .header("x-paystack-signature", "0".repeat(128))
        .json(&json!({ "event": "charge.success", "data": { "reference": "x", "card_number": CARD_NUMBER } }))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
    let purged = http
        .post(shop.url("/admin/purge"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({ "tags": ["product:1"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(purged.status(), 202);
    let rates = http
        .put(shop.url("/api/v1/admin/fx-rates"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({ "per_usd_micros": { "NGN": 1_500_000_000u64 } }))
        .send()
        .await
        .unwrap();
    assert!(rates.status().is_success(), "{}", rates.text().await.unwrap());
    let metrics = http.get(shop.url("/metrics")).bearer_auth(METRICS_TOKEN).send().await.unwrap();
    assert!(metrics.status().is_success());

    let log = api.log();
    let status = api.terminate();
    assert!(status.success(), "serve exited with {status}");

    let lines: Vec<Value> = log
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}")))
        .collect();
    for line in &lines {
        for field in ["@timestamp", "log.level", "message", "event.dataset", "service.name", "ecs.version"] {
            assert!(line.get(field).is_some(), "{field} missing from {line}");
        }
    }
    let of = |dataset: &str| -> Vec<&Value> {
        lines.iter().filter(|l| l["event.dataset"] == format!("linkedall.{dataset}")).collect()
    };

    let access = of("access");
    let listing = access
        .iter()
        .find(|l| l["url.path"] == "/api/v1/admin/dead-letters")
        .expect("an access line per request");
    assert_eq!(listing["http.request.method"], "GET");
    assert_eq!(listing["http.response.status_code"], 403);
    assert_eq!(listing["client.ip"], "127.0.0.1");
    assert_eq!(listing["trace.id"].as_str().map(str::len), Some(32));
    assert!(listing["http.request.id"].is_string() && listing["event.duration"].is_u64(), "{listing}");

    let security = of("security");
    let failed_sign_in = security
        .iter()
        .find(|l| l["event.action"] == "sign-in" && l["event.outcome"] == "failure")
        .expect("a failed sign-in is a security line");
    assert_eq!(failed_sign_in["client.ip"], "127.0.0.1");
    for action in ["admin-access", "sign-out", "session", "payment-webhook"] {
        assert!(security.iter().any(|l| l["event.action"] == action), "no security line for {action}");
    }

    let audit = of("audit");
    // Every admin write is an audit line, named by its method and route (the audit trail's
    // middleware writes it, so no admin route can be left out of the stream).
    for action in ["POST /admin/purge", "PUT /api/v1/admin/fx-rates"] {
        let line = audit
            .iter()
            .find(|l| l["event.action"] == action)
            .unwrap_or_else(|| panic!("no audit line for {action}"));
        assert_eq!(line["linkedall.actor"], "operators_token");
        assert_eq!(line["event.outcome"], "success");
        assert_eq!(line["client.ip"], "127.0.0.1");
        assert!(line["http.request.id"].is_string());
    }
    assert!(
        of("application").iter().any(|l| l["message"] == "origin listening"),
        "start-up is an application line"
    );

    for secret in [
        SESSION_SECRET,
        WEBHOOK_SECRET,
        METRICS_TOKEN,
        ADMIN_TOKEN,
        PASSWORD,
        WRONG_PASSWORD,
        CARD_NUMBER,
        first_token.as_str(),
        token.as_str(),
    ] {
        assert!(!log.contains(secret), "the log holds a secret ({}…)", &secret[..6]);
    }
}
