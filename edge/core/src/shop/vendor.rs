//! The vendor dashboard: the shop's products with their stock, and the parts of orders the
//! vendor has to ship, each with a "Ship" button. The origin decides what is the vendor's
//! (403 for any other account, shown as a message).

use askama::Template;
use bytes::Bytes;
use http::Response;
use linkedall_shared::VendorStorefront;

use super::documents::{OrderPart, state_label};
use super::visit::{Failure, Visit};
use crate::host::Host;
use crate::pages::Layout;

/// Products listed on the dashboard (one page; the storefront pages through the rest).
const PRODUCTS_SHOWN: u32 = 100;

pub struct StockRow {
    pub path: String,
    pub name: String,
    pub price: String,
    pub stock: u32,
    pub low: bool,
}

pub struct PartRow {
    pub order_id: i64,
    pub state: &'static str,
    pub shippable: bool,
    pub subtotal: String,
    pub items: String,
}

#[derive(Template)]
#[template(path = "shop/vendor.html")]
pub struct DashboardPage {
    pub layout: Layout,
    pub shop: String,
    pub storefront_path: String,
    pub products: Vec<StockRow>,
    pub parts: Vec<PartRow>,
    pub message: Option<String>,
}

/// `GET /vendor`
pub async fn dashboard<H: Host>(visit: &Visit<'_, H>, message: Option<(u16, String)>) -> Response<Bytes> {
    let storefront =
        match visit.get::<VendorStorefront>(&format!("/api/v1/vendor/products?limit={PRODUCTS_SHOWN}")).await
        {
            Ok(storefront) => storefront,
            Err(failure) => return visit.fail(failure),
        };
    let parts = match visit.get::<Vec<OrderPart>>("/api/v1/vendor/orders").await {
        Ok(parts) => parts,
        Err(failure) => return visit.fail(failure),
    };
    let vendor = &storefront.vendor;
    let (status, message) = message.map_or((200, None), |(status, text)| (status, Some(text)));
    let page = DashboardPage {
        layout: Layout::new(format!("{} dashboard — Linked All", vendor.name), visit.country),
        shop: vendor.name.clone(),
        storefront_path: format!("/v/{}-{}", vendor.id, vendor.slug),
        products: storefront
            .products
            .iter()
            .map(|p| StockRow {
                path: p.path(),
                name: p.name.clone(),
                price: p.price.to_string(),
                stock: p.stock.units(),
                low: !p.stock.is_available() || p.stock.is_low(),
            })
            .collect(),
        parts: parts
            .iter()
            .map(|part| PartRow {
                order_id: part.order_id,
                // The dashboard is written in English so far.
                state: state_label(part.state, &crate::words::ENGLISH),
                shippable: part.state.shippable(),
                subtotal: part.subtotal.to_string(),
                items: part
                    .items
                    .iter()
                    .map(|i| format!("{} × product {}", i.quantity, i.product_id))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect(),
        message,
    };
    visit.page(status, &page)
}

/// `POST /vendor/orders/{id}/ship`: a refusal (not paid yet, already shipped) is shown on the
/// dashboard.
pub async fn ship<H: Host>(visit: &Visit<'_, H>, order_id: i64) -> Response<Bytes> {
    match visit.post::<OrderPart>(&format!("/api/v1/vendor/orders/{order_id}/ship"), None::<&()>, None).await
    {
        Ok(_) => visit.redirect("/vendor"),
        Err(Failure::Refused { status, message }) if status != 403 => {
            dashboard(visit, Some((status, message))).await
        }
        Err(failure) => visit.fail(failure),
    }
}
