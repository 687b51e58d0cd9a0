//! Ways to pay: a charge is opened for the method the shopper chose (card, mobile money, bank
//! transfer), a second `pay` for the same method hands it back, another method abandons it for
//! a new one, and with the sandbox a payment can be failed (nothing taken, the order still
//! awaits payment) and retried until it is approved.

use linkedall_origin::test_client::TestClient;
use linkedall_origin::testing::{TestDatabase, TestOrigin, number};
use linkedall_store::{Backend, Store};
use reqwest::StatusCode;
use serde_json::json;

async fn spawn(backend: Backend) -> Option<TestOrigin> {
    let db = TestDatabase::new(backend).await?.seeded(20).await;
    Some(TestOrigin::spawn(db).await)
}

linkedall_origin::on_both_backends!(
    a_payment_is_opened_per_method_failed_and_retried_until_approved,
    pay_on_delivery_confirms_at_once_moves_no_money_and_a_refusal_at_the_door_restocks
);

async fn states(store: &Store, order: i64) -> Vec<(String, String)> {
    let sql =
        format!("SELECT COALESCE(method, 'card'), state FROM payments WHERE order_id = {order} ORDER BY id");
    match store {
        Store::Postgres(pool) => sqlx::query_as(&sql).fetch_all(pool).await,
        Store::Sqlite(pool) => sqlx::query_as(&sql).fetch_all(pool).await,
    }
    .unwrap()
}

async fn a_payment_is_opened_per_method_failed_and_retried_until_approved(origin: TestOrigin) {
    let vendor = TestClient::vendor(&origin, "shea@example.com", "NG").await;
    let shea = vendor.list_product("Shea butter 250 g", 250_000, 10).await;
    let shopper = TestClient::shopper(&origin, "amaka@example.com").await;
    let order = shopper.place_order(&[(shea, 1)]).await;
    let id = order["id"].as_i64().unwrap();
    let pay = |method: &'static str| {
        let shopper = shopper.clone();
        async move { shopper.post(&format!("/api/v1/orders/{id}/pay"), json!({ "method": method })).await }
    };

    let (status, momo) = pay("mobile_money").await;
    assert_eq!(status, StatusCode::CREATED, "{momo}");
    assert_eq!(momo["method"], "mobile_money");
    assert_eq!(momo["authorization_url"], format!("/orders/{id}/sandbox"));
    let (status, again) = pay("mobile_money").await;
    assert_eq!(
        (status, &again["reference"]),
        (StatusCode::OK, &momo["reference"]),
        "the open charge is handed back"
    );
    let (status, open) = shopper.get(&format!("/api/v1/orders/{id}/payment")).await;
    assert_eq!((status, &open["reference"]), (StatusCode::OK, &momo["reference"]));

    // Changing one's mind abandons the open charge for a new one.
    let (status, transfer) = pay("bank_transfer").await;
    assert_eq!(status, StatusCode::CREATED, "{transfer}");
    assert_ne!(transfer["reference"], momo["reference"]);
    assert_eq!(
        states(&origin.db.store, id).await,
        [("mobile_money".into(), "failed".into()), ("bank_transfer".into(), "initiated".into())]
    );
    let (status, problem) = pay("cheque").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");

    // The transfer fails: nothing was taken, the order still awaits payment, and no charge is open.
    let reference = transfer["reference"].as_str().unwrap();
    let (status, failed) =
        shopper.post(&format!("/api/v1/payments/sandbox/{reference}/fail"), json!({})).await;
    assert_eq!((status, failed["state"].as_str()), (StatusCode::OK, Some("created")), "{failed}");
    assert_eq!(shopper.get(&format!("/api/v1/orders/{id}/payment")).await.0, StatusCode::NOT_FOUND);

    // Retried by mobile money, approved on the phone: paid.
    let (status, retry) = pay("mobile_money").await;
    assert_eq!(status, StatusCode::CREATED, "{retry}");
    let reference = retry["reference"].as_str().unwrap();
    let (status, paid) = shopper.post(&format!("/api/v1/payments/sandbox/{reference}"), json!({})).await;
    assert_eq!((status, paid["state"].as_str()), (StatusCode::OK, Some("confirmed")), "{paid}");
    let charges = states(&origin.db.store, id).await;
    assert_eq!(charges.iter().filter(|(_, state)| state == "completed").count(), 1, "{charges:?}");
    // Someone else cannot fail another shopper's charge.
    let stranger = TestClient::shopper(&origin, "eve@example.com").await;
    let (status, _) = stranger.post(&format!("/api/v1/payments/sandbox/{reference}/fail"), json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn pay_on_delivery_confirms_at_once_moves_no_money_and_a_refusal_at_the_door_restocks(
    origin: TestOrigin,
) {
    let store = &origin.db.store;
    let vendor = TestClient::vendor(&origin, "shea@example.com", "NG").await;
    let shea = vendor.list_product("Shea butter 250 g", 250_000, 10).await;
    let shopper = TestClient::shopper(&origin, "amaka@example.com").await;
    let stock = format!("SELECT CAST(stock AS BIGINT) FROM products WHERE id = {shea}");

    // Chosen after opening a card charge: the charge is abandoned, the order confirmed.
    let order = shopper.place_order(&[(shea, 2)]).await;
    let id = order["id"].as_i64().unwrap();
    assert_eq!(shopper.post(&format!("/api/v1/orders/{id}/pay"), json!({})).await.0, StatusCode::CREATED);
    let (status, confirmed) = shopper.post(&format!("/api/v1/orders/{id}/pay-on-delivery"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{confirmed}");
    assert_eq!(
        (confirmed["state"].as_str(), confirmed["pay_on_delivery"].as_bool()),
        (Some("confirmed"), Some(true))
    );
    assert_eq!(confirmed["parts"][0]["collect_on_delivery"], confirmed["total"], "the rider collects it all");
    assert_eq!(states(store, id).await, [("card".into(), "failed".into())]);
    let (status, _) = shopper.post(&format!("/api/v1/orders/{id}/pay-on-delivery"), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "only once");
    let stranger = TestClient::shopper(&origin, "eve@example.com").await;
    assert_eq!(
        stranger.post(&format!("/api/v1/orders/{id}/pay-on-delivery"), json!({})).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(number(store, &stock).await, 8, "its stock stays taken");

    // Refused at the door once shipped: cancelled, restocked; no money ever moved.
    let refused = format!("/api/v1/vendor/orders/{id}/refused");
    assert_eq!(vendor.post(&refused, json!({})).await.0, StatusCode::CONFLICT, "not shipped yet");
    assert_eq!(vendor.post(&format!("/api/v1/vendor/orders/{id}/ship"), json!({})).await.0, StatusCode::OK);
    let (status, part) = vendor.post(&refused, json!({})).await;
    assert_eq!((status, part["state"].as_str()), (StatusCode::OK, Some("cancelled")), "{part}");
    assert_eq!(number(store, &stock).await, 10, "back on sale");
    let (_, seen) = shopper.get(&format!("/api/v1/orders/{id}")).await;
    assert_eq!(seen["state"], "cancelled");
    assert_eq!(number(store, &format!("SELECT count(*) FROM ledger_entries WHERE order_id = {id}")).await, 0);
    assert_eq!(number(store, &format!("SELECT count(*) FROM refunds WHERE order_id = {id}")).await, 0);

    // A paid order is never "refused at the door"; a cancelled pay-on-delivery order refunds nothing.
    let paid = shopper.place_order(&[(shea, 1)]).await["id"].as_i64().unwrap();
    let (_, session) = shopper.post(&format!("/api/v1/orders/{paid}/pay"), json!({})).await;
    let reference = session["reference"].as_str().unwrap();
    shopper.post(&format!("/api/v1/payments/sandbox/{reference}"), json!({})).await;
    vendor.post(&format!("/api/v1/vendor/orders/{paid}/ship"), json!({})).await;
    let (status, problem) = vendor.post(&format!("/api/v1/vendor/orders/{paid}/refused"), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    let later = shopper.place_order(&[(shea, 1)]).await["id"].as_i64().unwrap();
    shopper.post(&format!("/api/v1/orders/{later}/pay-on-delivery"), json!({})).await;
    let (status, cancelled) = shopper.post(&format!("/api/v1/orders/{later}/cancel"), json!({})).await;
    assert_eq!((status, cancelled["state"].as_str()), (StatusCode::OK, Some("cancelled")), "{cancelled}");
    assert_eq!(number(store, &format!("SELECT count(*) FROM refunds WHERE order_id = {later}")).await, 0);
}
