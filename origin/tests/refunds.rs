//! Money taken is money accounted for: one open charge per order, a charge that completes
//! after its order was cancelled or expired goes back, every refund recorded was asked of the
//! provider (and retried until it is, or handed to an admin), and a webhook must match the
//! order's currency as well as its amount.

mod money_support;

use linkedall_origin::refunds::{MAX_ATTEMPTS, request_due_refunds};
use linkedall_store::Backend;
use linkedall_store::ledger::Movement;
use money_support::{Market, execute, market, scalar};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn spawn(backend: Backend) -> Option<Market> {
    market(backend).await
}

linkedall_origin::on_both_backends!(
    multi_thread: a_second_pay_returns_the_open_charge,
    a_payment_for_a_cancelled_order_is_refunded,
    a_failed_refund_is_retried_then_queued_for_an_admin,
    a_webhook_in_another_currency_is_refused,
    a_cancel_racing_the_payment_leaves_no_charge_unaccounted,
);

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

async fn a_second_pay_returns_the_open_charge(market: Market) {
    let (id, total) = market.place(&[1, 1, 0], "k").await;
    let (status, first) = market.pay(id).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, second) = market.pay(id).await;
    assert_eq!(status, StatusCode::OK, "the open charge, not a new one: {second}");
    assert_eq!(second["reference"], first["reference"]);
    assert_eq!(second["authorization_url"], first["authorization_url"]);
    assert_eq!(second["amount"]["minor"], total);
    assert_eq!(scalar(market.store(), "SELECT count(*) FROM payments").await, 1);

    // A failed charge is no longer open: the shopper may try again, with a new charge.
    let failed = json!({ "event": "charge.failed", "data": { "reference": first["reference"] } });
    assert_eq!(market.origin.webhook(&failed).await.0, StatusCode::OK);
    let (status, retry) = market.pay(id).await;
    assert_eq!(status, StatusCode::CREATED, "{retry}");
    assert_ne!(retry["reference"], first["reference"]);
    market.approve(retry["reference"].as_str().unwrap()).await;
    assert_eq!(market.pay(id).await.0, StatusCode::CONFLICT, "a paid order takes no charge");
}

async fn a_payment_for_a_cancelled_order_is_refunded(market: Market) {
    // Cancelled while the shopper was on the payment page.
    let (id, total) = market.place(&[1, 0, 2], "cancelled").await;
    let (_, payment) = market.pay(id).await;
    let reference = payment["reference"].as_str().unwrap().to_owned();
    assert_eq!(market.cancel(id).await.0, StatusCode::OK);
    assert!(market.refunds().is_empty(), "nothing was paid yet");
    let (status, order) = market.approve(&reference).await;
    assert_eq!(status, StatusCode::OK, "{order}");
    assert_eq!(order["state"], "cancelled", "a late payment revives nothing");
    assert_eq!(market.refunds(), vec![(reference.clone(), total)]);

    // Expired before the provider's webhook arrived.
    let (expired, expired_total) = market.place(&[0, 3, 0], "expired").await;
    let (_, payment) = market.pay(expired).await;
    let late = payment["reference"].as_str().unwrap().to_owned();
    execute(
        market.store(),
        &format!("UPDATE orders SET expires_at = '2001-01-01T00:00:00.000Z' WHERE id = {expired}"),
    )
    .await;
    assert_eq!(market.store().expire_reservations(10).await.unwrap(), vec![expired]);
    let success = json!({ "event": "charge.success",
        "data": { "reference": late, "amount": expired_total, "currency": "NGN" } });
    assert_eq!(market.origin.webhook(&success).await.0, StatusCode::OK);
    assert_eq!(market.origin.webhook(&success).await.0, StatusCode::OK, "a duplicate refunds nothing more");
    assert_eq!(market.refunds(), vec![(reference.clone(), total), (late.clone(), expired_total)]);

    // The provider's confirmation completes the refund, once.
    let processed = json!({ "event": "refund.processed", "data": { "transaction_reference": late } });
    let (status, applied) = market.origin.webhook(&processed).await;
    assert_eq!((status, &applied["applied"]), (StatusCode::OK, &json!(true)), "{applied}");
    assert_eq!(market.origin.webhook(&processed).await.1["applied"], false);
    let refunded = format!("SELECT count(*) FROM payments WHERE state = 'refunded' AND reference = '{late}'");
    assert_eq!(scalar(market.store(), &refunded).await, 1);
}

async fn a_failed_refund_is_retried_then_queued_for_an_admin(market: Market) {
    let store = market.store();
    let provider = market.provider.as_ref();
    // The provider is down when the shopper cancels, and back for the retry.
    market.provider.fail_next_refunds(1);
    let (id, total) = market.place(&[2, 0, 0], "down-once").await;
    let reference = market.pay_and_approve(id).await;
    assert_eq!(market.cancel(id).await.0, StatusCode::OK, "the cancellation does not wait for the provider");
    assert!(market.refunds().is_empty());
    assert_eq!(
        scalar(store, "SELECT count(*) FROM payments WHERE state = 'refunded'").await,
        0,
        "a refund the provider never took is not recorded as done"
    );
    let round = request_due_refunds(store, provider, now()).await.unwrap();
    assert_eq!(round.requested, 0, "retried only after a backoff: {round:?}");
    let round = request_due_refunds(store, provider, now() + 3_600).await.unwrap();
    assert_eq!(round.requested, 1, "{round:?}");
    assert_eq!(market.refunds(), vec![(reference, total)]);
    assert_eq!(request_due_refunds(store, provider, now() + 7_200).await.unwrap().requested, 0, "asked once");

    // The provider keeps refusing: after the last attempt the refund waits for an admin.
    market.provider.fail_next_refunds(u32::MAX);
    let (stuck, stuck_total) = market.place(&[0, 1, 0], "down-for-good").await;
    let stuck_reference = market.pay_and_approve(stuck).await;
    assert_eq!(market.cancel(stuck).await.0, StatusCode::OK);
    let mut at = now();
    for _ in 1..MAX_ATTEMPTS {
        at += 24 * 3_600;
        let round = request_due_refunds(store, provider, at).await.unwrap();
        assert_eq!((round.requested, round.failed), (0, 1), "{round:?}");
    }
    assert_eq!(request_due_refunds(store, provider, at + 48 * 3_600).await.unwrap().failed, 0, "given up");
    let (status, queue) =
        market.origin.call(&market.admin, Method::GET, "/api/v1/admin/refunds/failed", None, None).await;
    assert_eq!(status, StatusCode::OK, "{queue}");
    let failed = queue["refunds"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{queue}");
    assert_eq!(failed[0]["order_id"], stuck);
    assert_eq!(failed[0]["payment_reference"], stuck_reference);
    assert_eq!(failed[0]["amount"]["minor"], stuck_total);
    assert_eq!(failed[0]["attempts"], MAX_ATTEMPTS);
    assert!(failed[0]["last_error"].as_str().unwrap().contains("scripted refusal"), "{queue}");
    let (status, _) =
        market.origin.call(&market.shopper, Method::GET, "/api/v1/admin/refunds/failed", None, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(market.refunds().len(), 1);
}

async fn a_webhook_in_another_currency_is_refused(market: Market) {
    let (id, total) = market.place(&[1, 0, 0], "k").await;
    let (_, payment) = market.pay(id).await;
    let reference = &payment["reference"];
    let cedis = json!({ "event": "charge.success", "data": { "reference": reference, "amount": total, "currency": "GHS" } });
    let (status, problem) = market.origin.webhook(&cedis).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(problem["type"], "/problems/payment-mismatch");
    assert_eq!(market.order(id).await["state"], "created", "not applied");
    let naira = json!({ "event": "charge.success", "data": { "reference": reference, "amount": total, "currency": "NGN" } });
    assert_eq!(market.origin.webhook(&naira).await.0, StatusCode::OK);
    assert_eq!(market.order(id).await["state"], "confirmed");
}

/// The shopper cancels while the payment is being approved, a dozen times at once: whichever
/// wins, nobody deadlocks (no 5xx), and every charge taken is owed to the vendors or refunded.
async fn a_cancel_racing_the_payment_leaves_no_charge_unaccounted(market: Market) {
    let market = std::sync::Arc::new(market);
    let mut races = Vec::new();
    for n in 0..12 {
        let (id, _) = market.place(&[1, 1, 0], &format!("race-{n}")).await;
        let (_, payment) = market.pay(id).await;
        let reference = payment["reference"].as_str().unwrap().to_owned();
        let (approving, cancelling) = (market.clone(), market.clone());
        races.push(tokio::spawn(async move {
            let approve = tokio::spawn(async move { approving.approve(&reference).await });
            let cancel = tokio::spawn(async move { cancelling.cancel(id).await });
            let (approved, cancelled) = (approve.await.unwrap(), cancel.await.unwrap());
            assert!(!approved.0.is_server_error(), "approve: {approved:?}");
            assert!(!cancelled.0.is_server_error(), "cancel: {cancelled:?}");
        }));
    }
    for race in races {
        race.await.unwrap();
    }
    let store = market.store();
    for (order, books) in store.ledger_balances().await.unwrap() {
        let charged = scalar(store, &format!(
            "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM payments WHERE order_id = {order} AND state = 'completed'"
        ))
        .await;
        let owed = scalar(store, &format!(
            "SELECT CAST(COALESCE(SUM(subtotal_minor), 0) AS BIGINT) FROM order_parts WHERE order_id = {order} AND state = 'confirmed'"
        ))
        .await;
        assert_eq!(books.of(Movement::ChargeCaptured), charged, "order {order}");
        assert_eq!(books.owed_to_vendors(), owed, "order {order}");
        assert_eq!(books.held(), 0, "order {order}: {books:?}");
    }
    let asked: i64 = market.refunds().iter().map(|(_, minor)| minor).sum();
    let due = scalar(store, "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM refunds").await;
    assert_eq!(asked, due, "every refund due was asked of the provider");
}
