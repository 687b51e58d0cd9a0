//! Checkout: a summary of the cart and a "Place order" form carrying an `Idempotency-Key`
//! made when the form was rendered.
//!
//! The form also carries the quote the shopper saw: the currency and the total in it. The
//! origin charges exactly that or refuses (a price or an exchange rate changed meanwhile), and
//! the page then shows the new total to confirm.
//!
//! The key is what makes a flaky connection safe: pressing the button twice, or pressing it
//! again after the first answer was lost, sends the same key, and the origin answers the
//! first order again instead of placing a second one. A refused attempt shows the form again
//! with the same key, so its retry is still the same attempt.

use askama::Template;
use bytes::Bytes;
use http::Response;

use serde::Serialize;

use super::cart::{LineView, Totals, cart_path, lines, totals};
use super::documents::{Cart, Order};
use super::visit::{Failure, Visit};
use crate::host::Host;
use crate::pages::Layout;
use crate::trace::random_id;

#[derive(Template)]
#[template(path = "shop/checkout.html")]
pub struct CheckoutPage {
    pub layout: Layout,
    pub lines: Vec<LineView>,
    pub totals: Totals,
    /// What "Place order" agrees to; `None` when the cart cannot be paid.
    pub quote: Option<QuoteFields>,
    pub idempotency_key: String,
    pub message: Option<String>,
}

/// The quote in the form: the currency code and the total in its minor units.
pub struct QuoteFields {
    pub currency: &'static str,
    pub total_minor: i64,
}

/// `POST /api/v1/orders`: buy the cart at the quote the shopper saw.
#[derive(Serialize)]
struct CheckoutRequest<'a> {
    currency: &'a str,
    total_minor: i64,
}

/// `GET /checkout`: a fresh key per rendered form.
pub async fn show<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    let key = random_id(visit.now());
    render(visit, key, None).await
}

/// `POST /checkout`: places the order under the form's key and shows its confirmation.
pub async fn place<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    let Some(key) = visit.field("idempotency_key").filter(|k| is_key(k)).map(str::to_owned) else {
        return render(visit, random_id(visit.now()), Some((422, visit.words().place_order_again.into())))
            .await;
    };
    let (Some(currency), Some(total_minor)) =
        (visit.field("currency"), visit.field("total_minor").and_then(|t| t.trim().parse::<i64>().ok()))
    else {
        return render(visit, key, Some((422, visit.words().place_order_again.into()))).await;
    };
    // The origin buys the cart it holds, at its own prices, if they still make this total.
    let request = CheckoutRequest { currency, total_minor };
    match visit.post::<Order>("/api/v1/orders", Some(&request), Some(&key)).await {
        Ok(order) => visit.redirect(&format!("/orders/{}", order.id)),
        Err(Failure::Refused { status, message }) => render(visit, key, Some((status, message))).await,
        Err(failure) => visit.fail(failure),
    }
}

async fn render<H: Host>(
    visit: &Visit<'_, H>,
    key: String,
    message: Option<(u16, String)>,
) -> Response<Bytes> {
    match visit.get::<Cart>(&cart_path(visit)).await {
        Ok(cart) => {
            let (status, message) = message.map_or((200, None), |(status, text)| (status, Some(text)));
            let page = CheckoutPage {
                layout: Layout::for_locale(format!("{} — Linked All", visit.words().checkout), &visit.locale),
                lines: lines(&cart, visit.words(), visit.locale.language),
                totals: totals(&cart, visit.words(), visit.locale.language),
                quote: cart
                    .total
                    .map(|total| QuoteFields { currency: total.currency.code(), total_minor: total.minor }),
                idempotency_key: key,
                message,
            };
            visit.page(status, &page)
        }
        Err(failure) => visit.fail(failure),
    }
}

/// What the origin accepts as a key: 1 to 255 visible ASCII characters.
fn is_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| b.is_ascii_graphic())
}
