//! Cancelling an order is decided per vendor part: what has shipped stays sold and paid for,
//! and only the unshipped parts are cancelled, refunded and put back in stock.

mod money_support;

use linkedall_store::Backend;
use money_support::{Market, PRICES, STOCK, market};
use reqwest::StatusCode;
use serde_json::Value;

async fn spawn(backend: Backend) -> Option<Market> {
    market(backend).await
}

linkedall_origin::on_both_backends!(multi_thread: a_shipped_part_is_neither_cancelled_nor_refunded);

/// The state of the part selling vendor `v`'s product in `order`.
fn part_state(market: &Market, order: &Value, v: usize) -> String {
    let product = market.vendors[v].1;
    order["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["items"][0]["product_id"] == product)
        .map(|p| p["state"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no part for vendor {v} in {order}"))
}

async fn a_shipped_part_is_neither_cancelled_nor_refunded(market: Market) {
    let (id, total) = market.place(&[1, 2, 3], "three-vendors").await;
    assert_eq!(total, PRICES[0] + 2 * PRICES[1] + 3 * PRICES[2]);
    let reference = market.pay_and_approve(id).await;
    assert_eq!(market.vendor_moves(0, id, "ship").await.0, StatusCode::OK);
    assert_eq!(market.order(id).await["state"], "confirmed", "one part of three shipped");

    let (status, order) = market.cancel(id).await;
    assert_eq!(status, StatusCode::OK, "{order}");
    assert_eq!(part_state(&market, &order, 0), "shipped");
    assert_eq!(part_state(&market, &order, 1), "cancelled");
    assert_eq!(part_state(&market, &order, 2), "cancelled");
    assert_eq!(order["state"], "shipped", "what is left of the order has shipped");
    assert_eq!(market.stock(0).await, STOCK - 1, "the shipped unit stays sold");
    assert_eq!((market.stock(1).await, market.stock(2).await), (STOCK, STOCK), "the rest is back");
    assert_eq!(
        market.refunds(),
        vec![(reference.clone(), 2 * PRICES[1] + 3 * PRICES[2])],
        "exactly the cancelled parts are refunded, with the provider"
    );

    // The shipped part goes on to delivery, and the order with it.
    assert_eq!(market.vendor_moves(0, id, "deliver").await.0, StatusCode::OK);
    assert_eq!(market.order(id).await["state"], "delivered");
    // Nothing is left to cancel: refused, and nothing moves.
    let (status, problem) = market.cancel(id).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(problem["type"], "/problems/illegal-transition");
    assert!(problem["detail"].as_str().unwrap().contains("delivered"), "{problem}");
    assert_eq!(market.stock(0).await, STOCK - 1);
    assert_eq!(market.refunds().len(), 1);

    // Every part shipped: cancelling is refused before anything changes.
    let (second, _) = market.place(&[1, 1, 0], "two-vendors").await;
    market.pay_and_approve(second).await;
    assert_eq!(market.vendor_moves(0, second, "ship").await.0, StatusCode::OK);
    assert_eq!(market.vendor_moves(1, second, "ship").await.0, StatusCode::OK);
    let (status, problem) = market.cancel(second).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("shipped"), "{problem}");
    assert_eq!((market.stock(0).await, market.stock(1).await), (STOCK - 2, STOCK - 1));
    assert_eq!(market.refunds().len(), 1);
}
