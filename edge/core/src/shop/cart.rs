//! The cart page and its forms: "Add to cart" on a product page and "Remove" on a line both
//! post here. Prices and totals are the origin's, priced in the shopper's currency (their
//! market's) whatever the vendors' currencies; the edge only shows them, the shopper's price
//! first and the seller's own second when it differs.

use askama::Template;
use bytes::Bytes;
use http::Response;

use super::documents::{Cart, CartLine, GuestLines, LineRequest};
use super::guest_cart::GuestCart;
use super::visit::{Failure, Visit, local_path};
use crate::amounts::amount;
use crate::host::Host;
use crate::pages::Layout;
use crate::suspension_words::SuspensionWords;
use crate::words::{Words, fill};
use linkedall_shared::Language;

/// A cart line as the cart and checkout pages show it.
pub struct LineView {
    pub product_id: i64,
    pub product_path: String,
    pub name: String,
    pub quantity: u32,
    /// The vendor's unit price.
    pub unit_price: String,
    /// What the line costs the shopper, in their currency (the vendor's total without a rate).
    pub line_total: String,
    /// "KSh 2,400.00 from the seller", when the shopper pays in another currency.
    pub seller_price: Option<String>,
    /// The catalog has fewer units than the line asks for: checkout would be refused.
    pub short: bool,
    /// No exchange rate to the shopper's currency: checkout would be refused.
    pub no_rate: bool,
    /// The line's shop does not deliver to the shopper's country: checkout would be refused.
    pub not_delivered: bool,
    /// Why the line cannot be bought, when its shop is suspended: checkout would be refused.
    pub unavailable: Option<&'static str>,
    /// "Remove Kitenge skirt", the remove button's accessible name.
    pub remove_label: String,
}

pub fn lines(cart: &Cart, words: &'static Words, language: Language) -> Vec<LineView> {
    cart.items.iter().map(|line| line_view(line, words, language)).collect()
}

fn line_view(line: &CartLine, words: &'static Words, language: Language) -> LineView {
    let converted = line.to_pay.filter(|paid| paid.currency != line.line_total.currency);
    LineView {
        product_id: line.product_id.get(),
        product_path: format!("/p/{}", line.product_id),
        name: line.name.clone(),
        quantity: line.quantity,
        unit_price: amount(line.unit_price, language),
        line_total: amount(line.to_pay.unwrap_or(line.line_total), language),
        seller_price: converted.map(|_| fill(words.seller_price, amount(line.line_total, language))),
        short: line.in_stock < line.quantity,
        no_rate: line.to_pay.is_none(),
        not_delivered: !line.delivers,
        unavailable: (!line.available).then(|| SuspensionWords::of(language).line_unavailable),
        remove_label: fill(words.remove_label, &line.name),
    }
}

/// The cart's sums as its pages show them.
pub struct Totals {
    /// What the whole cart costs, in the shopper's currency; `None` when it cannot be paid.
    pub total: Option<String>,
    /// Some line was converted from a seller's currency.
    pub converted: bool,
    /// Why the cart cannot be ordered: a line has no exchange rate, or its shop does not
    /// deliver to the shopper's country.
    pub unpayable: Option<&'static str>,
}

pub fn totals(cart: &Cart, words: &'static Words, language: Language) -> Totals {
    Totals {
        total: cart.total.map(|total| amount(total, language)),
        converted: cart.items.iter().any(|line| line.unit_price.currency != cart.currency),
        unpayable: if cart.total.is_none() {
            Some(words.cannot_pay)
        } else if cart.items.iter().any(|line| !line.available) {
            Some(SuspensionWords::of(language).cart_unavailable)
        } else if cart.items.iter().any(|line| !line.delivers) {
            Some(words.does_not_deliver)
        } else {
            None
        },
    }
}

/// The cart's address at the origin, priced in the shopper's currency.
pub fn cart_path<H: Host>(visit: &Visit<'_, H>) -> String {
    format!("/api/v1/cart/items?currency={}", visit.locale.market().currency.code())
}

/// `path` asking also whether each line's shop delivers to the shopper's country, when it is
/// one of our markets.
fn delivered_to_shopper<H: Host>(visit: &Visit<'_, H>, mut path: String) -> String {
    if let Some(market) = visit.locale.our_market() {
        path.push_str("&to=");
        path.push_str(market.country);
    }
    path
}

#[derive(Template)]
#[template(path = "shop/cart.html")]
pub struct CartPage {
    pub layout: Layout,
    pub lines: Vec<LineView>,
    pub totals: Totals,
    /// Nobody is signed in: the cart lives in this browser until checkout asks who they are.
    pub guest: bool,
    pub message: Option<String>,
}

/// `GET /cart`, or the cart again with what went wrong (`message`) after a refused change:
/// the shopper's own cart, or, before they sign in, the one their browser keeps.
pub async fn show<H: Host>(visit: &Visit<'_, H>, message: Option<(u16, String)>) -> Response<Bytes> {
    let words = visit.words();
    let (cart, guest) = match visit.get::<Cart>(&delivered_to_shopper(visit, cart_path(visit))).await {
        Ok(cart) => (Ok(cart), false),
        Err(Failure::SignIn) => (guest_cart(visit, &GuestCart::of(visit)).await, true),
        Err(failure) => (Err(failure), false),
    };
    match cart {
        Ok(cart) => {
            let (status, message) = message.map_or((200, None), |(status, text)| (status, Some(text)));
            let page = CartPage {
                layout: Layout::for_locale(format!("{} — Linked All", words.your_cart), &visit.locale),
                lines: lines(&cart, words, visit.locale.language),
                totals: totals(&cart, words, visit.locale.language),
                guest,
                message,
            };
            visit.page(status, &page)
        }
        Err(failure) => visit.fail(failure),
    }
}

/// A guest's `lines`, priced by the origin in the shopper's currency.
async fn guest_cart<H: Host>(visit: &Visit<'_, H>, lines: &GuestCart) -> Result<Cart, Failure> {
    let path = format!("/api/v1/cart/guest?currency={}", visit.locale.market().currency.code());
    visit.post::<Cart>(&path, Some(&GuestLines { items: lines.lines() }), None).await
}

/// `POST /cart`: `product_id` and `quantity` add units; `remove` drops a line. A shopper who
/// is not signed in keeps their lines in this browser until they sign in.
pub async fn change<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    let words = visit.words();
    let outcome = if let Some(remove) = visit.field("remove") {
        match remove.trim().parse::<i64>() {
            Ok(id) if id > 0 => {
                visit.delete(&format!("/api/v1/cart/items/{id}")).await.map_err(|f| (f, Some((id, 0))))
            }
            _ => Err((Failure::Refused { status: 422, message: words.no_such_line.into() }, None)),
        }
    } else {
        let product =
            visit.field("product_id").and_then(|p| p.trim().parse::<i64>().ok()).filter(|id| *id > 0);
        let quantity = visit.field("quantity").map_or(Ok(1), |q| q.trim().parse::<u32>());
        match (product, quantity) {
            (Some(product_id), Ok(quantity)) => visit
                .post::<Cart>(
                    &delivered_to_shopper(visit, cart_path(visit)),
                    Some(&LineRequest { product_id, quantity }),
                    None,
                )
                .await
                .map(drop)
                .map_err(|f| (f, Some((product_id, quantity)))),
            (None, _) => Err((Failure::Refused { status: 422, message: words.choose_product.into() }, None)),
            (_, Err(_)) => {
                Err((Failure::Refused { status: 422, message: words.choose_quantity.into() }, None))
            }
        }
    };
    match outcome {
        Ok(()) => visit.redirect("/cart"),
        // Not signed in: the line goes to (or leaves) the browser's cart.
        Err((Failure::SignIn, Some((product, quantity)))) => {
            let mut guest = GuestCart::of(visit);
            if quantity == 0 {
                guest.remove(product);
            } else {
                guest.add(product, quantity);
            }
            visit.set_cookie(&guest.cookie(visit.https));
            visit.redirect("/cart")
        }
        Err((Failure::SignIn, None)) => {
            visit.sign_in_first(&local_path(visit.field("back").or(Some("/cart"))))
        }
        Err((Failure::Refused { status, message }, _)) => show(visit, Some((status, message))).await,
        Err((broken, _)) => visit.fail(broken),
    }
}

/// Moves a guest's lines into the cart of the shopper who just signed in, then forgets them.
/// A line the origin refuses (a product gone meanwhile) is dropped, never the others.
pub async fn adopt_guest_cart<H: Host>(visit: &Visit<'_, H>) {
    let guest = GuestCart::of(visit);
    if guest.is_empty() {
        return;
    }
    for line in guest.lines() {
        if let Err(failure) = visit.post::<Cart>("/api/v1/cart/items", Some(&line), None).await {
            tracing::info!(product = line.product_id, ?failure, "a guest's line was not kept at sign-in");
        }
    }
    metrics::counter!("edge_guest_carts_adopted_total").increment(1);
    visit.set_cookie(&GuestCart::default().cookie(visit.https));
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkedall_shared::{Currency, Money, ProductId};

    fn cart(available: bool) -> Cart {
        let price = Money::new(Currency::XOF, 12_500);
        Cart {
            items: vec![CartLine {
                product_id: ProductId::new(5),
                name: "Pagne wax".into(),
                quantity: 1,
                unit_price: price,
                line_total: price,
                to_pay: Some(price),
                in_stock: 8,
                delivers: true,
                available,
            }],
            currency: Currency::XOF,
            total: Some(price),
            rates_as_of: String::new(),
            delivery_choices: Vec::new(),
        }
    }

    #[test]
    fn a_line_of_a_suspended_shop_says_it_is_unavailable_and_the_cart_cannot_be_ordered() {
        let (words, french) = (Words::of(Language::Fr), Language::Fr);
        let suspended = cart(false);
        let line = &lines(&suspended, words, french)[0];
        assert_eq!(line.unavailable, Some("Indisponible : cette boutique est suspendue."));
        assert_eq!(
            totals(&suspended, words, french).unpayable,
            Some(SuspensionWords::of(french).cart_unavailable)
        );
        let open = cart(true);
        assert_eq!(lines(&open, words, french)[0].unavailable, None);
        assert_eq!(totals(&open, words, french).unpayable, None);
    }
}
