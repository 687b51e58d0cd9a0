//! The Paystack provider against a local imitation of Paystack's API (127.0.0.1 only): the
//! imitation checks the bearer key and the body the way Paystack does and answers in
//! Paystack's envelope, so these tests show what the provider sends and how it reads answers.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use linkedall_origin::Error;
use linkedall_origin::accounts::Email;
use linkedall_origin::config::{AuthSettings, Settings};
use linkedall_origin::payments::PaymentProvider;
use linkedall_origin::payments::paystack::{PaystackProvider, PaystackSettings};
use linkedall_origin::payments::paystack_signature;
use linkedall_origin::testing::{TEST_WEBHOOK_SECRET, TestDatabase, TestOptions, TestOrigin, test_auth};
use linkedall_shared::{Currency, Money, PaymentMethod};
use linkedall_store::{Backend, Store};
use reqwest::Method;
use serde_json::{Value, json};

const POST: Method = Method::POST;
const GET: Method = Method::GET;
const SECRET_KEY: &str = "sk_test_linkedall_imitation";

/// One request the imitation received.
#[derive(Debug, Clone)]
struct Seen {
    path: &'static str,
    authorization: String,
    body: Value,
}

/// Paystack's API as far as we use it, on a random local port.
struct FakePaystack {
    base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl FakePaystack {
    async fn start() -> FakePaystack {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new()
            .route("/transaction/initialize", post(initialize))
            .route("/refund", post(refund))
            .with_state(seen.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        FakePaystack { base_url, seen }
    }

    fn settings(&self, secret_key: &str) -> PaystackSettings {
        PaystackSettings {
            base_url: self.base_url.clone(),
            secret_key: secret_key.into(),
            timeout: Duration::from_secs(5),
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn refused(status: StatusCode, message: &str) -> axum::response::Response {
    (status, Json(json!({ "status": false, "message": message }))).into_response()
}

/// Records the request; true when it carries our secret key, as Paystack requires.
fn record(seen: &Mutex<Vec<Seen>>, path: &'static str, headers: &HeaderMap, body: &Value) -> bool {
    let authorization = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
    seen.lock().unwrap().push(Seen { path, authorization: authorization.into(), body: body.clone() });
    authorization == format!("Bearer {SECRET_KEY}")
}

async fn initialize(
    State(seen): State<Arc<Mutex<Vec<Seen>>>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> axum::response::Response {
    if !record(&seen, "/transaction/initialize", &headers, &body) {
        return refused(StatusCode::UNAUTHORIZED, "Invalid key");
    }
    if !body["email"].is_string() || !body["amount"].is_i64() {
        return refused(StatusCode::BAD_REQUEST, "Invalid Email Address or amount");
    }
    if body["currency"] != "NGN" {
        return refused(StatusCode::FORBIDDEN, "Currency not supported by merchant");
    }
    let reference = body["reference"].as_str().unwrap_or("T123456789");
    Json(json!({
        "status": true,
        "message": "Authorization URL created",
        "data": {
            "authorization_url": format!("https://checkout.paystack.com/{reference}"),
            "access_code": "0peioxfhpn",
            "reference": reference,
        },
    }))
    .into_response()
}

async fn refund(
    State(seen): State<Arc<Mutex<Vec<Seen>>>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> axum::response::Response {
    if !record(&seen, "/refund", &headers, &body) {
        return refused(StatusCode::UNAUTHORIZED, "Invalid key");
    }
    Json(json!({
        "status": true,
        "message": "Refund has been queued for processing",
        "data": { "transaction": { "reference": body["transaction"] }, "amount": body["amount"], "status": "pending" },
    }))
    .into_response()
}

fn naira(minor: i64) -> Money {
    Money { currency: Currency::NGN, minor }
}

fn email() -> Email {
    Email::parse("amina@example.com").unwrap()
}

#[tokio::test]
async fn initialize_sends_the_charge_with_the_secret_key_and_returns_paystacks_checkout_page() {
    let paystack = FakePaystack::start().await;
    let provider = PaystackProvider::new(&paystack.settings(SECRET_KEY)).unwrap();

    let session =
        provider.initialize(42, &email(), naira(1_250_000), PaymentMethod::MobileMoney).await.unwrap();

    let seen = paystack.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/transaction/initialize");
    assert_eq!(seen[0].authorization, format!("Bearer {SECRET_KEY}"));
    let body = &seen[0].body;
    assert_eq!(body["email"], "amina@example.com");
    assert_eq!(body["amount"], 1_250_000, "minor units (kobo)");
    assert_eq!(body["currency"], "NGN");
    assert_eq!(body["metadata"]["order_id"], 42);
    assert_eq!(body["channels"], serde_json::json!(["mobile_money"]), "only the channel the shopper chose");
    assert_eq!(session.provider, "paystack");
    assert_eq!(session.reference, body["reference"].as_str().unwrap());
    assert!(
        session.reference.chars().all(|c| c.is_ascii_alphanumeric() || "-.=".contains(c)),
        "Paystack refuses other characters in a reference: {}",
        session.reference
    );
    assert_eq!(session.authorization_url, format!("https://checkout.paystack.com/{}", session.reference));
    assert_eq!(session.amount, naira(1_250_000));
}

#[tokio::test]
async fn refund_asks_paystack_for_the_amount_back_on_the_transaction() {
    let paystack = FakePaystack::start().await;
    let provider = PaystackProvider::new(&paystack.settings(SECRET_KEY)).unwrap();

    provider.refund("la-42-abc", naira(500_000)).await.unwrap();

    let seen = paystack.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/refund");
    assert_eq!(seen[0].authorization, format!("Bearer {SECRET_KEY}"));
    assert_eq!(seen[0].body, json!({ "transaction": "la-42-abc", "amount": 500_000 }));
}

#[tokio::test]
async fn a_paystack_refusal_is_a_502_problem_that_names_paystacks_reason_in_the_log() {
    let paystack = FakePaystack::start().await;
    let wrong_key = PaystackProvider::new(&paystack.settings("sk_test_wrong")).unwrap();

    let error = wrong_key.initialize(42, &email(), naira(100), PaymentMethod::Card).await.unwrap_err();
    assert!(matches!(error, Error::PaymentProvider(_)), "{error:?}");
    let logged = error.to_string();
    assert!(
        logged.contains("initialize") && logged.contains("401") && logged.contains("Invalid key"),
        "{logged}"
    );
    let response = error.into_response();
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(response.headers()["content-type"], "application/problem+json");

    // A charge Paystack turns down for its own reasons reads the same way.
    let provider = PaystackProvider::new(&paystack.settings(SECRET_KEY)).unwrap();
    let ugx = Money { currency: Currency::UGX, minor: 45_000 };
    let error = provider.initialize(42, &email(), ugx, PaymentMethod::Card).await.unwrap_err();
    assert!(error.to_string().contains("Currency not supported by merchant"), "{error}");

    let error = wrong_key.refund("la-42-abc", naira(100)).await.unwrap_err();
    assert!(error.to_string().contains("refund") && error.to_string().contains("Invalid key"), "{error}");
}

#[tokio::test]
async fn a_paystack_that_does_not_answer_in_time_is_a_502_not_a_hung_request() {
    // Accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let _silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let settings =
        PaystackSettings { base_url, secret_key: SECRET_KEY.into(), timeout: Duration::from_millis(300) };
    let provider = PaystackProvider::new(&settings).unwrap();

    let started = std::time::Instant::now();
    let error = provider.initialize(42, &email(), naira(100), PaymentMethod::Card).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    assert!(matches!(error, Error::PaymentProvider(_)), "{error:?}");
}

#[test]
fn paystack_without_a_secret_key_or_with_a_bad_base_url_does_not_start() {
    let settings = |base_url: &str, secret_key: &str| PaystackSettings {
        base_url: base_url.into(),
        secret_key: secret_key.into(),
        timeout: Duration::from_secs(1),
    };
    assert!(matches!(
        PaystackProvider::new(&settings("https://api.paystack.co", " ")),
        Err(Error::Config(_))
    ));
    assert!(matches!(PaystackProvider::new(&settings("api.paystack.co", SECRET_KEY)), Err(Error::Config(_))));

    let chosen = |extra: &[&str]| {
        let args = ["--database-url", "sqlite::memory:", "--payment-provider", "paystack"];
        Settings::parse_args(args.iter().chain(extra)).expect("valid flags")
    };
    assert!(matches!(AuthSettings::from_settings(&chosen(&[])), Err(Error::Config(_))), "no secret key");
    let auth = AuthSettings::from_settings(&chosen(&["--paystack-secret-key", SECRET_KEY])).unwrap();
    let paystack = auth.paystack.expect("Paystack chosen");
    assert_eq!(paystack.base_url, "https://api.paystack.co");
    assert!(!format!("{paystack:?}").contains(SECRET_KEY), "the key stays out of logs");
}

/// A signed-in account's bearer token.
async fn register(origin: &TestOrigin, body: Value) -> String {
    origin.register(body).await["token"].as_str().unwrap().to_owned()
}

async fn call(origin: &TestOrigin, token: &str, method: reqwest::Method, path: &str) -> (u16, Value) {
    call_with(origin, token, method, path, json!({})).await
}

async fn call_with(
    origin: &TestOrigin,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let response = reqwest::Client::new()
        .request(method, format!("{}{path}", origin.url()))
        .bearer_auth(token)
        .header("idempotency-key", "paystack-test")
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

/// An origin charging through `paystack` with `secret_key`, and a shopper (Amina) with an
/// unpaid order for two lamps at ₦450 each.
async fn shopper_with_an_order(paystack: &FakePaystack, secret_key: &str) -> (TestOrigin, String, i64) {
    let db = TestDatabase::new(Backend::Sqlite).await.expect("SQLite is always there").seeded(20).await;
    let auth = AuthSettings { paystack: Some(paystack.settings(secret_key)), ..test_auth() };
    let origin = TestOrigin::spawn_with(db, TestOptions { auth, ..TestOptions::default() }).await;

    let vendor = register(
        &origin,
        json!({ "email": "shop@example.com", "password": "correct horse battery", "role": "vendor",
                "shop": { "name": "Lagos Lamps", "city": "Lagos", "country": "NG" } }),
    )
    .await;
    let lamp = json!({ "category_id": 1, "name": "Brass lamp", "description": "test", "price_minor": 45_000, "stock": 3 });
    let (status, product) = call_with(&origin, &vendor, POST, "/api/v1/vendor/products", lamp).await;
    assert_eq!(status, 201, "{product}");
    let items = json!({ "items": [{ "product_id": product["product"]["id"], "quantity": 2 }] });
    let shopper =
        register(&origin, json!({ "email": "Amina@Example.com", "password": "correct horse battery" })).await;
    let (status, order) = call_with(&origin, &shopper, POST, "/api/v1/orders", items).await;
    assert_eq!(status, 201, "{order}");
    let id = order["id"].as_i64().unwrap();
    (origin, shopper, id)
}

async fn webhook(origin: &TestOrigin, body: &Value, secret: &str) -> u16 {
    let body = serde_json::to_vec(body).unwrap();
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/payments/webhook", origin.url()))
        .header("x-paystack-signature", paystack_signature(secret.as_bytes(), &body))
        .body(body)
        .send()
        .await
        .unwrap();
    response.status().as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paying_through_paystack_sends_the_shopper_to_its_checkout_and_a_cancel_refunds_there() {
    let paystack = FakePaystack::start().await;
    let (origin, shopper, id) = shopper_with_an_order(&paystack, SECRET_KEY).await;

    let (status, payment) = call(&origin, &shopper, POST, &format!("/api/v1/orders/{id}/pay")).await;
    assert_eq!(status, 201, "{payment}");
    assert_eq!(payment["provider"], "paystack");
    let reference = payment["reference"].as_str().unwrap().to_owned();
    assert_eq!(payment["authorization_url"], format!("https://checkout.paystack.com/{reference}"));
    let charge = &paystack.seen()[0].body;
    assert_eq!(charge["email"], "amina@example.com", "the order's shopper pays");
    assert_eq!(charge["amount"], 2 * 45_000);
    assert_eq!(charge["metadata"]["order_id"], id);

    // The sandbox's payment page does not exist beside a real provider.
    let (status, _) = call(&origin, &shopper, POST, &format!("/api/v1/payments/sandbox/{reference}")).await;
    assert_eq!(status, 404);

    // Paystack signs its webhook with the secret key; the sandbox's webhook secret is not it.
    let success = json!({ "event": "charge.success", "data": { "reference": reference, "amount": 2 * 45_000, "currency": "NGN",
        "authorization": { "signature": "SIG_idyuhgd87dUYSHO92D", "last4": "4081", "bin": "408408", "card_type": "visa " } } });
    assert_eq!(webhook(&origin, &success, TEST_WEBHOOK_SECRET).await, 401);
    assert_eq!(webhook(&origin, &success, SECRET_KEY).await, 200);
    assert_eq!(call(&origin, &shopper, GET, &format!("/api/v1/orders/{id}")).await.1["state"], "confirmed");
    // The card's fingerprint (Paystack's `authorization.signature`) is kept with the payment.
    let Store::Sqlite(pool) = &origin.db.store else { unreachable!("these tests run on SQLite") };
    let card: (Option<String>, Option<String>) =
        sqlx::query_as("SELECT card_fingerprint, card_last4 FROM payments WHERE reference = $1")
            .bind(&reference)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(card, (Some("SIG_idyuhgd87dUYSHO92D".into()), Some("4081".into())));

    let (status, cancelled) = call(&origin, &shopper, POST, &format!("/api/v1/orders/{id}/cancel")).await;
    assert_eq!(status, 200, "{cancelled}");
    let seen = paystack.seen();
    let refund = seen.iter().find(|s| s.path == "/refund").expect("the refund reached Paystack");
    assert_eq!(refund.body, json!({ "transaction": reference, "amount": 2 * 45_000 }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_paystack_refuses_the_charge_the_shopper_gets_a_502_problem_and_the_order_stays_unpaid() {
    let paystack = FakePaystack::start().await;
    let (origin, shopper, id) = shopper_with_an_order(&paystack, "sk_test_revoked").await;

    let (status, problem) = call(&origin, &shopper, POST, &format!("/api/v1/orders/{id}/pay")).await;
    assert_eq!(status, 502, "{problem}");
    assert_eq!(problem["type"], "/problems/payment-provider");
    assert!(
        !problem["detail"].as_str().unwrap().contains("Invalid key"),
        "Paystack's reason stays in the log"
    );
    assert_eq!(call(&origin, &shopper, GET, &format!("/api/v1/orders/{id}")).await.1["state"], "created");
}
