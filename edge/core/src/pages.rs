//! The HTML pages, as askama templates over small view models. Templates live in
//! `edge/core/templates/`; every page extends `base.html` (header, search box, the shopper's
//! country, the content-hashed stylesheet).

use askama::Template;
use linkedall_shared::{
    Category, Currency, FxRates, HomeFeed, Market, Money, Photo, Preset, ProductCard, ProductDetail,
    ProductList, SearchResults, ShownPrice, VendorStorefront,
};

use crate::assets;
use crate::placeholder;

/// What every page shows around its content.
pub struct Layout {
    pub title: String,
    pub stylesheet: String,
    /// The logo, also the favicon: a few hundred bytes of SVG, content-hashed like the CSS.
    pub icon: String,
    /// The currency of the shopper's market (from their country; US dollars when unknown or
    /// outside Africa): prices are also shown in it. The page shows no more of the country,
    /// so it is cached per currency, not per country.
    pub currency: Currency,
    pub query: String,
    /// A lite page (`Save-Data`, a 2G connection or `?lite=1`): small images only.
    pub lite: bool,
}

impl Layout {
    pub fn new(title: impl Into<String>, country: Option<&str>) -> Layout {
        Layout {
            title: title.into(),
            stylesheet: assets::url("app.css"),
            icon: assets::url("logo.svg"),
            currency: market_currency(country),
            query: String::new(),
            lite: false,
        }
    }

    fn lite(mut self, lite: bool) -> Layout {
        self.lite = lite;
        self
    }
}

/// The currency of `country`'s market; US dollars when unknown or outside Africa.
pub fn market_currency(country: Option<&str>) -> Currency {
    Market::of_country(country.unwrap_or_default()).currency
}

/// What about the shopper changes a catalog page: the currency prices are also shown in (with
/// the rates to convert with) and lite mode. The cache key holds the same two things.
pub struct Shopper<'a> {
    pub country: Option<&'a str>,
    pub currency: Currency,
    pub rates: Option<&'a FxRates>,
    pub lite: bool,
}

impl<'a> Shopper<'a> {
    pub fn new(country: Option<&'a str>, lite: bool, rates: Option<&'a FxRates>) -> Shopper<'a> {
        Shopper { country, currency: market_currency(country), rates, lite }
    }

    fn layout(&self, title: impl Into<String>) -> Layout {
        Layout::new(title, self.country).lite(self.lite)
    }

    fn price(&self, price: Money) -> PriceView {
        let shown = ShownPrice::new(price, self.currency, self.rates);
        PriceView {
            amount: shown.price.to_string(),
            converted: shown.converted.map(|money| money.to_string()),
        }
    }
}

/// A price as a page shows it: the vendor's (what is paid) and, marked as converted, the
/// same in the shopper's currency.
pub struct PriceView {
    pub amount: String,
    pub converted: Option<String>,
}

/// The address of a photo at a preset width, in the browser's best format:
/// `/cdn-cgi/image/width=400,format=auto/media/products/…` (presets need no signature).
pub fn preset_url(original: &str, width: u32) -> String {
    format!("/cdn-cgi/image/width={width},format=auto{original}")
}

/// How a page shows a product photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoUse {
    /// A card in a listing: a quarter to a half of the screen wide.
    Card,
    /// The product page's main image: half to all of the screen wide.
    Detail,
    /// A lite page: the thumbnail only, whatever the screen.
    Lite,
}

/// An `<img>` of a vendor's photo: preset widths in the `/cdn-cgi/image/` grammar (no
/// signature needed), the intrinsic size so the layout does not jump, and the ThumbHash
/// placeholder painted behind it until the photo arrives.
pub struct PhotoView {
    pub src: String,
    /// Empty on lite pages (one small image, nothing for the browser to choose).
    pub srcset: String,
    pub sizes: &'static str,
    pub width: u32,
    pub height: u32,
    /// A `style` value painting the placeholder, or empty.
    pub placeholder: String,
}

impl PhotoView {
    pub fn new(photo: &Photo, usage: PhotoUse) -> PhotoView {
        let original = photo.original_path();
        let (default, choices, sizes): (Preset, &[Preset], &'static str) = match usage {
            PhotoUse::Card => (
                Preset::Card,
                &[Preset::Thumb, Preset::Card, Preset::Detail],
                "(min-width: 64rem) 17rem, (min-width: 40rem) 33vw, 50vw",
            ),
            PhotoUse::Detail => (
                Preset::Detail,
                &[Preset::Card, Preset::Detail, Preset::Zoom],
                "(min-width: 72rem) 35rem, (min-width: 48rem) 50vw, 100vw",
            ),
            PhotoUse::Lite => (Preset::Thumb, &[], ""),
        };
        // Presets wider than the original are not made larger than it: offer only real widths
        // (and always the smallest, so a tiny original still has one).
        let offered: Vec<Preset> = choices
            .iter()
            .copied()
            .enumerate()
            .filter(|(i, preset)| *i == 0 || preset.width() <= photo.width)
            .map(|(_, preset)| preset)
            .collect();
        let srcset = offered
            .iter()
            .map(|preset| {
                format!("{} {}w", preset_url(&original, preset.width()), preset.width().min(photo.width))
            })
            .collect::<Vec<_>>()
            .join(", ");
        let width = default.width().min(photo.width.max(1));
        let placeholder = placeholder::data_url(&photo.thumbhash)
            .map(|url| format!("background:#ddd url({url}) center/cover no-repeat"))
            .unwrap_or_default();
        PhotoView {
            src: preset_url(&original, default.width()),
            srcset,
            sizes,
            width,
            height: photo.height_at(width),
            placeholder,
        }
    }
}

/// A product as a listing shows it.
pub struct CardView {
    pub path: String,
    pub name: String,
    pub price: PriceView,
    pub stock: String,
    pub low_stock: bool,
    pub image: String,
    /// The vendor's photo when there is one; `image` (the generated picture) otherwise.
    pub photo: Option<PhotoView>,
    pub vendor: String,
}

impl CardView {
    fn new(card: &ProductCard, shopper: &Shopper) -> Self {
        let usage = if shopper.lite { PhotoUse::Lite } else { PhotoUse::Card };
        CardView {
            photo: card.photo.as_ref().map(|photo| PhotoView::new(photo, usage)),
            path: card.path(),
            name: card.name.clone(),
            price: shopper.price(card.price),
            stock: card.stock.label(),
            low_stock: !card.stock.is_available() || card.stock.is_low(),
            image: card.image.clone(),
            vendor: format!("{} · {}", card.vendor_name, card.vendor_city),
        }
    }
}

fn cards(items: &[ProductCard], shopper: &Shopper) -> Vec<CardView> {
    items.iter().map(|card| CardView::new(card, shopper)).collect()
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub layout: Layout,
    pub categories: Vec<Category>,
    pub featured: Vec<CardView>,
}

impl HomePage {
    pub fn new(feed: &HomeFeed, shopper: &Shopper) -> Self {
        HomePage {
            layout: shopper.layout("Linked All — shop Africa's marketplace"),
            categories: feed.categories.clone(),
            featured: cards(&feed.featured, shopper),
        }
    }
}

#[derive(Template)]
#[template(path = "listing.html")]
pub struct ListingPage {
    pub layout: Layout,
    pub heading: String,
    pub intro: String,
    pub products: Vec<CardView>,
    pub next_page: Option<String>,
    pub empty_message: String,
}

impl ListingPage {
    pub fn category(list: &ProductList, slug: &str, shopper: &Shopper) -> Self {
        let (heading, intro) = list
            .category
            .as_ref()
            .map_or((slug.to_owned(), String::new()), |c| (c.name.clone(), c.description.clone()));
        ListingPage {
            layout: shopper.layout(format!("{heading} — Linked All")),
            heading,
            intro,
            products: cards(&list.items, shopper),
            next_page: list.next_cursor.map(|c| format!("/c/{slug}?cursor={c}")),
            empty_message: "Nothing here yet — vendors are stocking up.".into(),
        }
    }

    pub fn vendor(storefront: &VendorStorefront, shopper: &Shopper) -> Self {
        let vendor = &storefront.vendor;
        ListingPage {
            layout: shopper.layout(format!("{} — Linked All", vendor.name)),
            heading: vendor.name.clone(),
            intro: format!("{} ({}, {}).", vendor.description, vendor.city, vendor.country),
            products: cards(&storefront.products, shopper),
            next_page: storefront.next_cursor.map(|c| format!("/v/{}-{}?cursor={c}", vendor.id, vendor.slug)),
            empty_message: "This shop has no products on sale right now.".into(),
        }
    }

    pub fn search(results: Option<&SearchResults>, query: &str, shopper: &Shopper) -> Self {
        let mut layout = shopper.layout(if query.is_empty() {
            "Search — Linked All".to_owned()
        } else {
            format!("“{query}” — Linked All")
        });
        layout.query = query.to_owned();
        let (heading, empty_message) = match results {
            None => (
                "Search".to_owned(),
                "Type what you are looking for: a phone, ankara, shea butter…".to_owned(),
            ),
            Some(_) => (
                format!("Results for “{query}”"),
                format!("Nothing matches “{query}”. Try fewer or simpler words."),
            ),
        };
        ListingPage {
            layout,
            heading,
            intro: String::new(),
            products: results.map(|r| cards(&r.items, shopper)).unwrap_or_default(),
            next_page: None,
            empty_message,
        }
    }
}

#[derive(Template)]
#[template(path = "product.html")]
pub struct ProductPage {
    pub layout: Layout,
    /// For the "Add to cart" form (the same for every shopper, so the page stays cacheable).
    pub id: i64,
    pub path: String,
    pub available: bool,
    pub name: String,
    pub description: String,
    pub price: PriceView,
    pub stock: String,
    pub low_stock: bool,
    pub image: String,
    /// The vendor's photo when there is one; `image` otherwise.
    pub photo: Option<PhotoView>,
    pub vendor_name: String,
    pub vendor_path: String,
    pub vendor_place: String,
    pub category_name: String,
    pub category_path: String,
}

impl ProductPage {
    pub fn new(detail: &ProductDetail, shopper: &Shopper) -> Self {
        let (product, vendor, category) = (&detail.product, &detail.vendor, &detail.category);
        let usage = if shopper.lite { PhotoUse::Lite } else { PhotoUse::Detail };
        ProductPage {
            layout: shopper.layout(format!("{} — Linked All", product.name)),
            photo: product.photo.as_ref().map(|photo| PhotoView::new(photo, usage)),
            id: product.id.get(),
            path: product.path(),
            available: product.stock.is_available(),
            name: product.name.clone(),
            description: product.description.clone(),
            price: shopper.price(product.price),
            stock: product.stock.label(),
            low_stock: !product.stock.is_available() || product.stock.is_low(),
            image: product.image.clone(),
            vendor_name: vendor.name.clone(),
            vendor_path: format!("/v/{}-{}", vendor.id, vendor.slug),
            vendor_place: format!("{}, {}", vendor.city, vendor.country),
            category_name: category.name.clone(),
            category_path: format!("/c/{}", category.slug),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub status: u16,
    pub heading: String,
    pub message: String,
    pub hint: String,
}

impl ErrorPage {
    pub fn not_found(message: &str, country: Option<&str>) -> Self {
        ErrorPage {
            layout: Layout::new("Not found — Linked All", country),
            status: 404,
            heading: "We could not find that page".into(),
            message: message.to_owned(),
            hint: "Check the address, or search the shop below.".into(),
        }
    }

    /// A request the shopper can correct (the origin refused it as malformed).
    pub fn bad_request(message: &str, country: Option<&str>) -> Self {
        ErrorPage {
            layout: Layout::new("Please check your request — Linked All", country),
            status: 400,
            heading: "We could not understand that request".into(),
            message: message.to_owned(),
            hint: "Check the address or your search words, then try again.".into(),
        }
    }

    /// The origin refused what a signed-in shopper asked (out of stock, not theirs, …), in
    /// the origin's own words.
    pub fn refused(status: u16, message: &str, country: Option<&str>) -> Self {
        ErrorPage {
            layout: Layout::new("We could not do that — Linked All", country),
            status,
            heading: "We could not do that".into(),
            message: message.to_owned(),
            hint: "Nothing was charged.".into(),
        }
    }

    pub fn origin_unavailable(status: u16, country: Option<&str>) -> Self {
        ErrorPage {
            layout: Layout::new("Briefly unavailable — Linked All", country),
            status,
            heading: "We cannot reach the shop right now".into(),
            message: "The marketplace is briefly unavailable. Nothing you did caused this.".into(),
            hint: "Please try again in a few seconds.".into(),
        }
    }
}
