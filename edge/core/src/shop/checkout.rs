//! Checkout: a summary of the cart, where and how to deliver it, and a "Place order" form
//! carrying an `Idempotency-Key` made when the form was rendered.
//!
//! The form also carries the quote the shopper saw: the currency and, for each delivery
//! option, the total with its fees. The origin charges exactly that or refuses (a price or an
//! exchange rate changed meanwhile), and the page then shows the new total to confirm. The
//! address is checked here first with the origin's own rule
//! ([`linkedall_shared::AddressForm::validate`]), so the shopper reads what to fix, field by
//! field, in their language, and nothing they typed is lost.
//!
//! The key is what makes a flaky connection safe: pressing the button twice, or pressing it
//! again after the first answer was lost, sends the same key, and the origin answers the
//! first order again instead of placing a second one. A refused attempt shows the form again
//! with the same key, so its retry is still the same attempt.

use askama::Template;
use bytes::Bytes;
use http::Response;
use linkedall_shared::address::dialling_prefix;
use linkedall_shared::{Address, AddressForm, AddressProblem, DeliveryChoice, DeliveryOption};
use serde::Serialize;

use super::cart::{LineView, Totals, cart_path, lines, totals};
use super::documents::{Cart, Order};
use super::visit::{Failure, Visit};
use crate::amounts::amount;
use crate::host::Host;
use crate::pages::Layout;
use crate::trace::random_id;
use crate::words::{Words, fill};

#[derive(Template)]
#[template(path = "shop/checkout.html")]
pub struct CheckoutPage {
    pub layout: Layout,
    pub lines: Vec<LineView>,
    pub totals: Totals,
    /// What "Place order" agrees to; `None` when the cart cannot be paid or delivered.
    pub quote: Option<QuoteFields>,
    /// The address fields as typed, and what is wrong with them.
    pub address: AddressForm,
    pub problems: Vec<(&'static str, String)>,
    /// "+234", shown before the phone field.
    pub phone_prefix: String,
    pub idempotency_key: String,
    pub message: Option<String>,
    /// The shopper's earlier addresses in this country, each a link that fills the form with
    /// it: (`/checkout?address=N`, "Amaka Obi, Lekki Phase 1, Lagos", whether it is the one
    /// shown).
    pub saved: Vec<(String, String, bool)>,
}

impl CheckoutPage {
    /// The sentence about `field`, when it has a problem.
    pub fn problem(&self, field: &str) -> Option<&str> {
        self.problems.iter().find(|(f, _)| *f == field).map(|(_, sentence)| sentence.as_str())
    }
}

/// The quote in the form: the currency code and one choice per delivery option.
pub struct QuoteFields {
    pub currency: &'static str,
    pub choices: Vec<ChoiceView>,
}

/// A delivery option as the form offers it.
pub struct ChoiceView {
    pub value: &'static str,
    pub label: &'static str,
    /// "₦3,118 · 1–3 days".
    pub terms: String,
    /// "Total with delivery ₦23,618".
    pub total: String,
    /// What the shopper agrees to pay with this option, in minor units.
    pub total_minor: i64,
    pub checked: bool,
}

/// `POST /api/v1/orders`: buy the cart at the quote the shopper saw, delivered there.
#[derive(Serialize)]
struct CheckoutRequest<'a> {
    currency: &'a str,
    total_minor: i64,
    delivery: DeliveryRequest<'a>,
}

#[derive(Serialize)]
struct DeliveryRequest<'a> {
    option: DeliveryOption,
    address: &'a AddressForm,
}

/// `GET /checkout[?address=N]`: a fresh key per rendered form, filled with the shopper's most
/// recent address in this country (or the `N`th of them they picked).
pub async fn show<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    let key = random_id(visit.now());
    let picked = visit.query("address").and_then(|n| n.parse::<usize>().ok()).unwrap_or(0);
    render(visit, key, Typed::Saved(picked), Vec::new(), None).await
}

/// The address a form shows: as the shopper typed it, or their `n`th saved one.
enum Typed {
    Form(AddressForm),
    Saved(usize),
}

/// The shopper's earlier addresses in `country`, the most recently used first; none when the
/// origin cannot say (the form is then simply empty).
async fn saved_addresses<H: Host>(visit: &Visit<'_, H>, country: &str) -> Vec<Address> {
    match visit.get::<Vec<Address>>("/api/v1/addresses").await {
        Ok(addresses) => addresses.into_iter().filter(|address| address.country == country).collect(),
        Err(_) => Vec::new(),
    }
}

/// `POST /checkout`: checks the address, places the order under the form's key and shows its
/// confirmation.
pub async fn place<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    let words = visit.words();
    let typed = |name: &str| visit.field(name).unwrap_or_default().to_owned();
    let address = AddressForm {
        name: typed("name"),
        phone: typed("phone"),
        country: delivery_country(visit).unwrap_or_default().into(),
        city: typed("city"),
        area: typed("area"),
        directions: typed("directions"),
    };
    let Some(key) = visit.field("idempotency_key").filter(|k| is_key(k)).map(str::to_owned) else {
        let again = Some((422, words.place_order_again.into()));
        return render(visit, random_id(visit.now()), Typed::Form(address), Vec::new(), again).await;
    };
    if let Err(problems) = address.validate() {
        let problems = problems.into_iter().map(|p| (p.field(), sentence(p, words, visit))).collect();
        return render(visit, key, Typed::Form(address), problems, None).await;
    }
    let option = visit.field("delivery").and_then(DeliveryOption::parse);
    let quoted = option.and_then(|option| {
        let total = visit.field(&format!("total_{}", option.as_str()))?.trim().parse::<i64>().ok()?;
        Some((option, total, visit.field("currency")?))
    });
    let Some((option, total_minor, currency)) = quoted else {
        return render(
            visit,
            key,
            Typed::Form(address),
            Vec::new(),
            Some((422, words.place_order_again.into())),
        )
        .await;
    };
    // The origin buys the cart it holds, at its own prices, if they still make this total.
    let request =
        CheckoutRequest { currency, total_minor, delivery: DeliveryRequest { option, address: &address } };
    match visit.post::<Order>("/api/v1/orders", Some(&request), Some(&key)).await {
        Ok(order) => visit.redirect(&format!("/orders/{}", order.id)),
        Err(Failure::Refused { status, message }) => {
            render(visit, key, Typed::Form(address), Vec::new(), Some((status, message))).await
        }
        Err(failure) => visit.fail(failure),
    }
}

/// The country the order is delivered to: the shopper's, when it is one of our markets.
fn delivery_country<H: Host>(visit: &Visit<'_, H>) -> Option<&'static str> {
    visit.locale.our_market().map(|market| market.country)
}

/// What the shopper reads about `problem`.
fn sentence<H: Host>(problem: AddressProblem, words: &'static Words, visit: &Visit<'_, H>) -> String {
    match problem {
        AddressProblem::Name => words.receiver_missing.into(),
        AddressProblem::Phone => {
            fill(words.phone_invalid, dialling_prefix(&visit.locale.market()).unwrap_or_else(|| "+".into()))
        }
        AddressProblem::Country => words.choose_country.into(),
        AddressProblem::City => words.city_missing.into(),
        AddressProblem::Area => words.area_missing.into(),
        AddressProblem::Directions => words.directions_too_long.into(),
    }
}

async fn render<H: Host>(
    visit: &Visit<'_, H>,
    key: String,
    typed: Typed,
    problems: Vec<(&'static str, String)>,
    message: Option<(u16, String)>,
) -> Response<Bytes> {
    let country = delivery_country(visit).unwrap_or_default();
    let mut path = cart_path(visit);
    if let Some(country) = delivery_country(visit) {
        path.push_str("&to=");
        path.push_str(country);
    }
    // The cart first: a visitor who is not signed in is sent to sign in by its 401, before
    // anything else is asked of the origin.
    match visit.get::<Cart>(&path).await {
        Ok(cart) => {
            let saved = saved_addresses(visit, country).await;
            let address = match typed {
                Typed::Form(address) => address,
                Typed::Saved(n) => saved.get(n).map_or_else(
                    || AddressForm { country: country.into(), ..AddressForm::default() },
                    AddressForm::from,
                ),
            };
            let words = visit.words();
            let status = match &message {
                Some((status, _)) => *status,
                None if !problems.is_empty() => 422,
                None => 200,
            };
            let chosen =
                visit.field("delivery").and_then(DeliveryOption::parse).unwrap_or(DeliveryOption::Home);
            // No form while a line cannot be ordered: no rate, or its shop does not deliver here.
            let orderable = !cart.delivery_choices.is_empty()
                && cart.items.iter().all(|line| line.delivers && line.available);
            let quote = cart.total.filter(|_| orderable).map(|total| QuoteFields {
                currency: total.currency.code(),
                choices: cart.delivery_choices.iter().map(|c| choice(c, total, chosen, visit)).collect(),
            });
            let mut message = message.map(|(_, text)| text);
            if delivery_country(visit).is_none() && !cart.items.is_empty() {
                message.get_or_insert_with(|| words.choose_country.into());
            }
            let saved = saved
                .iter()
                .enumerate()
                .map(|(n, saved)| {
                    let shown = saved.name == address.name
                        && saved.phone == address.phone
                        && saved.area == address.area;
                    (
                        format!("/checkout?address={n}"),
                        format!("{}, {}, {}", saved.name, saved.area, saved.city),
                        shown,
                    )
                })
                .collect();
            let page = CheckoutPage {
                layout: Layout::for_locale(format!("{} — Linked All", words.checkout), &visit.locale),
                lines: lines(&cart, words, visit.locale.language),
                totals: totals(&cart, words, visit.locale.language),
                quote,
                address,
                problems,
                phone_prefix: dialling_prefix(&visit.locale.market()).unwrap_or_default(),
                idempotency_key: key,
                message,
                saved,
            };
            visit.page(status, &page)
        }
        Err(failure) => visit.fail(failure),
    }
}

/// `choice` as the form offers it, for a cart costing `total` before delivery.
fn choice<H: Host>(
    choice: &DeliveryChoice,
    total: linkedall_shared::Money,
    chosen: DeliveryOption,
    visit: &Visit<'_, H>,
) -> ChoiceView {
    let (words, language) = (visit.words(), visit.locale.language);
    let with_fee = total.plus(choice.fee).unwrap_or(total);
    let days = super::orders::days(words, choice.days_min, choice.days_max);
    ChoiceView {
        value: choice.option.as_str(),
        label: super::orders::option_label(choice.option, words),
        terms: format!("{} · {days}", amount(choice.fee, language)),
        total: format!("{} {}", words.total_with_delivery, amount(with_fee, language)),
        total_minor: with_fee.minor,
        checked: choice.option == chosen,
    }
}

/// What the origin accepts as a key: 1 to 255 visible ASCII characters.
fn is_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| b.is_ascii_graphic())
}
