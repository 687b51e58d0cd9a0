//! What the marketplace sells and who sells it.

use serde::{Deserialize, Serialize};

use crate::{CategoryId, Money, Photo, ProductId, Rating, ShippingZone, VendorId};

/// Units of a product a vendor has on hand and not yet promised to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Stock(pub u32);

impl Stock {
    /// At or below this many units a product shows "only N left".
    pub const LOW: u32 = 5;

    pub const fn units(self) -> u32 {
        self.0
    }

    pub const fn is_available(self) -> bool {
        self.0 > 0
    }

    pub const fn is_low(self) -> bool {
        self.0 > 0 && self.0 <= Self::LOW
    }

    /// What a shopper reads about it. Pages show this, not the count, so a sale changes a
    /// cached page only when it changes this text (and only then is the page purged).
    pub fn label(self) -> String {
        match self.0 {
            0 => "Out of stock".into(),
            1..=Self::LOW => format!("Only {} left", self.0),
            _ => "In stock".into(),
        }
    }

    /// Whether going from `self` to `other` units changes what shoppers read.
    pub fn label_changes_to(self, other: Stock) -> bool {
        let shown = |units: u32| if units > Self::LOW { Self::LOW + 1 } else { units };
        shown(self.0) != shown(other.0)
    }
}

/// A shop on the marketplace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vendor {
    pub id: VendorId,
    pub name: String,
    pub slug: String,
    /// City the vendor ships from, e.g. "Lagos".
    pub city: String,
    /// ISO 3166-1 alpha-2 country code, e.g. "NG".
    pub country: String,
    pub description: String,
    /// Where the vendor delivers.
    pub ships_to: ShippingZone,
}

/// A catalog category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: CategoryId,
    pub slug: String,
    pub name: String,
    pub description: String,
}

/// A product with everything its own page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: ProductId,
    pub vendor_id: VendorId,
    pub category_id: CategoryId,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub price: Money,
    pub stock: Stock,
    /// Path of the product's picture on the origin, e.g. `/images/products/42.svg`.
    pub image: String,
    /// The vendor's photo, once one is uploaded; pages prefer it to `image`.
    pub photo: Option<Photo>,
    /// What shoppers who received it rated it.
    pub rating: Rating,
}

impl Product {
    /// The canonical shopper-facing path: `/p/{id}-{slug}`.
    pub fn path(&self) -> String {
        product_path(self.id, &self.slug)
    }
}

/// What a listing (home, category, search, storefront) shows of a product: enough for a card,
/// without the long description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductCard {
    pub id: ProductId,
    pub name: String,
    pub slug: String,
    pub price: Money,
    pub stock: Stock,
    pub image: String,
    pub photo: Option<Photo>,
    pub vendor_id: VendorId,
    pub vendor_name: String,
    pub vendor_city: String,
    pub category_id: CategoryId,
    /// What shoppers who received it rated it.
    pub rating: Rating,
}

impl ProductCard {
    pub fn path(&self) -> String {
        product_path(self.id, &self.slug)
    }
}

fn product_path(id: ProductId, slug: &str) -> String {
    format!("/p/{id}-{slug}")
}

#[cfg(test)]
mod tests {
    use super::Stock;

    #[test]
    fn only_sales_that_change_the_label_change_the_page() {
        assert_eq!(Stock(0).label(), "Out of stock");
        assert_eq!(Stock(3).label(), "Only 3 left");
        assert_eq!(Stock(40).label(), "In stock");
        assert!(!Stock(40).label_changes_to(Stock(6)));
        assert!(Stock(6).label_changes_to(Stock(5)));
        assert!(Stock(5).label_changes_to(Stock(4)));
        assert!(Stock(1).label_changes_to(Stock(0)));
        assert!(Stock(0).label_changes_to(Stock(9)));
        assert!(!Stock(3).label_changes_to(Stock(3)));
    }
}
