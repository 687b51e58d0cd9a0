//! The origin's documents as the edge reads them. Carts and orders are the shared types
//! (`linkedall_shared::{Cart, Order}`, with the real [`OrderState`]), which the origin answers
//! in the wire format (see `visit.rs`); the account answers and request bodies below are JSON.

use serde::{Deserialize, Serialize};

use crate::words::Words;

pub use linkedall_shared::{Cart, CartLine, Order, OrderPart, OrderState, PaymentMethod};

/// What `/api/v1/orders/{id}/pay` starts: where the shopper completes the charge.
#[derive(Debug, Clone, Deserialize)]
pub struct PaymentSession {
    pub provider: String,
    pub reference: String,
    pub authorization_url: String,
    pub amount: linkedall_shared::Money,
    pub method: PaymentMethod,
}

/// `POST /api/v1/orders/{id}/pay`
#[derive(Serialize)]
pub struct PayRequest {
    pub method: PaymentMethod,
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

/// `POST /api/v1/cart/guest`: a guest's lines, to be priced.
#[derive(Serialize)]
pub struct GuestLines {
    pub items: Vec<LineRequest>,
}

/// How an order's state reads to a shopper, in the page's language.
pub fn state_label(state: OrderState, words: &'static Words) -> &'static str {
    match state {
        OrderState::Created => words.state_created,
        OrderState::Confirmed => words.state_confirmed,
        OrderState::Shipped => words.state_shipped,
        OrderState::Delivered => words.state_delivered,
        OrderState::Cancelled => words.state_cancelled,
        OrderState::Unknown => words.state_other,
    }
}
