//! The documents the origin serves to the edge and to API clients, one per catalog page.

use serde::{Deserialize, Serialize};

use crate::{Category, Cursor, Photo, Product, ProductCard, Review, Vendor};

/// The home page: every category and a shelf of featured products.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeFeed {
    pub categories: Vec<Category>,
    pub featured: Vec<ProductCard>,
}

/// One page of products, optionally within a category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductList {
    /// The category the list was filtered by, if any.
    pub category: Option<Category>,
    pub items: Vec<ProductCard>,
    /// Pass this back as `cursor` for the following page; `None` on the last page.
    pub next_cursor: Option<Cursor>,
}

/// A product page: the product, who sells it, where it is filed, its newest reviews (at
/// most [`REVIEWS_ON_PRODUCT_PAGE`](crate::review::REVIEWS_ON_PRODUCT_PAGE)), and its photos.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub product: Product,
    pub vendor: Vendor,
    pub category: Category,
    pub reviews: Vec<Review>,
    /// Every photo of the product in the vendor's order, at most
    /// [`MAX_PHOTOS_PER_PRODUCT`](crate::media::MAX_PHOTOS_PER_PRODUCT); the first is
    /// `product.photo`, the main one. Empty when the product has none (and in JSON written
    /// before the gallery, which lacks the field).
    #[serde(default)]
    pub photos: Vec<Photo>,
}

/// A vendor's storefront: the vendor and a page of their products.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorStorefront {
    pub vendor: Vendor,
    pub products: Vec<ProductCard>,
    pub next_cursor: Option<Cursor>,
}

/// One page of a search or of a refined category listing (sorted, filtered), with how many
/// results there are and whether another page follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The words searched for; empty for a category listing.
    pub query: String,
    /// The category the results were filtered by, if any.
    pub category: Option<Category>,
    /// Every category, for the page's category filter.
    pub categories: Vec<Category>,
    pub items: Vec<ProductCard>,
    pub count: ResultCount,
    /// From 1.
    pub page: u32,
    pub has_next: bool,
}

/// How many results a request has: exactly, or "at least" when counting stopped at a bound
/// (the store counts at most a few thousand matches, so a common word costs what a rare one
/// does; a shopper narrows a "1,000+" result rather than reading it to the end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultCount {
    pub at_least: u32,
    /// `false`: there are more than `at_least`.
    pub exact: bool,
}
