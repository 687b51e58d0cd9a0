//! Exchange rates over HTTP: read by anyone (JSON, or postcard as the edge reads them), set by
//! operators only, all or nothing.

use linkedall_origin::testing::{TEST_ADMIN_TOKEN, TestDatabase, TestOrigin};
use linkedall_shared::{Currency, FxRates, Money, wire};
use linkedall_store::Backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn spawn(backend: Backend) -> Option<TestOrigin> {
    let db = TestDatabase::new(backend).await?;
    Some(TestOrigin::spawn(db).await)
}

linkedall_origin::on_both_backends!(
    rates_are_public_and_convert_prices,
    only_operators_set_rates_and_bad_rates_change_nothing
);

async fn rates(origin: &TestOrigin) -> FxRates {
    let response = reqwest::Client::new()
        .get(format!("{}/api/v1/fx-rates", origin.url()))
        .header("accept", wire::MEDIA_TYPE)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    wire::decode(&response.bytes().await.unwrap()).unwrap()
}

async fn set(origin: &TestOrigin, token: Option<&str>, body: Value) -> (StatusCode, Value) {
    let mut request =
        reqwest::Client::new().put(format!("{}/api/v1/admin/fx-rates", origin.url())).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.json().await.unwrap_or(Value::Null))
}

async fn rates_are_public_and_convert_prices(origin: TestOrigin) {
    let json: Value =
        reqwest::get(format!("{}/api/v1/fx-rates", origin.url())).await.unwrap().json().await.unwrap();
    assert!(json["per_usd_micros"].as_array().unwrap().len() >= 40, "{json}");
    let rates = rates(&origin).await;
    assert!(rates.as_of.starts_with("20"), "{rates:?}");
    // Every currency a market prices in has a rate.
    for currency in Currency::ALL {
        assert!(rates.rate(*currency).is_some(), "{currency} has no rate");
    }
    let naira = Money::new(Currency::NGN, 1_550_000);
    assert_eq!(rates.convert(naira, Currency::USD), Some(Money::new(Currency::USD, 1_000)));
}

async fn only_operators_set_rates_and_bad_rates_change_nothing(origin: TestOrigin) {
    let body = json!({ "per_usd_micros": { "KES": 130_000_000 } });
    assert_eq!(set(&origin, None, body.clone()).await.0, StatusCode::UNAUTHORIZED);
    let before = rates(&origin).await;
    for (bad, names) in [
        (json!({ "per_usd_micros": { "KES": 131_000_000, "BTC": 1 } }), "BTC"),
        (json!({ "per_usd_micros": { "KES": 131_000_000, "GHS": 0 } }), "GHS"),
        (json!({ "per_usd_micros": { "USD": 2_000_000 } }), "dollar"),
        (json!({ "per_usd_micros": {} }), "no rates"),
        (json!({ "rates": { "KES": 1 } }), "rates"),
    ] {
        let (status, problem) = set(&origin, Some(TEST_ADMIN_TOKEN), bad.clone()).await;
        assert!(status.is_client_error(), "{bad} → {status}");
        assert!(problem["detail"].as_str().unwrap_or_default().contains(names), "{bad} → {problem}");
    }
    assert_eq!(rates(&origin).await, before, "refused whole");
    let (status, after) = set(&origin, Some(TEST_ADMIN_TOKEN), body).await;
    assert_eq!(status, StatusCode::OK, "{after}");
    let after = rates(&origin).await;
    assert_eq!(after.rate(Currency::KES), Some(130_000_000));
    assert_eq!(after.rate(Currency::NGN), before.rate(Currency::NGN));
}
