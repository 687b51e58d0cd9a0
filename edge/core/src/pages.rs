//! The HTML pages, as askama templates over small view models. Templates live in
//! `edge/core/templates/`; every page extends `base.html` (header, search box, the shopper's
//! country, the content-hashed stylesheet).

use askama::Template;
use linkedall_shared::{
    Browse, BrowseError, Category, Currency, FxRates, HomeFeed, Language, Money, Photo, Preset, ProductCard,
    ProductDetail, SearchResults, ShownPrice, Sort, VendorStorefront,
};

use crate::amounts;
use crate::assets;
use crate::browse_words::BrowseWords;
use crate::browsing::{self, Pager, RefineForm};
use crate::category_names;
use crate::gallery_words::GalleryWords;
use crate::locale::{LANGUAGE_PARAM, Locale};
use crate::placeholder;
use crate::ratings::{self, RatingView, ReviewView};
use crate::review_words::ReviewWords;
use crate::words::{Words, fill};

/// What every page shows around its content.
pub struct Layout {
    pub title: String,
    pub stylesheet: String,
    /// The logo, also the favicon: a few hundred bytes of SVG, content-hashed like the CSS.
    pub icon: String,
    /// The real-user timing beacon ([`crate::rum`]), loaded `defer` on every page.
    pub rum_script: String,
    /// The currency of the shopper's market (from their country; US dollars when unknown or
    /// outside Africa): prices are also shown in it. The page shows no more of the country,
    /// so it is cached per currency, not per country.
    pub currency: Currency,
    /// "Prices in KES", in the page's language.
    pub prices_in: String,
    pub query: String,
    /// A lite page (`Save-Data`, a 2G connection or `?lite=1`): small images only.
    pub lite: bool,
    /// The page's language: `<html lang>`, its direction, and the shop's words in it.
    pub lang: &'static str,
    pub dir: &'static str,
    pub words: &'static Words,
    /// The language menu: every other language, by its own name.
    pub languages: Vec<LanguageChoice>,
    /// `<meta name="description">`: what a search engine shows under the page's title.
    pub description: String,
    /// `<link rel="canonical">`: the page's one path (no tracking or language parameters),
    /// made absolute per answer by [`crate::site::absolute_canonical`].
    pub canonical: Option<String>,
    /// `<meta name="robots" content="noindex">`: error pages are not for search results.
    pub noindex: bool,
}

/// One entry of the language menu.
pub struct LanguageChoice {
    pub tag: &'static str,
    pub name: &'static str,
    pub href: String,
}

impl Layout {
    /// A page in English (the signed-in shop pages are written in English only so far), with
    /// no language menu: it would offer what these pages cannot do yet.
    pub fn new(title: impl Into<String>, country: Option<&str>) -> Layout {
        let locale = Locale { language: Language::En, ..Locale::of_country(country) };
        Layout { languages: Vec::new(), ..Layout::for_locale(title, &locale) }
    }

    /// An error page for `locale`: kept out of search results.
    pub fn for_error(title: impl Into<String>, locale: &Locale) -> Layout {
        Layout { noindex: true, ..Layout::for_locale(title, locale) }
    }

    /// A page for `locale`: its currency, language and lite mode.
    pub fn for_locale(title: impl Into<String>, locale: &Locale) -> Layout {
        let words = Words::of(locale.language);
        let currency = locale.currency();
        Layout {
            title: title.into(),
            stylesheet: assets::url("app.css"),
            icon: assets::url("logo.svg"),
            rum_script: assets::url("rum.js"),
            currency,
            prices_in: fill(words.prices_in, currency),
            query: String::new(),
            lite: locale.lite,
            description: words.home_description.to_owned(),
            canonical: None,
            noindex: false,
            lang: locale.language.tag(),
            dir: if locale.language.is_right_to_left() { "rtl" } else { "ltr" },
            words,
            languages: Language::ALL
                .into_iter()
                .filter(|language| *language != locale.language)
                .map(|language| LanguageChoice {
                    tag: language.tag(),
                    name: language.name(),
                    href: format!("?{LANGUAGE_PARAM}={}", language.tag()),
                })
                .collect(),
        }
    }
}

/// What about the shopper changes a catalog page: the currency prices are also shown in (with
/// the rates to convert with), the language and lite mode. The cache key holds the same.
pub struct Shopper<'a> {
    pub locale: &'a Locale,
    pub currency: Currency,
    pub rates: Option<&'a FxRates>,
    pub lite: bool,
    pub words: &'static Words,
}

impl<'a> Shopper<'a> {
    pub fn new(locale: &'a Locale, rates: Option<&'a FxRates>) -> Shopper<'a> {
        Shopper {
            locale,
            currency: locale.currency(),
            rates,
            lite: locale.lite,
            words: Words::of(locale.language),
        }
    }

    /// The layout of a page whose one address is `canonical`, described by `description`
    /// (trimmed to what search engines show).
    fn layout(&self, title: impl Into<String>, canonical: Option<String>, description: &str) -> Layout {
        let mut layout = Layout::for_locale(title, self.locale);
        layout.canonical = canonical;
        if !description.trim().is_empty() {
            layout.description = summary(description);
        }
        layout
    }

    /// The shopper's price first (in their currency, at today's rate), the seller's own second
    /// when it differs.
    fn price(&self, price: Money) -> PriceView {
        let shown = ShownPrice::new(price, self.currency, self.rates);
        let language = self.locale.language;
        match shown.converted {
            Some(converted) => PriceView {
                amount: amounts::amount(converted, language),
                seller: Some(fill(self.words.seller_price, amounts::amount(shown.price, language))),
                converted_note: self.words.converted_note,
            },
            None => PriceView {
                amount: amounts::amount(shown.price, language),
                seller: None,
                converted_note: self.words.converted_note,
            },
        }
    }

    fn category(&self, category: &Category) -> Category {
        category_names::translated(category, self.locale.language)
    }
}

/// At most 160 characters of `text`, cut at a word, for a meta description.
fn summary(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= 160 {
        return text;
    }
    let cut: String = text.chars().take(157).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

/// A phrase with a name or search inside it (`Results for “{}”`), split around the name so the
/// template can isolate it in `<bdi>`: a Latin name inside Arabic text keeps its own direction,
/// and the punctuation around it stays where the sentence puts it.
pub struct Phrase {
    pub before: String,
    pub value: String,
    pub after: String,
}

impl Phrase {
    pub fn new(phrase: &str, value: impl Into<String>) -> Phrase {
        let (before, after) = phrase.split_once("{}").unwrap_or((phrase, ""));
        Phrase { before: before.to_owned(), value: value.into(), after: after.to_owned() }
    }
}

impl std::fmt::Display for Phrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}{}", self.before, self.value, self.after)
    }
}

/// A price as a page shows it: the vendor's (what is paid) and, marked as converted, the
/// same in the shopper's currency.
pub struct PriceView {
    /// In the shopper's currency when a rate is known, otherwise the seller's.
    pub amount: String,
    /// "KSh 2,500.00 from the seller", when `amount` was converted.
    pub seller: Option<String>,
    /// "converted at today's rate, locked when you order", in the page's language.
    pub converted_note: &'static str,
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
    /// Its stars and number of reviews, once it has some.
    pub rating: Option<RatingView>,
}

impl CardView {
    fn new(card: &ProductCard, shopper: &Shopper) -> Self {
        let usage = if shopper.lite { PhotoUse::Lite } else { PhotoUse::Card };
        CardView {
            photo: card.photo.as_ref().map(|photo| PhotoView::new(photo, usage)),
            path: card.path(),
            name: card.name.clone(),
            price: shopper.price(card.price),
            stock: shopper.words.stock(card.stock),
            low_stock: !card.stock.is_available() || card.stock.is_low(),
            image: card.image.clone(),
            vendor: format!("{} · {}", card.vendor_name, card.vendor_city),
            rating: RatingView::of(card.rating, shopper.locale.language),
        }
    }
}

fn cards(items: &[ProductCard], shopper: &Shopper) -> Vec<CardView> {
    items.iter().map(|card| CardView::new(card, shopper)).collect()
}

/// The cards of a shelf with the shopper's own market first: products priced in the shopper's
/// currency (shops in their country, or their currency zone) before those from abroad, each
/// group in the order the origin gave. Catalog pages are cached per currency, so every
/// shopper a cached page is served to shares that market.
fn local_first(items: &[ProductCard], shopper: &Shopper) -> Vec<CardView> {
    let (local, abroad): (Vec<&ProductCard>, Vec<&ProductCard>) =
        items.iter().partition(|card| card.price.currency == shopper.currency);
    local.into_iter().chain(abroad).map(|card| CardView::new(card, shopper)).collect()
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
            layout: shopper.layout(
                shopper.words.home_title,
                Some("/".into()),
                shopper.words.home_description,
            ),
            categories: feed.categories.iter().map(|c| shopper.category(c)).collect(),
            featured: local_first(&feed.featured, shopper),
        }
    }
}

#[derive(Template)]
#[template(path = "listing.html")]
pub struct ListingPage {
    pub layout: Layout,
    pub heading: Phrase,
    pub intro: String,
    /// "123 results" (search and category pages).
    pub count: Option<String>,
    /// The sort and filter form (search and category pages).
    pub refine: Option<RefineForm>,
    pub products: Vec<CardView>,
    pub previous_page: Option<String>,
    pub next_page: Option<String>,
    /// "Page 2" between the links.
    pub page_label: Option<String>,
    pub previous_label: &'static str,
    pub next_label: &'static str,
    pub empty_message: String,
}

impl ListingPage {
    /// A category's page of `results`, sorted and filtered as `browse` asks.
    pub fn category(results: &SearchResults, slug: &str, browse: &Browse, shopper: &Shopper) -> Self {
        let (heading, intro) = results
            .category
            .as_ref()
            .map(|c| shopper.category(c))
            .map_or_else(|| (slug.to_owned(), String::new()), |c| (c.name, c.description));
        let description = if intro.is_empty() { heading.clone() } else { intro.clone() };
        let path = format!("/c/{slug}");
        // Each page of the plain listing is its own canonical page (its products differ); a
        // sorted or filtered variant names the plain listing, so search engines keep one.
        let canonical = if browse.is_refined() {
            path.clone()
        } else {
            browsing::page_address(&path, browse, browse.page)
        };
        let words = BrowseWords::of(shopper.locale.language);
        let pager = Pager::new(&path, browse, results, shopper.locale.language);
        let products = match browse.sort() {
            // The origin's order is the shopper's choice; only the default listing puts local
            // products first.
            Sort::Newest if !browse.is_refined() => local_first(&results.items, shopper),
            _ => cards(&results.items, shopper),
        };
        ListingPage {
            layout: shopper.layout(format!("{heading} — Linked All"), Some(canonical), &description),
            heading: Phrase::new("{}", heading),
            intro,
            count: Some(browsing::count_text(results.count, shopper.locale.language)),
            refine: Some(RefineForm::new(&path, browse, &[], shopper.locale)),
            products,
            previous_page: pager.previous,
            next_page: pager.next,
            page_label: pager.label,
            previous_label: words.previous,
            next_label: words.next,
            empty_message: shopper.words.category_empty.into(),
        }
    }

    pub fn vendor(storefront: &VendorStorefront, shopper: &Shopper) -> Self {
        let vendor = &storefront.vendor;
        let intro = format!("{} ({}, {}).", vendor.description, vendor.city, vendor.country);
        ListingPage {
            layout: shopper.layout(
                format!("{} — Linked All", vendor.name),
                Some(format!("/v/{}-{}", vendor.id, vendor.slug)),
                &intro,
            ),
            heading: Phrase::new("{}", vendor.name.clone()),
            intro,
            count: None,
            refine: None,
            products: cards(&storefront.products, shopper),
            previous_page: None,
            next_page: storefront.next_cursor.map(|c| format!("/v/{}-{}?cursor={c}", vendor.id, vendor.slug)),
            page_label: None,
            previous_label: "",
            next_label: shopper.words.more_products,
            empty_message: shopper.words.vendor_empty.into(),
        }
    }

    /// The search page: the form alone without words, else a page of `results`.
    pub fn search(results: Option<&SearchResults>, browse: &Browse, shopper: &Shopper) -> Self {
        let words = shopper.words;
        let query = browse.words.as_str();
        let title = if query.is_empty() {
            format!("{} — Linked All", words.search_heading)
        } else {
            format!("“{query}” — Linked All")
        };
        let mut layout = shopper.layout(title, None, words.search_intro);
        layout.query = query.to_owned();
        let (heading, empty_message) = match results {
            None => (Phrase::new("{}", words.search_heading), words.search_intro.to_owned()),
            Some(_) => (Phrase::new(words.results_for, query), fill(words.nothing_matches, query)),
        };
        let language = shopper.locale.language;
        let browse_words = BrowseWords::of(language);
        let pager = results.map(|r| Pager::new("/search", browse, r, language));
        let categories: Vec<Category> =
            results.map(|r| r.categories.iter().map(|c| shopper.category(c)).collect()).unwrap_or_default();
        ListingPage {
            layout,
            heading,
            intro: String::new(),
            count: results.map(|r| browsing::count_text(r.count, language)),
            refine: results.map(|_| RefineForm::new("/search", browse, &categories, shopper.locale)),
            products: results.map(|r| cards(&r.items, shopper)).unwrap_or_default(),
            previous_page: pager.as_ref().and_then(|p| p.previous.clone()),
            next_page: pager.as_ref().and_then(|p| p.next.clone()),
            page_label: pager.and_then(|p| p.label),
            previous_label: browse_words.previous,
            next_label: browse_words.next,
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
    /// Around the form: which shop it is and where it delivers, for the edge to decide per
    /// shopper (see [`crate::delivery_reach`]).
    pub reach_open: String,
    pub reach_close: &'static str,
    pub name: String,
    pub description: String,
    pub price: PriceView,
    pub stock: String,
    pub low_stock: bool,
    pub image: String,
    /// The vendor's main photo when there is one; `image` otherwise.
    pub photo: Option<PhotoView>,
    /// The main photo's text alternative: the product's name, or "Photo 1 of 3 of …" in a
    /// gallery.
    pub photo_alt: String,
    /// The product's other photos, after the main one (none on lite pages): with them the
    /// photos are a gallery.
    pub gallery: Vec<GalleryPhoto>,
    /// A thumbnail of every photo, the main one first, each a link to its photo (`#photo-N`),
    /// when there is a gallery.
    pub thumbnails: Vec<GalleryPhoto>,
    pub gallery_says: &'static GalleryWords,
    pub vendor_name: String,
    pub vendor_path: String,
    /// ", ships from Nairobi, KE." in the page's language, the place isolated.
    pub ships_from: Phrase,
    /// Structured data for search engines (schema.org `Product`), as JSON safe inside
    /// `<script type="application/ld+json">`.
    pub structured_data: String,
    pub category_name: String,
    pub category_path: String,
    /// Its stars and number of reviews, once it has some.
    pub rating: Option<RatingView>,
    /// The newest reviews, with the vendor's answers.
    pub reviews: Vec<ReviewView>,
    pub says: &'static ReviewWords,
}

/// One photo of a product's gallery (or its thumbnail): where it is on the page
/// (`photo-2`), its image, and its text alternative ("Photo 2 of 3 of …").
pub struct GalleryPhoto {
    pub anchor: String,
    pub view: PhotoView,
    pub alt: String,
}

/// A product page's photos beyond the main one, and a thumbnail of each photo: a gallery when
/// the product has more than one photo and the page is not lite (which shows one small image).
fn gallery(detail: &ProductDetail, shopper: &Shopper) -> (Vec<GalleryPhoto>, Vec<GalleryPhoto>) {
    let photos = &detail.photos;
    if shopper.lite || photos.len() < 2 {
        return (Vec::new(), Vec::new());
    }
    let says = GalleryWords::of(shopper.locale.language);
    let shown = |at: usize, photo: &Photo, usage: PhotoUse| GalleryPhoto {
        anchor: format!("photo-{}", at + 1),
        view: PhotoView::new(photo, usage),
        alt: says.photo_of(at + 1, photos.len(), &detail.product.name),
    };
    let others =
        photos.iter().enumerate().skip(1).map(|(at, photo)| shown(at, photo, PhotoUse::Detail)).collect();
    let thumbnails = photos.iter().enumerate().map(|(at, photo)| shown(at, photo, PhotoUse::Lite)).collect();
    (others, thumbnails)
}

impl ProductPage {
    pub fn new(detail: &ProductDetail, shopper: &Shopper) -> Self {
        let (product, vendor, category) = (&detail.product, &detail.vendor, &detail.category);
        let usage = if shopper.lite { PhotoUse::Lite } else { PhotoUse::Detail };
        let category = shopper.category(category);
        let (gallery, thumbnails) = gallery(detail, shopper);
        let gallery_says = GalleryWords::of(shopper.locale.language);
        ProductPage {
            photo_alt: if gallery.is_empty() {
                product.name.clone()
            } else {
                gallery_says.photo_of(1, detail.photos.len(), &product.name)
            },
            gallery,
            thumbnails,
            gallery_says,
            structured_data: product_json_ld(product, &vendor.name, &detail.reviews),
            layout: shopper.layout(
                format!("{} — Linked All", product.name),
                Some(product.path()),
                &product.description,
            ),
            photo: product.photo.as_ref().map(|photo| PhotoView::new(photo, usage)),
            id: product.id.get(),
            path: product.path(),
            available: product.stock.is_available(),
            reach_open: crate::delivery_reach::open(
                &vendor.country,
                vendor.ships_to,
                shopper.locale.language,
            ),
            reach_close: crate::delivery_reach::CLOSE,
            name: product.name.clone(),
            description: product.description.clone(),
            price: shopper.price(product.price),
            stock: shopper.words.stock(product.stock),
            low_stock: !product.stock.is_available() || product.stock.is_low(),
            image: product.image.clone(),
            vendor_name: vendor.name.clone(),
            vendor_path: format!("/v/{}-{}", vendor.id, vendor.slug),
            ships_from: Phrase::new(shopper.words.ships_from, format!("{}, {}", vendor.city, vendor.country)),
            category_name: category.name.clone(),
            category_path: format!("/c/{}", category.slug),
            rating: RatingView::of(product.rating, shopper.locale.language),
            reviews: detail.reviews.iter().map(|r| ReviewView::new(r, shopper.locale.language)).collect(),
            says: ReviewWords::of(shopper.locale.language),
        }
    }
}

/// schema.org `Product` with its offer: name, image, description, price, currency and
/// availability, and its rating and newest reviews once it has some, as search engines read
/// them. `<` is escaped so no product or review text can close the script element.
fn product_json_ld(
    product: &linkedall_shared::Product,
    vendor: &str,
    reviews: &[linkedall_shared::Review],
) -> String {
    let exponent = product.price.currency.exponent();
    let scale = 10i64.pow(exponent);
    let (major, minor) = (product.price.minor / scale, product.price.minor.rem_euclid(scale));
    let price = if exponent > 0 {
        format!("{major}.{minor:0width$}", width = exponent as usize)
    } else {
        major.to_string()
    };
    // The vendor's original photo: search engines pick their own sizes.
    let image = product.photo.as_ref().map_or_else(|| product.image.clone(), |photo| photo.original_path());
    let availability = if !product.stock.is_available() {
        "https://schema.org/OutOfStock"
    } else if product.stock.is_low() {
        "https://schema.org/LimitedAvailability"
    } else {
        "https://schema.org/InStock"
    };
    let mut document = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "description": product.description,
        "image": [image],
        "sku": product.id.get().to_string(),
        "url": product.path(),
        "offers": {
            "@type": "Offer",
            "url": product.path(),
            "price": price,
            "priceCurrency": product.price.currency.code(),
            "availability": availability,
            "seller": {"@type": "Organization", "name": vendor},
        },
    });
    if let Some(members) = document.as_object_mut() {
        members.extend(
            ratings::structured_data(product.rating, reviews).into_iter().map(|(k, v)| (k.to_owned(), v)),
        );
    }
    document.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
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
    /// A search or category address whose sort or filters cannot be used: which, in the
    /// page's language.
    pub fn bad_filter(error: &BrowseError, locale: &Locale) -> Self {
        let words = Words::of(locale.language);
        tracing::info!(parameter = error.parameter(), %error, "bad filter");
        ErrorPage {
            layout: Layout::for_error(format!("{} — Linked All", words.bad_request_title), locale),
            status: 400,
            heading: words.bad_request_heading.into(),
            message: BrowseWords::of(locale.language).problem(error).into(),
            hint: words.bad_request_hint.into(),
        }
    }

    /// The shop's 404 page. `reason` says what was missing for the logs; the shopper reads
    /// a sentence in their language (the reason is developer text: "product 99999999").
    pub fn not_found(reason: &str, locale: &Locale) -> Self {
        let words = Words::of(locale.language);
        tracing::debug!(reason, "not found");
        ErrorPage {
            layout: Layout::for_error(format!("{} — Linked All", words.not_found_title), locale),
            status: 404,
            heading: words.not_found_heading.into(),
            message: words.not_found_message.into(),
            hint: words.not_found_hint.into(),
        }
    }

    /// A request the shopper can correct (the origin refused it as malformed).
    pub fn bad_request(reason: &str, locale: &Locale) -> Self {
        let words = Words::of(locale.language);
        tracing::info!(reason, "bad request");
        ErrorPage {
            layout: Layout::for_error(format!("{} — Linked All", words.bad_request_title), locale),
            status: 400,
            heading: words.bad_request_heading.into(),
            message: words.bad_request_message.into(),
            hint: words.bad_request_hint.into(),
        }
    }

    /// The origin refused what a signed-in shopper asked (out of stock, not theirs, …):
    /// `message` is already a sentence in the page's language.
    pub fn refused(status: u16, message: &str, locale: &Locale) -> Self {
        let words = Words::of(locale.language);
        ErrorPage {
            layout: Layout::for_error(format!("{} — Linked All", words.refused_heading), locale),
            status,
            heading: words.refused_heading.into(),
            message: message.to_owned(),
            hint: words.nothing_charged.into(),
        }
    }

    pub fn origin_unavailable(status: u16, locale: &Locale) -> Self {
        let words = Words::of(locale.language);
        ErrorPage {
            layout: Layout::for_error(format!("{} — Linked All", words.unavailable_title), locale),
            status,
            heading: words.unavailable_heading.into(),
            message: words.unavailable_message.into(),
            hint: words.unavailable_hint.into(),
        }
    }
}
