//! The cart page and its forms: "Add to cart" on a product page and "Remove" on a line both
//! post here. Prices and totals are the origin's; the edge only shows them.

use askama::Template;
use bytes::Bytes;
use http::Response;

use super::documents::{Cart, LineRequest};
use super::visit::{Failure, Visit, local_path};
use crate::amounts::amount;
use crate::host::Host;
use crate::pages::Layout;
use crate::words::{Words, fill};
use linkedall_shared::Language;

/// A cart line as the cart and checkout pages show it.
pub struct LineView {
    pub product_id: i64,
    pub product_path: String,
    pub name: String,
    pub quantity: u32,
    pub unit_price: String,
    pub line_total: String,
    /// The catalog has fewer units than the line asks for: checkout would be refused.
    pub short: bool,
    /// "Remove Kitenge skirt", the remove button's accessible name.
    pub remove_label: String,
}

pub fn lines(cart: &Cart, words: &'static Words, language: Language) -> Vec<LineView> {
    cart.items
        .iter()
        .map(|line| LineView {
            product_id: line.product_id.get(),
            product_path: format!("/p/{}", line.product_id),
            name: line.name.clone(),
            quantity: line.quantity,
            unit_price: amount(line.unit_price, language),
            line_total: amount(line.line_total, language),
            short: line.in_stock < line.quantity,
            remove_label: fill(words.remove_label, &line.name),
        })
        .collect()
}

pub fn totals(cart: &Cart, language: Language) -> Vec<String> {
    cart.totals.iter().map(|total| amount(*total, language)).collect()
}

#[derive(Template)]
#[template(path = "shop/cart.html")]
pub struct CartPage {
    pub layout: Layout,
    pub lines: Vec<LineView>,
    pub totals: Vec<String>,
    pub message: Option<String>,
}

/// `GET /cart`, or the cart again with what went wrong (`message`) after a refused change.
pub async fn show<H: Host>(visit: &Visit<'_, H>, message: Option<(u16, String)>) -> Response<Bytes> {
    let words = visit.words();
    match visit.get::<Cart>("/api/v1/cart/items").await {
        Ok(cart) => {
            let (status, message) = message.map_or((200, None), |(status, text)| (status, Some(text)));
            let page = CartPage {
                layout: Layout::for_locale(format!("{} — Linked All", words.your_cart), &visit.locale),
                lines: lines(&cart, words, visit.locale.language),
                totals: totals(&cart, visit.locale.language),
                message,
            };
            visit.page(status, &page)
        }
        Err(failure) => visit.fail(failure),
    }
}

/// `POST /cart`: `product_id` and `quantity` add units; `remove` drops a line. A shopper who
/// is not signed in goes to the login page and comes back to the product (`back`).
pub async fn change<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    let words = visit.words();
    let outcome = if let Some(remove) = visit.field("remove") {
        match remove.trim().parse::<i64>() {
            Ok(id) if id > 0 => visit.delete(&format!("/api/v1/cart/items/{id}")).await,
            _ => Err(Failure::Refused { status: 422, message: words.no_such_line.into() }),
        }
    } else {
        let product =
            visit.field("product_id").and_then(|p| p.trim().parse::<i64>().ok()).filter(|id| *id > 0);
        let quantity = visit.field("quantity").map_or(Ok(1), |q| q.trim().parse::<u32>());
        match (product, quantity) {
            (Some(product_id), Ok(quantity)) => visit
                .post::<Cart>("/api/v1/cart/items", Some(&LineRequest { product_id, quantity }), None)
                .await
                .map(drop),
            (None, _) => Err(Failure::Refused { status: 422, message: words.choose_product.into() }),
            (_, Err(_)) => Err(Failure::Refused { status: 422, message: words.choose_quantity.into() }),
        }
    };
    match outcome {
        Ok(()) => visit.redirect("/cart"),
        Err(Failure::SignIn) => visit.sign_in_first(&local_path(visit.field("back").or(Some("/cart")))),
        Err(Failure::Refused { status, message }) => show(visit, Some((status, message))).await,
        Err(broken) => visit.fail(broken),
    }
}
