//! Fraud velocity per card, through the whole event flow: shoppers pay on the sandbox's payment
//! page with a test card, the payment's card fingerprint travels in `payment.completed`, and the
//! fraud consumer holds the order of the third account paying with one card — on SQLite and
//! PostgreSQL.

mod events_support;

use events_support::{Shop, eventually, execute, processed, scalar};
use linkedall_events::consumer::{Outcome, process};
use linkedall_events::consumers;
use linkedall_events::consumers::fraud::FraudCheck;
use linkedall_events::purge::LoggedPurges;
use linkedall_events::relay::StoredEvent;
use linkedall_events::service::BusChoice;
use linkedall_events_schema::Envelope;
use linkedall_events_schema::{catalogue, payloads::PaymentCompleted};
use linkedall_origin::testing::TestOptions;
use linkedall_shared::VendorId;
use linkedall_store::order::Transition;
use linkedall_store::{Backend, Store};
use reqwest::StatusCode;
use serde_json::Value;

const SHARED_CARD: &str = "4084 0840 8408 4081";

fn options() -> TestOptions {
    let events = events_support::quick_plan(BusChoice::InProcess, consumers::all(LoggedPurges::default()));
    TestOptions { events, ..TestOptions::default() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_one_card_paying_for_three_accounts_holds_the_third_order() {
    one_card_paying_for_three_accounts_holds_the_third_order(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_one_card_paying_for_three_accounts_holds_the_third_order() {
    one_card_paying_for_three_accounts_holds_the_third_order(Backend::Postgres).await;
}

async fn payloads(store: &Store, kind: &str) -> Vec<Value> {
    let sql = format!(
        "SELECT {} FROM outbox WHERE type = '{kind}' ORDER BY seq",
        match store {
            Store::Postgres(_) => "payload::text",
            Store::Sqlite(_) => "payload",
        }
    );
    let rows: Vec<String> = match store {
        Store::Postgres(pool) => sqlx::query_scalar(&sql).fetch_all(pool).await,
        Store::Sqlite(pool) => sqlx::query_scalar(&sql).fetch_all(pool).await,
    }
    .unwrap();
    rows.iter().map(|r| serde_json::from_str(r).unwrap()).collect()
}

async fn one_card_paying_for_three_accounts_holds_the_third_order(backend: Backend) {
    let Some(shop) = Shop::open(backend, options()).await else { return };
    let store = shop.store().clone();
    // Small orders: only the card can make them suspicious.
    execute(&store, "UPDATE products SET price_minor = 5000").await;
    let [a, ..] = shop.products[..] else { panic!("four products") };

    // A bad test card is the payer's mistake: a 400 problem, and nothing is paid.
    let first = shop.order(&[(a, 1)]).await;
    let (status, problem) = shop.pay(&shop.token, first, Some("4084")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem["type"], "/problems/invalid-body");

    // Three accounts pay with the same card, a fourth with a card of its own.
    let mut paid = vec![(shop.token.clone(), first)];
    for email in ["second@example.com", "third@example.com"] {
        let token = shop.shopper(email).await;
        let order = shop.order_as(&token, &[(a, 1)]).await;
        paid.push((token, order));
    }
    for (token, order) in &paid {
        let (status, body) = shop.pay(token, *order, Some(SHARED_CARD)).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("confirmed")), "{body}");
    }
    let fourth = shop.shopper("fourth@example.com").await;
    let own_card = shop.order_as(&fourth, &[(a, 1)]).await;
    assert_eq!(shop.pay(&fourth, own_card, None).await.0, StatusCode::OK);
    let third = paid[2].1;

    eventually("the fraud check saw every order and payment", || async {
        processed(&store, "fraud").await == 8
    })
    .await;

    // The card's fingerprint is kept with each payment, never the number.
    let shared = scalar(
        &store,
        "SELECT count(DISTINCT card_fingerprint) FROM payments WHERE state = 'completed' AND card_last4 = '4081'",
    )
    .await;
    assert_eq!(shared, 1, "one card, one fingerprint");
    assert_eq!(scalar(&store, "SELECT count(DISTINCT card_fingerprint) FROM payments").await, 2);
    assert_eq!(scalar(&store, "SELECT count(*) FROM payments WHERE card_fingerprint LIKE '%4084%'").await, 0);

    // ... and travels in payment.completed, whose payloads match their schema.
    let completed = payloads(&store, "payment.completed").await;
    assert_eq!(completed.len(), 4);
    for payload in &completed {
        catalogue::validate("payment.completed", 1, payload).unwrap();
        let payment: PaymentCompleted = serde_json::from_value(payload.clone()).unwrap();
        assert!(payment.card_fingerprint.is_some_and(|f| f.starts_with("SIG_")), "{payload}");
    }

    // Only the third account's order is held, for the card's velocity.
    let admin = shop.admin().await;
    let (status, held) = shop.get("/api/v1/admin/orders/held", &admin).await;
    assert_eq!(status, StatusCode::OK);
    let held = held["held"].as_array().unwrap().clone();
    assert_eq!(held.len(), 1, "{held:?}");
    assert_eq!(held[0]["order_id"], third);
    let reasons = held[0]["reasons"].to_string();
    assert!(reasons.contains("card velocity: one card paid for 3 accounts"), "{reasons}");
    let announced = payloads(&store, "order.held_for_review").await;
    assert_eq!(announced.len(), 1);
    assert_eq!(announced[0]["order_id"], third);
    assert!(announced[0]["score"].as_u64().unwrap() >= 70);

    // Its vendor cannot ship it until an admin releases it; the others ship.
    let vendor = |order: i64| {
        let store = store.clone();
        async move {
            let sql = format!("SELECT vendor_id FROM order_parts WHERE order_id = {order}");
            VendorId::new(scalar(&store, &sql).await)
        }
    };
    let refused = store.advance_order_part(third, vendor(third).await, Transition::Ship).await.unwrap_err();
    assert!(refused.to_string().contains("held for fraud review"), "{refused}");
    let first_vendor = vendor(first).await;
    store.advance_order_part(first, first_vendor, Transition::Ship).await.unwrap();
    let (status, _) = shop.post(&format!("/api/v1/admin/orders/{third}/release"), &admin).await;
    assert_eq!(status, StatusCode::OK);
    store.advance_order_part(third, vendor(third).await, Transition::Ship).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_payment_checked_before_its_order_still_holds_it() {
    a_payment_checked_before_its_order_still_holds_it(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_payment_checked_before_its_order_still_holds_it() {
    a_payment_checked_before_its_order_still_holds_it(Backend::Postgres).await;
}

/// The events of `kind` about `subject`, as the relay would publish them.
async fn envelopes(store: &Store, kind: &str, subject: &str) -> Vec<Envelope> {
    let time = match store {
        Store::Postgres(_) => "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
        Store::Sqlite(_) => "created_at",
    };
    let sql = format!(
        "SELECT CAST(id AS TEXT) AS id, type AS kind, subject, payload, schema_version, traceparent, client_ip, \
         country, seq, {time} AS time FROM outbox WHERE type = '{kind}' AND subject = '{subject}' ORDER BY seq"
    );
    let rows: Vec<StoredEvent> = match store {
        Store::Postgres(pool) => sqlx::query_as(&sql).fetch_all(pool).await,
        Store::Sqlite(pool) => sqlx::query_as(&sql).fetch_all(pool).await,
    }
    .unwrap();
    rows.into_iter().map(StoredEvent::into_envelope).collect()
}

async fn a_payment_checked_before_its_order_still_holds_it(backend: Backend) {
    // No consumers run: the fraud check is fed by hand, the last payment before its order.
    let Some(shop) = Shop::open(backend, TestOptions::default()).await else { return };
    let store = shop.store().clone();
    execute(&store, "UPDATE products SET price_minor = 5000").await;
    let [a, ..] = shop.products[..] else { panic!("four products") };
    let mut orders = Vec::new();
    for email in ["", "second@example.com", "third@example.com"] {
        let token = if email.is_empty() { shop.token.clone() } else { shop.shopper(email).await };
        let order = shop.order_as(&token, &[(a, 1)]).await;
        assert_eq!(shop.pay(&token, order, Some(SHARED_CARD)).await.0, StatusCode::OK);
        orders.push(order);
    }
    let fraud = FraudCheck::default();
    let mut feed = Vec::new();
    for order in &orders[..2] {
        feed.extend(envelopes(&store, "order.created", &format!("order/{order}")).await);
        feed.extend(envelopes(&store, "payment.completed", &format!("order/{order}")).await);
    }
    let last = format!("order/{}", orders[2]);
    feed.extend(envelopes(&store, "payment.completed", &last).await);
    feed.extend(envelopes(&store, "order.created", &last).await);
    assert_eq!(feed.len(), 6);
    for event in &feed {
        assert_eq!(process(&store, &fraud, event).await.unwrap(), Outcome::Applied, "{}", event.kind);
    }
    let held = scalar(&store, "SELECT count(*) FROM fraud_observations WHERE held").await;
    let reasons = scalar(
        &store,
        &format!(
            "SELECT count(*) FROM fraud_observations WHERE order_id = {} AND held AND reasons LIKE 'card velocity:%'",
            orders[2]
        ),
    )
    .await;
    assert_eq!((held, reasons), (1, 1), "the order check counted the card seen before it");
    let announced = payloads(&store, "order.held_for_review").await;
    assert_eq!(announced.len(), 1);
    assert_eq!(announced[0]["order_id"], orders[2]);

    // An admin cancels the held order instead of releasing it: it leaves the review list, its
    // stock is back and its payment is refunded; an order that is not held is not theirs to
    // cancel from review.
    let admin = shop.admin().await;
    let (status, _) = shop.post(&format!("/api/v1/admin/orders/{}/cancel", orders[0]), &admin).await;
    assert_eq!(status, StatusCode::CONFLICT, "not held");
    let stock = |store: Store| async move {
        scalar(&store, &format!("SELECT CAST(stock AS BIGINT) FROM products WHERE id = {a}")).await
    };
    let before = stock(store.clone()).await;
    let (status, cancelled) = shop.post(&format!("/api/v1/admin/orders/{}/cancel", orders[2]), &admin).await;
    assert_eq!((status, cancelled["state"].as_str()), (StatusCode::OK, Some("cancelled")), "{cancelled}");
    assert_eq!(stock(store.clone()).await, before + 1, "its unit is back on sale");
    let (_, held) = shop.get("/api/v1/admin/orders/held", &admin).await;
    assert_eq!(held["held"], serde_json::json!([]), "nothing left to review");
    let refunded =
        scalar(&store, &format!("SELECT count(*) FROM refunds WHERE order_id = {}", orders[2])).await;
    assert_eq!(refunded, 1, "what was paid is due back");
    let (status, _) = shop.post(&format!("/api/v1/admin/orders/{}/cancel", orders[2]), &admin).await;
    assert_eq!(status, StatusCode::CONFLICT, "once");
}
