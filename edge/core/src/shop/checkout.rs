//! Checkout: a summary of the cart and a "Place order" form carrying an `Idempotency-Key`
//! made when the form was rendered.
//!
//! The key is what makes a flaky connection safe: pressing the button twice, or pressing it
//! again after the first answer was lost, sends the same key, and the origin answers the
//! first order again instead of placing a second one. A refused attempt shows the form again
//! with the same key, so its retry is still the same attempt.

use askama::Template;
use bytes::Bytes;
use http::Response;

use super::cart::{LineView, lines, totals};
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
    pub totals: Vec<String>,
    pub idempotency_key: String,
    pub message: Option<String>,
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
    // The body is empty: the origin buys the cart it holds, at its own prices.
    match visit.post::<Order>("/api/v1/orders", None::<&()>, Some(&key)).await {
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
    match visit.get::<Cart>("/api/v1/cart/items").await {
        Ok(cart) => {
            let (status, message) = message.map_or((200, None), |(status, text)| (status, Some(text)));
            let page = CheckoutPage {
                layout: Layout::for_locale(format!("{} — Linked All", visit.words().checkout), &visit.locale),
                lines: lines(&cart, visit.words(), visit.locale.language),
                totals: totals(&cart, visit.locale.language),
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
