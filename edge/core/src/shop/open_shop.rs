//! Opening a shop: a vendor's account and their shop in one form (shop name, city, country,
//! where it delivers, email, password). The origin creates both (`POST /api/v1/auth/register` with the vendor
//! role) and signs the vendor in; they land on their dashboard, ready to add products.

use askama::Template;
use bytes::Bytes;
use http::Response;
use linkedall_shared::ShippingZone;
use serde::Serialize;

use super::documents::Session;
use super::login::signed_in;
use super::visit::{Failure, Visit};
use crate::host::Host;
use crate::pages::Layout;
use crate::vendor_words::VendorWords;

/// `POST /api/v1/auth/register` for a vendor.
#[derive(Serialize)]
struct VendorRegistration<'a> {
    email: &'a str,
    password: &'a str,
    role: &'static str,
    shop: Shop<'a>,
}

#[derive(Serialize)]
struct Shop<'a> {
    name: &'a str,
    city: &'a str,
    country: String,
    ships_to: &'static str,
}

#[derive(Template)]
#[template(path = "shop/open_shop.html")]
pub struct OpenShopPage {
    pub layout: Layout,
    pub says: &'static VendorWords,
    pub message: Option<String>,
    pub shop_name: String,
    pub city: String,
    pub country: String,
    /// The delivery zones to choose from: (value, label, chosen).
    pub zones: Vec<(&'static str, &'static str, bool)>,
    pub email: String,
}

/// `GET /open-shop`, or the form again with a sentence after a refused try.
pub fn show<H: Host>(visit: &Visit<'_, H>, message: Option<(u16, String)>) -> Response<Bytes> {
    let says = VendorWords::of(visit.locale.language);
    let typed = |name: &str| visit.field(name).unwrap_or_default().trim().to_owned();
    let (status, message) = message.map_or((200, None), |(status, text)| (status, Some(text)));
    let country = match typed("country") {
        typed if typed.is_empty() => visit.locale.country().unwrap_or_default().to_owned(),
        typed => typed,
    };
    let page = OpenShopPage {
        layout: Layout::for_locale(format!("{} — Linked All", says.open_shop_heading), &visit.locale),
        says,
        message,
        shop_name: typed("shop_name"),
        city: typed("city"),
        country,
        zones: ShippingZone::ALL
            .into_iter()
            .zip(says.ships_to_zones)
            .map(|(zone, label)| (zone.as_str(), label, zone == chosen_zone(visit)))
            .collect(),
        email: typed("email"),
    };
    visit.page(status, &page)
}

/// A two-letter country code, upper-cased; `None` for anything else.
pub fn country_code(text: &str) -> Option<String> {
    let code = text.trim().to_ascii_uppercase();
    (code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())).then_some(code)
}

/// The zone the form names; the vendor's own country when it names none (or none we know).
fn chosen_zone<H: Host>(visit: &Visit<'_, H>) -> ShippingZone {
    visit.field("ships_to").and_then(ShippingZone::parse).unwrap_or_default()
}

/// `POST /open-shop`
pub async fn open<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    let says = VendorWords::of(visit.locale.language);
    let Some(country) = country_code(visit.field("country").unwrap_or_default()) else {
        return show(visit, Some((422, says.country_invalid.into())));
    };
    let registration = VendorRegistration {
        email: visit.field("email").unwrap_or_default().trim(),
        password: visit.field("password").unwrap_or_default(),
        role: "vendor",
        shop: Shop {
            name: visit.field("shop_name").unwrap_or_default(),
            city: visit.field("city").unwrap_or_default(),
            country,
            ships_to: chosen_zone(visit).as_str(),
        },
    };
    match visit.post::<Session>("/api/v1/auth/register", Some(&registration), None).await {
        Ok(session) => signed_in(visit, &session, "/vendor"),
        Err(Failure::Refused { status: 429, message }) => show(visit, Some((429, message))),
        Err(Failure::Refused { status, .. }) => show(visit, Some((status, says.open_shop_refused.into()))),
        Err(failure) => visit.fail(failure),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_country_is_its_two_letter_code_in_any_case() {
        assert_eq!(super::country_code(" sn "), Some("SN".into()));
        for bad in ["", "S", "SEN", "S1", "é"] {
            assert_eq!(super::country_code(bad), None, "{bad}");
        }
    }
}
