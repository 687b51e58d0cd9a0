//! A vendor's product form: add a product (name, description, category, price in the shop's
//! currency, stock), change one, and give it photos taken with the phone's camera or chosen
//! from its files: up to eight, listed in order with "Remove" and "Make main" (plain forms,
//! no script needed), the first the main one.
//!
//! The form is read and checked here first, so a vendor who typed `2 500,50` or left the name
//! empty reads a sentence next to the form at once; the origin checks everything again. The
//! photo goes to the origin's upload pipeline as the browser sent it (multipart, untouched),
//! and the pipeline's refusals (too large, not a photo, damaged …) come back as sentences.
//! `assets/photo-upload.js` adds a preview and a progress bar; without it the form still posts.

use askama::Template;
use bytes::Bytes;
use http::{Method, Response};
use linkedall_shared::{
    Category, Currency, MAX_PHOTOS_PER_PRODUCT, Market, Money, Photo, ProductDetail, VendorStorefront,
};
use serde::Serialize;

use super::vendor::{refuse_non_vendor, storefront};
use super::visit::{Failure, Refusal, Visit};
use crate::assets;
use crate::category_names;
use crate::gallery_words::GalleryWords;
use crate::host::Host;
use crate::pages::{Layout, PhotoUse, PhotoView};
use crate::route::PhotoHash;
use crate::vendor_words::VendorWords;
use crate::words::fill;

/// The most units of stock a product may have (the origin's limit too).
const MAX_STOCK: u32 = 1_000_000;
/// The longest product name, in characters (the origin's limit too).
const MAX_NAME_CHARS: usize = 200;

/// One of the product's photos on its form, with its two buttons.
pub struct ConsolePhoto {
    pub view: PhotoView,
    /// "Main photo", or "Photo 2" …: its caption and text alternative.
    pub label: String,
    pub main: bool,
    pub remove_action: String,
    pub remove_label: String,
    pub main_action: String,
    pub main_label: String,
}

pub struct CategoryChoice {
    pub id: i64,
    pub name: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "shop/vendor_product.html")]
pub struct ProductForm {
    pub layout: Layout,
    pub says: &'static VendorWords,
    pub heading: String,
    pub action: String,
    pub button: &'static str,
    pub name: String,
    pub description: String,
    /// The choices when adding; empty when editing (the category is then fixed).
    pub categories: Vec<CategoryChoice>,
    /// The product's category, when editing.
    pub category: Option<String>,
    pub price_label: String,
    pub price: String,
    pub stock: String,
    /// The product's page and photos (the main one first), when editing.
    pub product_path: Option<String>,
    pub photos: Vec<ConsolePhoto>,
    /// The product has as many photos as it may: no upload field, a sentence instead.
    pub photos_full: bool,
    pub photos_hint: String,
    pub gallery: &'static GalleryWords,
    pub photo_action: Option<String>,
    pub photo_script: String,
    /// A sentence about the last try, and whether it went well.
    pub message: Option<String>,
    pub success: bool,
}

/// What the vendor typed, checked: the body of `POST /api/v1/vendor/products` (and, without
/// the category, of its `PATCH`).
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ProductFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category_id: Option<i64>,
    pub name: String,
    pub description: String,
    pub price_minor: i64,
    pub stock: u32,
}

/// The shop's currency: its country's.
fn currency_of(storefront: &VendorStorefront) -> Currency {
    Market::of_country(&storefront.vendor.country).currency
}

/// `GET /vendor/products/new`
pub async fn new_form<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    form_page(visit, None, None).await
}

/// `GET /vendor/products/{id}`: `?saved=1` after a save, `?photo=1` after an upload,
/// `?removed=1` and `?main=1` after a photo was removed or made the main one.
pub async fn edit_form<H: Host>(visit: &Visit<'_, H>, id: i64) -> Response<Bytes> {
    let says = VendorWords::of(visit.locale.language);
    let gallery = GalleryWords::of(visit.locale.language);
    let message = [
        ("photo", says.photo_saved),
        ("removed", gallery.removed),
        ("main", gallery.made_main),
        ("saved", says.saved),
    ]
    .into_iter()
    .find(|(name, _)| visit.query(name).is_some())
    .map(|(_, sentence)| (200, sentence.to_owned()));
    form_page(visit, Some(id), message).await
}

/// The form, filled from the product (editing) or empty (adding), or — after a refused try —
/// with what the vendor typed and the sentence saying what to change.
async fn form_page<H: Host>(
    visit: &Visit<'_, H>,
    id: Option<i64>,
    message: Option<(u16, String)>,
) -> Response<Bytes> {
    let says = VendorWords::of(visit.locale.language);
    let language = visit.locale.language;
    let storefront = match storefront(visit).await {
        Ok(storefront) => storefront,
        Err(refused) => return refused,
    };
    let currency = currency_of(&storefront);
    let retry = message.as_ref().is_some_and(|(status, _)| *status >= 400) && visit.field("name").is_some();
    let typed = |name: &str| visit.field(name).unwrap_or_default().to_owned();
    let (status, message) = message.map_or((200, None), |(status, text)| (status, Some(text)));
    let mut form = ProductForm {
        layout: Layout::for_locale(format!("{} — Linked All", says.new_product_heading), &visit.locale),
        says,
        heading: says.new_product_heading.to_owned(),
        action: "/vendor/products/new".to_owned(),
        button: says.create,
        name: typed("name"),
        description: typed("description"),
        categories: Vec::new(),
        category: None,
        price_label: fill(says.price_label, currency),
        price: typed("price"),
        stock: typed("stock"),
        product_path: None,
        photos: Vec::new(),
        photos_full: false,
        photos_hint: fill(GalleryWords::of(language).hint, MAX_PHOTOS_PER_PRODUCT),
        gallery: GalleryWords::of(language),
        photo_action: None,
        photo_script: assets::url("photo-upload.js"),
        success: status < 400 && message.is_some(),
        message,
    };
    form.layout.noindex = true;
    match id {
        None => {
            let categories = match visit.get::<Vec<Category>>("/api/v1/categories").await {
                Ok(categories) => categories,
                Err(failure) => return visit.fail(failure),
            };
            let chosen = visit.field("category_id").and_then(|c| c.parse::<i64>().ok());
            form.categories = categories
                .iter()
                .map(|c| CategoryChoice {
                    id: c.id.get(),
                    name: category_names::translated(c, language).name,
                    selected: chosen == Some(c.id.get()),
                })
                .collect();
        }
        Some(id) => {
            let detail = match visit.get::<ProductDetail>(&format!("/api/v1/products/{id}")).await {
                Ok(detail) if detail.product.vendor_id == storefront.vendor.id => detail,
                Ok(_) => return visit.refused(403, visit.words().refused_forbidden.into()),
                Err(failure) => return visit.fail(failure),
            };
            let product = &detail.product;
            form.layout.title = format!("{} — Linked All", fill(says.edit_product_heading, &product.name));
            form.heading = fill(says.edit_product_heading, &product.name);
            form.action = format!("/vendor/products/{id}");
            form.button = says.save;
            form.category = Some(category_names::translated(&detail.category, language).name);
            form.product_path = Some(product.path());
            form.photos = console_photos(&detail.photos, id, form.gallery);
            form.photos_full = detail.photos.len() >= MAX_PHOTOS_PER_PRODUCT;
            form.photo_action = Some(format!("/vendor/products/{id}/photo"));
            if !retry {
                form.name = product.name.clone();
                form.description = product.description.clone();
                form.price = price_text(product.price, language);
                form.stock = product.stock.units().to_string();
            }
        }
    }
    visit.page(status, &form)
}

/// The product's photos as its form lists them: thumbnails (one small image each), the main
/// one first, each with its "Remove" and "Make main" forms.
pub fn console_photos(photos: &[Photo], id: i64, gallery: &'static GalleryWords) -> Vec<ConsolePhoto> {
    photos
        .iter()
        .enumerate()
        .map(|(at, photo)| {
            let n = at + 1;
            ConsolePhoto {
                view: PhotoView::new(photo, PhotoUse::Lite),
                label: if at == 0 { gallery.main_photo.to_owned() } else { fill(gallery.photo_number, n) },
                main: at == 0,
                remove_action: format!("/vendor/products/{id}/photos/{}/remove", photo.hash),
                remove_label: fill(gallery.remove_label, n),
                main_action: format!("/vendor/products/{id}/photos/{}/main", photo.hash),
                main_label: fill(gallery.make_main_label, n),
            }
        })
        .collect()
}

/// `POST /vendor/products/new` and `POST /vendor/products/{id}`.
pub async fn save<H: Host>(visit: &Visit<'_, H>, id: Option<i64>) -> Response<Bytes> {
    let says = VendorWords::of(visit.locale.language);
    let currency = match storefront(visit).await {
        Ok(storefront) => currency_of(&storefront),
        Err(refused) => return refused,
    };
    let fields = match read_fields(|name| visit.field(name), currency, id.is_none(), visit.locale.language) {
        Ok(fields) => fields,
        Err(sentence) => return form_page(visit, id, Some((422, sentence))).await,
    };
    let saved = match id {
        None => visit.post::<ProductDetail>("/api/v1/vendor/products", Some(&fields), None).await,
        Some(id) => {
            visit
                .send_json::<ProductDetail>(Method::PATCH, &format!("/api/v1/vendor/products/{id}"), &fields)
                .await
        }
    };
    match saved {
        Ok(detail) => visit.redirect(&format!("/vendor/products/{}?saved=1", detail.product.id)),
        Err(Failure::Refused { status, .. }) if status != 403 => {
            form_page(visit, id, Some((status, says.save_refused.into()))).await
        }
        Err(failure) => refuse_non_vendor(visit, failure),
    }
}

/// `POST /vendor/products/{id}/photo`: the photo to the origin's pipeline, added after the
/// product's others; back to the form with a sentence either way.
pub async fn upload_photo<H: Host>(visit: &Visit<'_, H>, id: i64) -> Response<Bytes> {
    let says = VendorWords::of(visit.locale.language);
    let Some(outcome) = visit.forward_multipart(&format!("/api/v1/vendor/products/{id}/photos")).await else {
        return form_page(visit, Some(id), Some((400, says.photo_missing.into()))).await;
    };
    match outcome {
        Ok(Ok(())) => visit.redirect(&format!("/vendor/products/{id}?photo=1")),
        Ok(Err(Refusal { status: 403, .. })) => visit.refused(403, says.not_a_vendor.into()),
        Ok(Err(Refusal { status: status @ (404 | 410), .. })) => {
            visit.refused(status, visit.words().refused_missing.into())
        }
        Ok(Err(refusal)) => {
            let sentence = photo_refusal(visit.locale.language, &refusal.kind);
            form_page(visit, Some(id), Some((refusal.status, sentence.into()))).await
        }
        Err(failure) => visit.fail(failure),
    }
}

/// `POST /vendor/products/{id}/photos/{hash}/remove`: the photo leaves the product.
pub async fn remove_photo<H: Host>(visit: &Visit<'_, H>, id: i64, photo: PhotoHash) -> Response<Bytes> {
    let done = visit.delete(&format!("/api/v1/vendor/products/{id}/photos/{photo}")).await;
    after_photo_change(visit, id, done, "removed").await
}

/// `POST /vendor/products/{id}/photos/{hash}/main`: the photo becomes the product's first.
pub async fn make_main<H: Host>(visit: &Visit<'_, H>, id: i64, photo: PhotoHash) -> Response<Bytes> {
    let done = visit.post_only(&format!("/api/v1/vendor/products/{id}/photos/{photo}/main")).await;
    after_photo_change(visit, id, done, "main").await
}

/// Back to the product's form, saying what became of the change.
async fn after_photo_change<H: Host>(
    visit: &Visit<'_, H>,
    id: i64,
    done: Result<(), Failure>,
    said_by: &str,
) -> Response<Bytes> {
    let gallery = GalleryWords::of(visit.locale.language);
    match done {
        Ok(()) => visit.redirect(&format!("/vendor/products/{id}?{said_by}=1")),
        // The photo is gone already (removed in another window): the form as it is now.
        Err(Failure::Refused { status: 404, .. }) => {
            form_page(visit, Some(id), Some((404, gallery.gone.into()))).await
        }
        Err(Failure::Refused { status, .. }) if status != 403 => {
            form_page(
                visit,
                Some(id),
                Some((status, VendorWords::of(visit.locale.language).save_refused.into())),
            )
            .await
        }
        Err(failure) => refuse_non_vendor(visit, failure),
    }
}

/// What a vendor reads when the upload pipeline refused their photo, by the problem's type.
pub fn photo_refusal(language: linkedall_shared::Language, kind: &str) -> &'static str {
    let says = VendorWords::of(language);
    let gallery = GalleryWords::of(language);
    match kind.rsplit('/').next().unwrap_or_default() {
        "too-many-photos" => gallery.too_many,
        "photo-already-there" => gallery.already_there,
        "photo-empty" => says.photo_empty,
        "photo-unsupported-format" | "unsupported-media-type" => says.photo_format,
        "photo-too-large" | "photo-memory-limit" | "payload-too-large" => says.photo_too_large,
        "photo-polyglot" => says.photo_hidden_content,
        "photo-malformed" => says.photo_damaged,
        "invalid-body" => says.photo_missing,
        _ => says.photo_failed,
    }
}

/// Reads and checks the form's fields; the error is the sentence to show.
pub fn read_fields<'a>(
    field: impl Fn(&str) -> Option<&'a str>,
    currency: Currency,
    adding: bool,
    language: linkedall_shared::Language,
) -> Result<ProductFields, String> {
    let says = VendorWords::of(language);
    let name = field("name").unwrap_or_default().trim().to_owned();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(says.name_needed.into());
    }
    let category_id = if adding {
        match field("category_id").and_then(|c| c.trim().parse::<i64>().ok()).filter(|c| *c > 0) {
            Some(id) => Some(id),
            None => return Err(says.category_needed.into()),
        }
    } else {
        None
    };
    let example = || price_text(Money { currency, minor: 2_500 * 10i64.pow(currency.exponent()) }, language);
    let price_minor = match parse_price(field("price").unwrap_or_default(), currency) {
        Some(minor) => minor,
        None => return Err(fill(says.price_invalid, example())),
    };
    let stock =
        match field("stock").unwrap_or_default().trim().parse::<u32>().ok().filter(|s| *s <= MAX_STOCK) {
            Some(stock) => stock,
            None => return Err(says.stock_invalid.into()),
        };
    let description = field("description").unwrap_or_default().trim().to_owned();
    Ok(ProductFields { category_id, name, description, price_minor, stock })
}

/// A price as a vendor types it, in minor units of `currency`: `2500`, `2,500.50`, `2 500,50`,
/// `2.500` (a separator followed by more digits than the currency's decimals groups
/// thousands; by no more, it is the decimal point). `None` for anything else, a negative
/// price, or one above the currency's highest.
pub fn parse_price(text: &str, currency: Currency) -> Option<i64> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace() && *c != '\u{202f}').collect();
    if compact.is_empty() || !compact.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
        return None;
    }
    let exponent = currency.exponent() as usize;
    let (whole, fraction) = match compact.rfind(['.', ',']) {
        Some(at) if (1..=exponent).contains(&(compact.len() - at - 1)) => {
            (&compact[..at], &compact[at + 1..])
        }
        _ => (compact.as_str(), ""),
    };
    let whole: String = whole.chars().filter(char::is_ascii_digit).collect();
    if (whole.is_empty() && fraction.is_empty()) || whole.len() > 15 {
        return None;
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let fraction: i64 = format!("{fraction:0<exponent$}").parse().unwrap_or(0);
    let minor = whole.checked_mul(10i64.pow(exponent as u32))?.checked_add(fraction)?;
    (minor <= currency.max_price_minor()).then_some(minor)
}

/// A price as the form shows it for changing: digits and the page's decimal sign, nothing
/// else (`2500.50`, `2500,50`, `7000`).
pub fn price_text(money: Money, language: linkedall_shared::Language) -> String {
    let exponent = money.currency.exponent();
    let scale = 10i64.pow(exponent);
    let point = if matches!(language, linkedall_shared::Language::Fr | linkedall_shared::Language::Pt) {
        ','
    } else {
        '.'
    };
    if exponent == 0 {
        return money.minor.to_string();
    }
    format!("{}{point}{:0width$}", money.minor / scale, money.minor % scale, width = exponent as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkedall_shared::Language;

    #[test]
    fn prices_are_read_as_vendors_type_them() {
        assert_eq!(parse_price("2500", Currency::NGN), Some(250_000));
        assert_eq!(parse_price("2,500.50", Currency::NGN), Some(250_050));
        assert_eq!(parse_price("2 500,5", Currency::NGN), Some(250_050));
        assert_eq!(parse_price("2.500", Currency::NGN), Some(250_000), "thousands");
        assert_eq!(parse_price("0,99", Currency::KES), Some(99));
        assert_eq!(parse_price("7 000", Currency::XOF), Some(7_000));
        assert_eq!(parse_price("7.000", Currency::XOF), Some(7_000), "no decimals in CFA francs");
        for bad in ["", "-5", "abc", "12e3", "₦500", "99999999999999999999"] {
            assert_eq!(parse_price(bad, Currency::NGN), None, "{bad}");
        }
    }

    #[test]
    fn the_form_shows_a_price_it_reads_back() {
        for (money, language) in [
            (Money { currency: Currency::NGN, minor: 250_050 }, Language::Fr),
            (Money { currency: Currency::KES, minor: 7 }, Language::En),
            (Money { currency: Currency::XOF, minor: 7_000 }, Language::Fr),
        ] {
            assert_eq!(parse_price(&price_text(money, language), money.currency), Some(money.minor));
        }
    }

    fn form<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<&'a str> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
    }

    #[test]
    fn a_form_with_a_mistake_is_refused_with_the_sentence_in_the_vendors_language() {
        let good = [("name", " Pagne wax "), ("category_id", "3"), ("price", "12 500"), ("stock", "8")];
        assert_eq!(
            read_fields(form(&good), Currency::XOF, true, Language::Fr),
            Ok(ProductFields {
                category_id: Some(3),
                name: "Pagne wax".into(),
                description: String::new(),
                price_minor: 12_500,
                stock: 8
            })
        );
        let no_price = [("name", "Pagne wax"), ("category_id", "3"), ("price", "douze"), ("stock", "8")];
        assert_eq!(
            read_fields(form(&no_price), Currency::XOF, true, Language::Fr),
            Err("Écrivez le prix en chiffres, par exemple 2500.".into())
        );
        let no_category = [("name", "Pagne wax"), ("price", "1"), ("stock", "8")];
        assert!(read_fields(form(&no_category), Currency::XOF, true, Language::Fr).is_err());
        assert!(read_fields(form(&no_category), Currency::XOF, false, Language::Fr).is_ok(), "editing");
        let too_many = [("name", "Pagne wax"), ("price", "1"), ("stock", "1000001")];
        assert!(read_fields(form(&too_many), Currency::XOF, false, Language::Sw).is_err());
    }
}
