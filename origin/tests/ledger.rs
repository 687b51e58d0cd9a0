//! The money rules, proved over random interleavings: pay, the provider's webhooks (success,
//! failure, refund processed — duplicated, late and out of order), the sandbox approval,
//! cancel, ship, deliver, reservation expiry, and refund requests the provider refuses and
//! the retries after, over orders of two or three vendors, on PostgreSQL and SQLite. After
//! every step:
//!
//! - money charged = money refunded + owed to vendors + still held, in the payments, refunds
//!   and order parts as in the ledger, and nothing is held that is neither owed nor refunded;
//! - units sold + units in stock = units listed, for every product;
//! - no cancelled order keeps a charge that is neither refunded nor queued for a refund;
//! - every refund recorded as requested was requested from the provider;
//! - a part that shipped stays shipped or delivered: never cancelled.
//!
//! Steps go through the routes over HTTP (and the refund retry and the reservation sweep
//! through the functions their background tasks call). `LINKEDALL_PROPTEST_CASES` sets the
//! number of cases per backend (48 by default).

mod money_support;

use std::collections::BTreeMap;

use linkedall_origin::refunds::request_due_refunds;
use linkedall_store::ledger::Movement;
use linkedall_store::{Backend, Store};
use money_support::{Market, execute, market, scalar};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Orders per case.
const ORDERS: usize = 2;
/// Each product's stock when listed, per case.
const LISTED: i64 = 6;

#[derive(Debug, Clone)]
enum Step {
    Pay(usize),
    /// The shopper approves charge `.1` of order `.0` on the sandbox's page.
    Approve(usize, usize),
    WebhookSuccess(usize, usize),
    WebhookFailed(usize, usize),
    WebhookRefunded(usize, usize),
    Cancel(usize),
    Ship(usize, usize),
    Deliver(usize, usize),
    Expire(usize),
    /// The provider refuses the next `.0` refund requests.
    RefundsFail(u32),
    /// The refund sweeper runs, a day later than the last time.
    RetryRefunds,
}

fn step() -> impl Strategy<Value = Step> {
    let order = 0..ORDERS;
    let charge = 0..3usize;
    let vendor = 0..3usize;
    prop_oneof![
        3 => order.clone().prop_map(Step::Pay),
        2 => (order.clone(), charge.clone()).prop_map(|(o, c)| Step::Approve(o, c)),
        2 => (order.clone(), charge.clone()).prop_map(|(o, c)| Step::WebhookSuccess(o, c)),
        1 => (order.clone(), charge.clone()).prop_map(|(o, c)| Step::WebhookFailed(o, c)),
        1 => (order.clone(), charge).prop_map(|(o, c)| Step::WebhookRefunded(o, c)),
        2 => order.clone().prop_map(Step::Cancel),
        2 => (order.clone(), vendor.clone()).prop_map(|(o, v)| Step::Ship(o, v)),
        1 => (order.clone(), vendor).prop_map(|(o, v)| Step::Deliver(o, v)),
        1 => order.prop_map(Step::Expire),
        1 => (1..4u32).prop_map(Step::RefundsFail),
        1 => Just(Step::RetryRefunds),
    ]
}

/// A case: each order's quantities per vendor (two or three vendors), then the steps.
fn case() -> impl Strategy<Value = (Vec<[u32; 3]>, Vec<Step>)> {
    let quantities = (1..3u32, 1..3u32, 0..3u32)
        .prop_map(|(a, b, c)| vec![a, b, c])
        .prop_shuffle()
        .prop_map(|q| [q[0], q[1], q[2]]);
    let orders = proptest::collection::vec(quantities, ORDERS);
    (orders, proptest::collection::vec(step(), 1..24))
}

fn cases() -> u32 {
    std::env::var("LINKEDALL_PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(48)
}

#[test]
fn sqlite_money_and_stock_add_up_after_any_interleaving() {
    money_and_stock_add_up_after_any_interleaving(Backend::Sqlite);
}

#[test]
fn postgres_money_and_stock_add_up_after_any_interleaving() {
    money_and_stock_add_up_after_any_interleaving(Backend::Postgres);
}

fn money_and_stock_add_up_after_any_interleaving(backend: Backend) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let Some(market) = runtime.block_on(market(backend)) else { return };
    let mut runner =
        TestRunner::new(Config { cases: cases(), failure_persistence: None, ..Config::default() });
    let case_number = std::sync::atomic::AtomicU32::new(0);
    let started = std::time::Instant::now();
    let result = runner.run(&case(), |(orders, steps)| {
        let number = case_number.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        runtime.block_on(run_case(&market, number, &orders, &steps)).map_err(TestCaseError::fail)
    });
    let cases = case_number.load(std::sync::atomic::Ordering::SeqCst);
    eprintln!("{backend:?}: {cases} cases in {:.1} s", started.elapsed().as_secs_f64());
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

/// One case's world: its own products, its orders, and the charges started for each.
struct Case<'a> {
    market: &'a Market,
    products: Vec<(usize, i64)>,
    orders: Vec<i64>,
    charges: Vec<Vec<String>>,
    /// (order, product) of each part a vendor shipped.
    shipped: Vec<(i64, i64)>,
}

async fn run_case(market: &Market, number: u32, orders: &[[u32; 3]], steps: &[Step]) -> Result<(), String> {
    let mut case = Case {
        market,
        products: Vec::new(),
        orders: Vec::new(),
        charges: vec![Vec::new(); orders.len()],
        shipped: Vec::new(),
    };
    for (v, (token, _)) in market.vendors.iter().enumerate() {
        let body = json!({ "category_id": 1, "name": format!("Case {number} product {v}"), "description": "proptest",
            "price_minor": 1_000 * (v as i64 + 1) + 250, "stock": LISTED });
        let (status, product) =
            market.origin.call(token, Method::POST, "/api/v1/vendor/products", Some(body), None).await;
        expect(status == StatusCode::CREATED, || format!("listing: {status} {product}"))?;
        case.products.push((v, product["product"]["id"].as_i64().unwrap()));
    }
    for (n, quantities) in orders.iter().enumerate() {
        let items: Vec<Value> = quantities
            .iter()
            .zip(&case.products)
            .filter(|(q, _)| **q > 0)
            .map(|(q, (_, product))| json!({ "product_id": product, "quantity": q }))
            .collect();
        let key = format!("case-{number}-order-{n}-{}", uuid_like(number, n));
        let (status, order) = market
            .origin
            .call(
                &market.shopper,
                Method::POST,
                "/api/v1/orders",
                Some(json!({ "items": items })),
                Some(&key),
            )
            .await;
        expect(status == StatusCode::CREATED, || format!("placing: {status} {order}"))?;
        case.orders.push(order["id"].as_i64().unwrap());
    }
    check(&case).await.map_err(|e| format!("after placing: {e}"))?;
    for (n, step) in steps.iter().enumerate() {
        case.take(step).await.map_err(|e| format!("step {n} {step:?}: {e}"))?;
        check(&case).await.map_err(|e| format!("after step {n} {step:?} of {steps:?}: {e}"))?;
    }
    Ok(())
}

/// Keys unique across runs that share a database (shrinking replays cases).
fn uuid_like(number: u32, n: usize) -> String {
    format!(
        "{number}-{n}-{}",
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
    )
}

fn expect(ok: bool, why: impl FnOnce() -> String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(why()) }
}

/// A status a step may answer: success, or a refusal a client can act on; never a 5xx.
fn acceptable(status: StatusCode, body: &Value) -> Result<(), String> {
    expect(!status.is_server_error(), || format!("{status}: {body}"))
}

impl Case<'_> {
    async fn take(&mut self, step: &Step) -> Result<(), String> {
        let market = self.market;
        let origin = &market.origin;
        match *step {
            Step::Pay(o) => {
                let (status, payment) = market.pay(self.orders[o]).await;
                acceptable(status, &payment)?;
                if status.is_success() {
                    let reference = payment["reference"].as_str().unwrap().to_owned();
                    if !self.charges[o].contains(&reference) {
                        self.charges[o].push(reference);
                    }
                }
            }
            Step::Approve(o, c) => {
                if let Some(reference) = self.charge(o, c) {
                    let (status, body) = market.approve(&reference).await;
                    acceptable(status, &body)?;
                }
            }
            Step::WebhookSuccess(o, c) => {
                if let Some(reference) = self.charge(o, c) {
                    let total = scalar(
                        market.store(),
                        &format!("SELECT total_minor FROM orders WHERE id = {}", self.orders[o]),
                    )
                    .await;
                    let body = json!({ "event": "charge.success", "data": { "reference": reference, "amount": total, "currency": "NGN" } });
                    let (status, answer) = origin.webhook(&body).await;
                    expect(status == StatusCode::OK, || format!("{status}: {answer}"))?;
                }
            }
            Step::WebhookFailed(o, c) => {
                if let Some(reference) = self.charge(o, c) {
                    let body = json!({ "event": "charge.failed", "data": { "reference": reference } });
                    let (status, answer) = origin.webhook(&body).await;
                    expect(status == StatusCode::OK, || format!("{status}: {answer}"))?;
                }
            }
            Step::WebhookRefunded(o, c) => {
                if let Some(reference) = self.charge(o, c) {
                    let body = json!({ "event": "refund.processed", "data": { "transaction_reference": reference } });
                    let (status, answer) = origin.webhook(&body).await;
                    expect(status == StatusCode::OK, || format!("{status}: {answer}"))?;
                }
            }
            Step::Cancel(o) => {
                let (status, body) = market.cancel(self.orders[o]).await;
                acceptable(status, &body)?;
            }
            Step::Ship(o, v) | Step::Deliver(o, v) => {
                let verb = if matches!(step, Step::Ship(..)) { "ship" } else { "deliver" };
                let (status, body) = market.vendor_moves(v, self.orders[o], verb).await;
                acceptable(status, &body)?;
                if status == StatusCode::OK && verb == "ship" {
                    self.shipped.push((self.orders[o], self.products[v].1));
                }
            }
            Step::Expire(o) => {
                let id = self.orders[o];
                execute(
                    market.store(),
                    &format!("UPDATE orders SET expires_at = '2001-01-01T00:00:00.000Z' WHERE id = {id}"),
                )
                .await;
                market.store().expire_reservations(50).await.map_err(|e| e.to_string())?;
                let later = "UPDATE orders SET expires_at = '2999-01-01T00:00:00.000Z' WHERE expires_at < '2002-01-01'";
                execute(market.store(), later).await;
            }
            Step::RefundsFail(n) => market.provider.fail_next_refunds(n),
            Step::RetryRefunds => {
                let at = clock().await;
                request_due_refunds(market.store(), market.provider.as_ref(), at)
                    .await
                    .map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    }

    /// Charge `c` of order `o` (the latest when fewer were started), if any was.
    fn charge(&self, o: usize, c: usize) -> Option<String> {
        let charges = &self.charges[o];
        charges.get(c).or(charges.last()).cloned()
    }
}

/// The refund sweeper's clock: a day further on each time it runs, so every backoff is over.
async fn clock() -> i64 {
    use std::sync::atomic::{AtomicI64, Ordering};
    static DAYS: AtomicI64 = AtomicI64::new(0);
    let days = DAYS.fetch_add(1, Ordering::SeqCst) + 1;
    time::OffsetDateTime::now_utc().unix_timestamp() + days * 86_400
}

async fn rows<T>(store: &Store, sql: &str) -> Vec<T>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + Send
        + Unpin,
{
    match store {
        Store::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await,
        Store::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Every rule, for this case's orders and products.
async fn check(case: &Case<'_>) -> Result<(), String> {
    let store = case.market.store();
    let ids = case.orders.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let ledger = store.ledger_balances().await.map_err(|e| e.to_string())?;
    let charged: BTreeMap<i64, i64> = rows::<(i64, i64)>(
        store,
        &format!(
            "SELECT order_id, CAST(SUM(amount_minor) AS BIGINT) FROM payments \
         WHERE order_id IN ({ids}) AND state IN ('completed', 'refunded') GROUP BY order_id"
        ),
    )
    .await
    .into_iter()
    .collect();
    let refunded: BTreeMap<i64, i64> = rows::<(i64, i64)>(store, &format!(
        "SELECT order_id, CAST(SUM(amount_minor) AS BIGINT) FROM refunds WHERE order_id IN ({ids}) GROUP BY order_id"
    ))
    .await
    .into_iter()
    .collect();
    let owed: BTreeMap<i64, i64> = rows::<(i64, i64)>(
        store,
        &format!(
            "SELECT order_id, CAST(SUM(subtotal_minor) AS BIGINT) FROM order_parts \
         WHERE order_id IN ({ids}) AND state IN ('confirmed', 'shipped', 'delivered') GROUP BY order_id"
        ),
    )
    .await
    .into_iter()
    .collect();
    for &id in &case.orders {
        let get = |m: &BTreeMap<i64, i64>| m.get(&id).copied().unwrap_or(0);
        let (charged, refunded, owed) = (get(&charged), get(&refunded), get(&owed));
        let books = ledger.get(&id).cloned().unwrap_or_default();
        let held = books.held();
        expect(books.of(Movement::ChargeCaptured) == charged, || {
            format!(
                "order {id}: the ledger captured {}, the payments say {charged}",
                books.of(Movement::ChargeCaptured)
            )
        })?;
        expect(books.of(Movement::RefundDue) == refunded, || {
            format!(
                "order {id}: the ledger refunds {}, the refunds say {refunded}",
                books.of(Movement::RefundDue)
            )
        })?;
        expect(books.owed_to_vendors() == owed, || {
            format!(
                "order {id}: the ledger owes vendors {}, the paid parts say {owed}",
                books.owed_to_vendors()
            )
        })?;
        expect(charged == refunded + owed + held, || {
            format!("order {id}: charged {charged} ≠ refunded {refunded} + owed {owed} + held {held}")
        })?;
        expect(held == 0, || format!("order {id}: {held} held, neither owed to a vendor nor refunded"))?;
    }
    let cancelled_unrefunded: i64 = scalar(store, &format!(
        "SELECT count(*) FROM payments p JOIN orders o ON o.id = p.order_id \
         WHERE o.id IN ({ids}) AND o.state = 'cancelled' AND p.state IN ('completed', 'refunded') \
         AND p.amount_minor > (SELECT COALESCE(SUM(r.amount_minor), 0) FROM refunds r \
                               WHERE r.payment_reference = p.reference AND r.state IN ('due', 'requested', 'completed', 'failed'))"
    ))
    .await;
    expect(cancelled_unrefunded == 0, || format!("{cancelled_unrefunded} cancelled orders keep a charge"))?;
    for &(v, product) in &case.products {
        let in_stock =
            scalar(store, &format!("SELECT CAST(stock AS BIGINT) FROM products WHERE id = {product}")).await;
        let sold = scalar(store, &format!(
            "SELECT CAST(COALESCE(SUM(i.quantity), 0) AS BIGINT) FROM order_items i JOIN order_parts p ON p.id = i.part_id \
             WHERE i.product_id = {product} AND p.state <> 'cancelled'"
        ))
        .await;
        expect(sold + in_stock == LISTED, || {
            format!("vendor {v}'s product: {sold} sold + {in_stock} in stock ≠ {LISTED}")
        })?;
    }
    for &(order, product) in &case.shipped {
        let still = scalar(
            store,
            &format!(
                "SELECT count(*) FROM order_parts p JOIN order_items i ON i.part_id = p.id \
             WHERE i.order_id = {order} AND i.product_id = {product} AND p.state IN ('shipped', 'delivered')"
            ),
        )
        .await;
        expect(still == 1, || {
            format!("order {order}: the shipped part of product {product} did not stay shipped")
        })?;
    }
    let recorded_requested =
        scalar(store, "SELECT count(*) FROM refunds WHERE state IN ('requested', 'completed')").await;
    let asked = case.market.provider.refunds().len() as i64;
    expect(recorded_requested == asked, || {
        format!("{recorded_requested} refunds recorded as requested, {asked} requested from the provider")
    })?;
    Ok(())
}
