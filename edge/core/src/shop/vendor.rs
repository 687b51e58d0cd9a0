//! The vendor dashboard: the parts of orders the vendor has to ship (each with "Mark shipped",
//! then "Mark delivered"), the shop's products with their price, stock and state, searchable
//! by name, and the newest reviews of its products, each with a form for the vendor's answer. The origin decides what is the vendor's (403 for any other account, shown as a
//! sentence that says these pages are for vendors).

use askama::Template;
use bytes::Bytes;
use http::Response;
use linkedall_shared::earnings::VendorEarnings;
use linkedall_shared::{ProductCard, ReviewPage, ShippingZone, VendorStorefront};

use super::documents::{OrderPart, state_label};
use super::visit::{Failure, Visit};
use crate::amounts::amount;
use crate::host::Host;
use crate::pages::Layout;
use crate::ratings::ReviewView;
use crate::review_words::ReviewWords;
use crate::route::MAX_QUERY_CHARS;
use crate::vendor_words::VendorWords;
use crate::words::fill;

/// Products the dashboard reads (one page of the origin's; search looks through these).
pub const PRODUCTS_SHOWN: u32 = 100;

/// The newest reviews of the vendor's products the dashboard shows.
pub const REVIEWS_SHOWN: u32 = 20;

pub struct StockRow {
    pub edit_path: String,
    pub edit_label: String,
    pub name: String,
    pub price: String,
    pub stock: u32,
    /// "In stock", "Only 3 left", "Out of stock" in the page's language.
    pub state: String,
    pub low: bool,
}

/// One month of the vendor's earnings, as the dashboard writes it.
pub struct EarningsRow {
    pub month: String,
    pub orders: u32,
    pub delivered: String,
    pub on_the_way: String,
}

pub struct PartRow {
    pub order_id: i64,
    pub state: &'static str,
    pub shippable: bool,
    pub deliverable: bool,
    pub ship_label: String,
    pub deliver_label: String,
    pub subtotal: String,
    pub items: String,
    /// Where to ship it and to whom, when the shopper gave an address.
    pub delivery: Option<super::orders::DeliveryView>,
    /// "Collect ₦20,500 at the door", for a part paid on delivery.
    pub collect: Option<String>,
    /// "Your note: GIG waybill 4471", once shipped with one.
    pub tracking_note: Option<String>,
    /// Shipped and paid on delivery: the shopper may refuse it at the door.
    pub refusable: bool,
    pub refuse_label: String,
}

#[derive(Template)]
#[template(path = "shop/vendor.html")]
pub struct DashboardPage {
    pub layout: Layout,
    pub says: &'static VendorWords,
    pub shop: String,
    pub storefront_path: String,
    pub query: String,
    /// "None of your products matches …", when a search found nothing.
    pub no_match: Option<String>,
    pub products: Vec<StockRow>,
    pub parts: Vec<PartRow>,
    pub reviews: Vec<ReviewView>,
    pub rsays: &'static ReviewWords,
    pub stock_says: &'static crate::stock_words::StockWords,
    pub earnings: Vec<EarningsRow>,
    pub message: Option<String>,
    /// Where the shop delivers: (value, label, current) per zone.
    pub zones: Vec<(&'static str, &'static str, bool)>,
    /// Said first when an admin suspended the shop.
    pub suspension: Option<super::shop_standing::SuspensionNotice>,
}

/// The vendor's shop and its first page of products; a 403 says these pages are for vendors.
pub async fn storefront<H: Host>(visit: &Visit<'_, H>) -> Result<VendorStorefront, Response<Bytes>> {
    visit
        .get::<VendorStorefront>(&format!("/api/v1/vendor/products?limit={PRODUCTS_SHOWN}"))
        .await
        .map_err(|failure| refuse_non_vendor(visit, failure))
}

/// The answer to a failure on a vendor page: a non-vendor reads that these pages are for
/// vendors, anything else as on every signed-in page.
pub fn refuse_non_vendor<H: Host>(visit: &Visit<'_, H>, failure: Failure) -> Response<Bytes> {
    match failure {
        Failure::Refused { status: 403, .. } => {
            visit.refused(403, VendorWords::of(visit.locale.language).not_a_vendor.into())
        }
        failure => visit.fail(failure),
    }
}

/// `GET /vendor[?q=]`
pub async fn dashboard<H: Host>(visit: &Visit<'_, H>, message: Option<(u16, String)>) -> Response<Bytes> {
    let storefront = match storefront(visit).await {
        Ok(storefront) => storefront,
        Err(refused) => return refused,
    };
    let parts = match visit.get::<Vec<OrderPart>>("/api/v1/vendor/orders").await {
        Ok(parts) => parts,
        Err(failure) => return refuse_non_vendor(visit, failure),
    };
    let reviews =
        match visit.get::<ReviewPage>(&format!("/api/v1/vendor/reviews?limit={REVIEWS_SHOWN}")).await {
            Ok(page) => page.items,
            // An origin older than reviews: the rest of the dashboard still works.
            Err(Failure::Refused { status: 404, .. }) => Vec::new(),
            Err(failure) => return refuse_non_vendor(visit, failure),
        };
    let earnings = match visit.get::<VendorEarnings>("/api/v1/vendor/earnings").await {
        Ok(earnings) => earnings.months,
        // An origin older than earnings: the rest of the dashboard still works.
        Err(Failure::Refused { status: 404, .. }) => Vec::new(),
        Err(failure) => return refuse_non_vendor(visit, failure),
    };
    let suspension = super::shop_standing::notice(visit).await;
    let (words, says, language) =
        (visit.words(), VendorWords::of(visit.locale.language), visit.locale.language);
    let query: String = visit.query("q").unwrap_or_default().trim().chars().take(MAX_QUERY_CHARS).collect();
    let matching: Vec<&ProductCard> =
        storefront.products.iter().filter(|p| matches_search(&p.name, &query)).collect();
    let vendor = &storefront.vendor;
    let (status, message) = message.map_or((200, None), |(status, text)| (status, Some(text)));
    let mut layout = Layout::for_locale(fill(says.dashboard_title, &vendor.name), &visit.locale);
    layout.noindex = true;
    let page = DashboardPage {
        layout,
        says,
        shop: vendor.name.clone(),
        storefront_path: format!("/v/{}-{}", vendor.id, vendor.slug),
        no_match: (matching.is_empty() && !query.is_empty()).then(|| fill(says.no_match, &query)),
        query,
        products: matching
            .into_iter()
            .map(|p| StockRow {
                edit_path: format!("/vendor/products/{}", p.id),
                edit_label: fill(says.edit_label, &p.name),
                name: p.name.clone(),
                price: amount(p.price, language),
                stock: p.stock.units(),
                state: words.stock(p.stock),
                low: !p.stock.is_available() || p.stock.is_low(),
            })
            .collect(),
        parts: parts
            .iter()
            .map(|part| PartRow {
                order_id: part.order_id,
                state: state_label(part.state, words),
                shippable: part.state.shippable(),
                deliverable: part.state == linkedall_shared::OrderState::Shipped,
                ship_label: fill(says.mark_shipped_label, part.order_id),
                deliver_label: fill(says.mark_delivered_label, part.order_id),
                // What the vendor is paid, in their own currency.
                subtotal: amount(part.vendor_subtotal, language),
                items: part
                    .items
                    .iter()
                    .map(|i| format!("{} × {}", i.quantity, i.name))
                    .collect::<Vec<_>>()
                    .join(", "),
                delivery: super::orders::DeliveryView::of(std::slice::from_ref(part), words, language),
                collect: part
                    .collect_on_delivery
                    .map(|money| fill(says.collect_on_delivery, amount(money, language))),
                tracking_note: part.tracking_note.as_ref().map(|note| fill(says.your_tracking_note, note)),
                refusable: part.collect_on_delivery.is_some()
                    && part.state == linkedall_shared::OrderState::Shipped,
                refuse_label: fill(says.mark_refused_label, part.order_id),
            })
            .collect(),
        reviews: reviews.iter().map(|review| ReviewView::new(review, language)).collect(),
        rsays: ReviewWords::of(language),
        stock_says: crate::stock_words::StockWords::of(language),
        earnings: earnings
            .into_iter()
            .map(|m| EarningsRow {
                month: crate::dates::month(&m.month, language),
                orders: m.orders,
                delivered: amount(m.delivered, language),
                on_the_way: amount(m.on_the_way, language),
            })
            .collect(),
        message,
        zones: ShippingZone::ALL
            .into_iter()
            .zip(says.ships_to_zones)
            .map(|(zone, label)| (zone.as_str(), label, zone == vendor.ships_to))
            .collect(),
        suspension,
    };
    visit.page(status, &page)
}

#[derive(serde::Serialize)]
struct ShopChanges {
    ships_to: &'static str,
}

/// `POST /vendor/shop`: where the shop delivers; back to the dashboard with "Saved".
pub async fn change_shop<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    let says = VendorWords::of(visit.locale.language);
    let Some(zone) = visit.field("ships_to").and_then(ShippingZone::parse) else {
        return dashboard(visit, Some((422, says.save_refused.into()))).await;
    };
    let changes = ShopChanges { ships_to: zone.as_str() };
    match visit.send_json_only(http::Method::PUT, "/api/v1/vendor/shop", &changes).await {
        Ok(()) => dashboard(visit, Some((200, says.saved.into()))).await,
        Err(Failure::Refused { status, message }) if status != 403 => {
            dashboard(visit, Some((status, message))).await
        }
        Err(failure) => refuse_non_vendor(visit, failure),
    }
}

/// What the dashboard says after an answer was saved (`?answered=1`).
pub fn answered_message<H: Host>(visit: &Visit<'_, H>) -> Option<(u16, String)> {
    visit.query("answered").map(|_| (200, ReviewWords::of(visit.locale.language).answer_saved.to_owned()))
}

/// Whether a product called `name` is found by the vendor's search `query`: every word of the
/// query appears in the name, whatever its case.
pub fn matches_search(name: &str, query: &str) -> bool {
    let name = name.to_lowercase();
    query.to_lowercase().split_whitespace().all(|word| name.contains(word))
}

/// `POST /vendor/orders/{id}/ship`: a refusal (not paid yet, already shipped) is shown on the
/// dashboard.
pub async fn ship<H: Host>(visit: &Visit<'_, H>, order_id: i64) -> Response<Bytes> {
    let note = visit.field("tracking_note").map(str::trim).filter(|n| !n.is_empty());
    let body = note.map(|note| serde_json::json!({ "tracking_note": note }));
    advance(visit, &format!("/api/v1/vendor/orders/{order_id}/ship"), body).await
}

/// `POST /vendor/orders/{id}/deliver`: as shipping.
pub async fn deliver<H: Host>(visit: &Visit<'_, H>, order_id: i64) -> Response<Bytes> {
    advance(visit, &format!("/api/v1/vendor/orders/{order_id}/deliver"), None).await
}

/// `POST /vendor/orders/{id}/refused`: a part paid on delivery refused at the door.
pub async fn refused<H: Host>(visit: &Visit<'_, H>, order_id: i64) -> Response<Bytes> {
    advance(visit, &format!("/api/v1/vendor/orders/{order_id}/refused"), None).await
}

async fn advance<H: Host>(
    visit: &Visit<'_, H>,
    path: &str,
    body: Option<serde_json::Value>,
) -> Response<Bytes> {
    match visit.post::<OrderPart>(path, body.as_ref(), None).await {
        Ok(_) => visit.redirect("/vendor"),
        Err(Failure::Refused { status, message }) if status != 403 => {
            dashboard(visit, Some((status, message))).await
        }
        Err(failure) => refuse_non_vendor(visit, failure),
    }
}

#[cfg(test)]
mod tests {
    use super::matches_search;

    #[test]
    fn a_search_finds_products_holding_every_word_in_any_case() {
        assert!(matches_search("Tecno Spark 20 Pro", "spark PRO"));
        assert!(matches_search("Tecno Spark 20 Pro", ""));
        assert!(!matches_search("Tecno Spark 20 Pro", "spark camon"));
        assert!(matches_search("Pagne wax Éclat", "éclat"));
    }
}
