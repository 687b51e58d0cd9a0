//! An order's confirmation page (with its "Pay" button), paying, and "my orders".
//!
//! Paying asks the origin to start a charge by the method the shopper chose (card, mobile
//! money, bank transfer) with its payment provider. A real provider (Paystack) answers with
//! its own checkout page, where the shopper is sent; with the sandbox provider the shopper is
//! sent to the edge's test-mode payment page (`sandbox.rs`), which can approve the payment,
//! make it fail or cancel it, so every path can be walked in the browser.

use askama::Template;
use bytes::Bytes;
use http::Response;

use linkedall_shared::{DeliveryOption, OrderPart, PartDelivery, Review};

use super::documents::{Order, PayRequest, PaymentMethod, PaymentSession, state_label};
use super::visit::{Failure, Visit};
use crate::amounts::amount;
use crate::dates;
use crate::host::{Host, Timestamp};
use crate::locale::Locale;
use crate::pages::Layout;
use crate::ratings::ReviewView;
use crate::review_words::ReviewWords;
use crate::words::{Words, fill};

/// An order line: the product and its price when the order was placed.
pub struct ItemView {
    pub product_path: String,
    pub product: String,
    pub quantity: u32,
    /// What the shopper pays per unit, in the order's currency.
    pub unit_price: String,
    /// "KSh 1,200.00 from the seller", when converted.
    pub seller_price: Option<String>,
    /// The shopper's review of it, once written.
    pub review: Option<ReviewView>,
    /// Where to rate it: delivered and not reviewed yet.
    pub rate_path: Option<String>,
}

#[derive(Template)]
#[template(path = "shop/order.html")]
pub struct OrderPage {
    pub layout: Layout,
    pub number: i64,
    /// "Order number 42" in the page's language.
    pub heading: String,
    /// "Pay ₦5,000.00" in the page's language.
    pub pay: String,
    pub state: &'static str,
    pub paid: bool,
    pub payable: bool,
    pub total: String,
    pub items: Vec<ItemView>,
    /// "Placed on 7 Dec 2026".
    pub placed: String,
    /// "Pay within 28 minutes …", while it awaits payment.
    pub pay_within: Option<String>,
    /// Some part was converted from a seller's currency at rates locked for this order.
    pub converted: bool,
    /// Where and how it is delivered, and the fees.
    pub delivery: Option<DeliveryView>,
    /// The ways to pay, the first checked.
    pub methods: Vec<MethodView>,
    /// "Have ₦20,500 ready for the rider", for an order paid on delivery not yet delivered.
    pub on_delivery: Option<String>,
    /// What each seller said when shipping their part.
    pub seller_notes: Vec<String>,
    pub message: Option<String>,
    pub says: &'static ReviewWords,
}

/// The order page's choice of paying at the door instead of through a provider.
const PAY_ON_DELIVERY: &str = "pay_on_delivery";

/// How an order's state reads, paid on delivery or not.
fn order_state(order: &Order, words: &'static Words) -> &'static str {
    // Once shipped, the order says so; the note below still says what to have ready.
    if order.pay_on_delivery && order.state == linkedall_shared::OrderState::Confirmed {
        words.state_pay_on_delivery
    } else {
        state_label(order.state, words)
    }
}

/// A way to pay as the order page offers it.
pub struct MethodView {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

/// What `method` reads as, in the page's language.
pub fn method_label(method: PaymentMethod, words: &'static Words) -> &'static str {
    match method {
        PaymentMethod::Card => words.method_card,
        PaymentMethod::MobileMoney => words.method_mobile_money,
        PaymentMethod::BankTransfer => words.method_bank_transfer,
    }
}

/// What delivery `option` reads as, in the page's language.
pub fn option_label(option: DeliveryOption, words: &'static Words) -> &'static str {
    match option {
        DeliveryOption::Home => words.option_home,
        DeliveryOption::Pickup => words.option_pickup,
    }
}

/// "1–3 days" in the page's language, the range isolated (Unicode FSI … PDI) so that in
/// right-to-left text its numbers keep their order.
pub fn days(words: &'static Words, min: u8, max: u8) -> String {
    fill(words.days_range, format!("\u{2068}{min}–{max}\u{2069}"))
}

/// An order's delivery as its pages show it.
pub struct DeliveryView {
    /// "Home delivery", "Pickup point near you".
    pub option: &'static str,
    pub name: String,
    pub phone: String,
    /// "Lekki Phase 1, Lagos".
    pub place: String,
    pub directions: String,
    /// The sum of the parts' fees.
    pub fee: String,
    /// "1–3 days" (the slowest part).
    pub days: String,
}

impl DeliveryView {
    /// The delivery of `parts` (every part goes to one address), if it has one.
    pub fn of(
        parts: &[OrderPart],
        words: &'static Words,
        language: linkedall_shared::Language,
    ) -> Option<Self> {
        let deliveries: Vec<&PartDelivery> = parts.iter().filter_map(|part| part.delivery.as_ref()).collect();
        let first = deliveries.first()?;
        let fee =
            deliveries.iter().skip(1).try_fold(first.fee, |sum, d| sum.plus(d.fee)).unwrap_or(first.fee);
        let (min, max) =
            deliveries.iter().fold((0, 0), |(min, max), d| (min.max(d.days_min), max.max(d.days_max)));
        let address = &first.address;
        Some(DeliveryView {
            option: option_label(first.option, words),
            name: address.name.clone(),
            phone: address.phone.clone(),
            place: format!("{}, {}", address.area, address.city),
            directions: address.directions.clone(),
            fee: amount(fee, language),
            days: days(words, min, max),
        })
    }
}

impl OrderPage {
    fn new(
        order: &Order,
        reviews: &[Review],
        locale: &Locale,
        now: Timestamp,
        message: Option<String>,
    ) -> Self {
        let (words, language) = (Words::of(locale.language), locale.language);
        let total = amount(order.total, language);
        let total_text = total.clone();
        let minutes_left = dates::unix_seconds(&order.pay_by)
            .map(|pay_by| pay_by.saturating_sub(now.millis() / 1000).div_ceil(60))
            .filter(|minutes| *minutes > 0);
        OrderPage {
            layout: Layout::for_locale(format!("{} — Linked All", fill(words.order_label, order.id)), locale),
            number: order.id,
            heading: fill(words.order_number, order.id),
            pay: fill(words.pay_amount, &total),
            state: order_state(order, words),
            paid: order.state.paid(),
            payable: order.state.awaiting_payment(),
            total,
            items: order
                .parts
                .iter()
                .flat_map(|part| part.items.iter().map(move |item| (part, item)))
                .map(|(part, item)| {
                    let review = reviews.iter().find(|r| r.product_id == item.product_id);
                    ItemView {
                        product_path: format!("/p/{}", item.product_id),
                        product: item.name.clone(),
                        quantity: item.quantity,
                        unit_price: amount(item.unit_price, language),
                        seller_price: (item.vendor_unit_price.currency != item.unit_price.currency)
                            .then(|| fill(words.seller_price, amount(item.vendor_unit_price, language))),
                        review: review.map(|r| ReviewView::new(r, language)),
                        rate_path: (review.is_none()
                            && part.state == linkedall_shared::OrderState::Delivered)
                            .then(|| format!("/orders/{}/review/{}", order.id, item.product_id)),
                    }
                })
                .collect(),
            placed: fill(words.placed_on, dates::day(&order.placed_at, language)),
            pay_within: minutes_left
                .filter(|_| order.state.awaiting_payment())
                .map(|minutes| fill(words.pay_within, minutes)),
            converted: order.parts.iter().any(|part| part.vendor_subtotal.currency != order.total.currency),
            delivery: DeliveryView::of(&order.parts, words, language),
            methods: PaymentMethod::ALL
                .into_iter()
                .map(|method| MethodView {
                    value: method.as_str(),
                    label: method_label(method, words),
                    checked: method == PaymentMethod::default(),
                })
                .chain([MethodView {
                    value: PAY_ON_DELIVERY,
                    label: words.method_pay_on_delivery,
                    checked: false,
                }])
                .collect(),
            on_delivery: (order.pay_on_delivery && order.state.paid())
                .then(|| fill(words.pay_on_delivery_note, &total_text)),
            seller_notes: order
                .parts
                .iter()
                .filter_map(|part| part.tracking_note.as_ref())
                .map(|note| fill(words.seller_note, note))
                .collect(),
            message,
            says: ReviewWords::of(language),
        }
    }
}

/// A row of "my orders".
pub struct OrderRow {
    pub number: i64,
    /// "Order 42" in the page's language.
    pub label: String,
    /// The day it was placed.
    pub placed: String,
    pub state: &'static str,
    pub total: String,
}

#[derive(Template)]
#[template(path = "shop/orders.html")]
pub struct OrdersPage {
    pub layout: Layout,
    pub orders: Vec<OrderRow>,
}

/// `GET /orders/{id}`: the confirmation page, optionally with a message about the last try.
/// Once a part is delivered, its items show the shopper's reviews, or "Rate this product".
pub async fn show<H: Host>(visit: &Visit<'_, H>, id: i64, message: Option<(u16, String)>) -> Response<Bytes> {
    let order = match visit.get::<Order>(&format!("/api/v1/orders/{id}")).await {
        Ok(order) => order,
        Err(failure) => return visit.fail(failure),
    };
    let delivered = order.parts.iter().any(|part| part.state == linkedall_shared::OrderState::Delivered);
    let reviews = if delivered {
        match visit.get::<Vec<Review>>(&format!("/api/v1/orders/{id}/reviews")).await {
            Ok(reviews) => reviews,
            Err(failure) => return visit.fail(failure),
        }
    } else {
        Vec::new()
    };
    let (status, message) = message.map_or((200, None), |(status, text)| (status, Some(text)));
    visit.page(status, &OrderPage::new(&order, &reviews, &visit.locale, visit.now(), message))
}

/// What the order page says after a review was posted (`?reviewed=`).
pub fn reviewed_message<H: Host>(visit: &Visit<'_, H>) -> Option<(u16, String)> {
    visit.query("reviewed").map(|_| (200, ReviewWords::of(visit.locale.language).thanks.to_owned()))
}

/// `POST /orders/{id}/pay`: start the charge by the chosen method and go where it is
/// completed: the provider's checkout page, or with the sandbox the test-mode page. A refusal
/// (already paid, cancelled) is shown on the order page.
pub async fn pay<H: Host>(visit: &Visit<'_, H>, id: i64) -> Response<Bytes> {
    if visit.field("method") == Some(PAY_ON_DELIVERY) {
        return match visit
            .post::<Order>(&format!("/api/v1/orders/{id}/pay-on-delivery"), None::<&()>, None)
            .await
        {
            Ok(_) => visit.redirect(&format!("/orders/{id}")),
            Err(Failure::Refused { status, message }) => show(visit, id, Some((status, message))).await,
            Err(failure) => visit.fail(failure),
        };
    }
    let method = visit.field("method").and_then(PaymentMethod::parse).unwrap_or_default();
    let session = match visit
        .post::<PaymentSession>(&format!("/api/v1/orders/{id}/pay"), Some(&PayRequest { method }), None)
        .await
    {
        Ok(session) => session,
        Err(Failure::Refused { status, message }) => return show(visit, id, Some((status, message))).await,
        Err(failure) => return visit.fail(failure),
    };
    if session.provider != "sandbox" {
        return visit.redirect(&session.authorization_url);
    }
    visit.redirect(&format!("/orders/{id}/sandbox"))
}

/// What the order page says after the test-mode page, from `?payment=`.
pub fn payment_message(words: &'static Words, outcome: Option<&str>) -> Option<(u16, String)> {
    match outcome? {
        "failed" => Some((200, words.payment_failed.into())),
        "cancelled" => Some((200, words.payment_cancelled.into())),
        _ => None,
    }
}

/// `GET /orders`: the shopper's newest orders.
pub async fn list<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    match visit.get::<Vec<Order>>("/api/v1/orders").await {
        Ok(orders) => {
            let words = visit.words();
            let page = OrdersPage {
                layout: Layout::for_locale(format!("{} — Linked All", words.your_orders), &visit.locale),
                orders: orders
                    .iter()
                    .map(|order| OrderRow {
                        number: order.id,
                        label: fill(words.order_label, order.id),
                        placed: dates::day(&order.placed_at, visit.locale.language),
                        state: order_state(order, words),
                        total: amount(order.total, visit.locale.language),
                    })
                    .collect(),
            };
            visit.page(200, &page)
        }
        Err(failure) => visit.fail(failure),
    }
}
