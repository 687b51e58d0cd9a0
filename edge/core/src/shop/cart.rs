//! The cart page and its forms: "Add to cart" on a product page and "Remove" on a line both
//! post here. Prices and totals are the origin's; the edge only shows them.

use askama::Template;
use bytes::Bytes;
use http::Response;

use super::documents::{Cart, LineRequest};
use super::visit::{Failure, Visit, local_path};
use crate::host::Host;
use crate::pages::Layout;

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
}

pub fn lines(cart: &Cart) -> Vec<LineView> {
    cart.items
        .iter()
        .map(|line| LineView {
            product_id: line.product_id.get(),
            product_path: format!("/p/{}", line.product_id),
            name: line.name.clone(),
            quantity: line.quantity,
            unit_price: line.unit_price.to_string(),
            line_total: line.line_total.to_string(),
            short: line.in_stock < line.quantity,
        })
        .collect()
}

pub fn totals(cart: &Cart) -> Vec<String> {
    cart.totals.iter().map(ToString::to_string).collect()
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
    match visit.get::<Cart>("/api/v1/cart/items").await {
        Ok(cart) => {
            let (status, message) = message.map_or((200, None), |(status, text)| (status, Some(text)));
            let page = CartPage {
                layout: Layout::new("Your cart — Linked All", visit.country),
                lines: lines(&cart),
                totals: totals(&cart),
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
    let outcome = if let Some(remove) = visit.field("remove") {
        match remove.trim().parse::<i64>() {
            Ok(id) if id > 0 => visit.delete(&format!("/api/v1/cart/items/{id}")).await,
            _ => Err(Failure::Refused { status: 422, message: "That cart line does not exist.".into() }),
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
            (None, _) => Err(Failure::Refused { status: 422, message: "Choose a product to add.".into() }),
            (_, Err(_)) => Err(Failure::Refused {
                status: 422,
                message: "Choose a quantity: a whole number from 1 to 99.".into(),
            }),
        }
    };
    match outcome {
        Ok(()) => visit.redirect("/cart"),
        Err(Failure::SignIn) => visit.sign_in_first(&local_path(visit.field("back").or(Some("/cart")))),
        Err(Failure::Refused { status, message }) => show(visit, Some((status, message))).await,
        Err(broken) => visit.fail(broken),
    }
}
