//! The origin's account, cart and order documents, as the edge reads them.
//!
//! These endpoints answer JSON (the catalog's postcard negotiation does not cover them), and
//! the edge decodes it with `serde_json`, which builds for wasm. Only the fields the pages
//! show are declared, so the origin may add fields without breaking the edge; amounts are
//! the shared [`Money`] type, formatted exactly as the catalog pages format prices.

use linkedall_shared::{Money, ProductId};
use serde::{Deserialize, Serialize};

use crate::words::Words;

/// `GET /api/v1/cart/items`: lines priced by the origin, one total per currency.
#[derive(Debug, Clone, Deserialize)]
pub struct Cart {
    pub items: Vec<CartLine>,
    pub totals: Vec<Money>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CartLine {
    pub product_id: ProductId,
    pub name: String,
    pub quantity: u32,
    pub unit_price: Money,
    pub line_total: Money,
    pub in_stock: u32,
}

/// An order with its parts, one per vendor (`/api/v1/orders/{id}`).
#[derive(Debug, Clone, Deserialize)]
pub struct Order {
    pub id: i64,
    pub state: String,
    pub total: Money,
    pub parts: Vec<OrderPart>,
}

/// One vendor's share of an order: what the vendor dashboard lists to ship.
#[derive(Debug, Clone, Deserialize)]
pub struct OrderPart {
    pub order_id: i64,
    pub state: String,
    pub subtotal: Money,
    pub items: Vec<OrderItem>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OrderItem {
    pub product_id: ProductId,
    pub quantity: u32,
    pub unit_price: Money,
}

/// What `/api/v1/orders/{id}/pay` starts: where the shopper completes the charge.
#[derive(Debug, Clone, Deserialize)]
pub struct PaymentSession {
    pub provider: String,
    pub reference: String,
    pub authorization_url: String,
}

/// The body of a login or registration answer (the token itself travels as the cookie).
#[derive(Debug, Clone, Deserialize)]
pub struct Session {
    pub role: String,
    /// The account's id: the edge remembers which session an email belongs to.
    #[serde(default)]
    pub user_id: Option<i64>,
}

/// `POST /api/v1/auth/login`
#[derive(Serialize)]
pub struct Credentials<'a> {
    pub email: &'a str,
    pub password: &'a str,
}

/// `POST /api/v1/auth/register`: the edge registers shoppers only; vendors open a shop
/// through the API.
#[derive(Serialize)]
pub struct Registration<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub role: &'static str,
}

/// `POST /api/v1/cart/items`
#[derive(Serialize)]
pub struct LineRequest {
    pub product_id: i64,
    pub quantity: u32,
}

/// How an order's state reads to a shopper, in the page's language.
pub fn state_label(state: &str, words: &'static Words) -> &'static str {
    match state {
        "created" => words.state_created,
        "confirmed" => words.state_confirmed,
        "shipped" => words.state_shipped,
        "delivered" => words.state_delivered,
        "cancelled" => words.state_cancelled,
        _ => words.state_other,
    }
}
