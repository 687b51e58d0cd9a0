//! The HTML pages, as askama templates over small view models. Templates live in
//! `edge/core/templates/`; every page extends `base.html` (header, search box, the shopper's
//! country, the content-hashed stylesheet).

use askama::Template;
use linkedall_shared::{
    Category, HomeFeed, ProductCard, ProductDetail, ProductList, SearchResults, VendorStorefront,
};

use crate::assets;

/// What every page shows around its content.
pub struct Layout {
    pub title: String,
    pub stylesheet: String,
    /// The logo, also the favicon: a few hundred bytes of SVG, content-hashed like the CSS.
    pub icon: String,
    /// ISO country code the shopper is in, when the host knows it.
    pub country: Option<String>,
    pub query: String,
}

impl Layout {
    pub fn new(title: impl Into<String>, country: Option<&str>) -> Layout {
        Layout {
            title: title.into(),
            stylesheet: assets::url("app.css"),
            icon: assets::url("logo.svg"),
            country: country.map(str::to_owned),
            query: String::new(),
        }
    }
}

/// A product as a listing shows it.
pub struct CardView {
    pub path: String,
    pub name: String,
    pub price: String,
    pub stock: String,
    pub low_stock: bool,
    pub image: String,
    pub vendor: String,
}

impl From<&ProductCard> for CardView {
    fn from(card: &ProductCard) -> Self {
        CardView {
            path: card.path(),
            name: card.name.clone(),
            price: card.price.to_string(),
            stock: card.stock.label(),
            low_stock: !card.stock.is_available() || card.stock.is_low(),
            image: card.image.clone(),
            vendor: format!("{} · {}", card.vendor_name, card.vendor_city),
        }
    }
}

fn cards(items: &[ProductCard]) -> Vec<CardView> {
    items.iter().map(CardView::from).collect()
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub layout: Layout,
    pub categories: Vec<Category>,
    pub featured: Vec<CardView>,
}

impl HomePage {
    pub fn new(feed: &HomeFeed, country: Option<&str>) -> Self {
        HomePage {
            layout: Layout::new("Linked All — shop Africa's marketplace", country),
            categories: feed.categories.clone(),
            featured: cards(&feed.featured),
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
    pub fn category(list: &ProductList, slug: &str, country: Option<&str>) -> Self {
        let (heading, intro) = list
            .category
            .as_ref()
            .map_or((slug.to_owned(), String::new()), |c| (c.name.clone(), c.description.clone()));
        ListingPage {
            layout: Layout::new(format!("{heading} — Linked All"), country),
            heading,
            intro,
            products: cards(&list.items),
            next_page: list.next_cursor.map(|c| format!("/c/{slug}?cursor={c}")),
            empty_message: "Nothing here yet — vendors are stocking up.".into(),
        }
    }

    pub fn vendor(storefront: &VendorStorefront, country: Option<&str>) -> Self {
        let vendor = &storefront.vendor;
        ListingPage {
            layout: Layout::new(format!("{} — Linked All", vendor.name), country),
            heading: vendor.name.clone(),
            intro: format!("{} ({}, {}).", vendor.description, vendor.city, vendor.country),
            products: cards(&storefront.products),
            next_page: storefront.next_cursor.map(|c| format!("/v/{}-{}?cursor={c}", vendor.id, vendor.slug)),
            empty_message: "This shop has no products on sale right now.".into(),
        }
    }

    pub fn search(results: Option<&SearchResults>, query: &str, country: Option<&str>) -> Self {
        let mut layout = Layout::new(
            if query.is_empty() {
                "Search — Linked All".to_owned()
            } else {
                format!("“{query}” — Linked All")
            },
            country,
        );
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
            products: results.map(|r| cards(&r.items)).unwrap_or_default(),
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
    pub price: String,
    pub stock: String,
    pub low_stock: bool,
    pub image: String,
    pub vendor_name: String,
    pub vendor_path: String,
    pub vendor_place: String,
    pub category_name: String,
    pub category_path: String,
}

impl ProductPage {
    pub fn new(detail: &ProductDetail, country: Option<&str>) -> Self {
        let (product, vendor, category) = (&detail.product, &detail.vendor, &detail.category);
        ProductPage {
            layout: Layout::new(format!("{} — Linked All", product.name), country),
            id: product.id.get(),
            path: product.path(),
            available: product.stock.is_available(),
            name: product.name.clone(),
            description: product.description.clone(),
            price: product.price.to_string(),
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
