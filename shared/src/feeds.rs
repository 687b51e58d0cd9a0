//! The documents the origin serves to the edge and to API clients, one per catalog page.

use serde::{Deserialize, Serialize};

use crate::{Category, Cursor, Product, ProductCard, Review, Vendor};

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

/// A product page: the product, who sells it, where it is filed, and its newest reviews (at
/// most [`REVIEWS_ON_PRODUCT_PAGE`](crate::review::REVIEWS_ON_PRODUCT_PAGE)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub product: Product,
    pub vendor: Vendor,
    pub category: Category,
    pub reviews: Vec<Review>,
}

/// A vendor's storefront: the vendor and a page of their products.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorStorefront {
    pub vendor: Vendor,
    pub products: Vec<ProductCard>,
    pub next_cursor: Option<Cursor>,
}

/// Ranked full-text search results, best match first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    pub query: String,
    pub items: Vec<ProductCard>,
}
