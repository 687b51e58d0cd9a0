//! Rows as both databases return them, and their conversion into domain types.
//!
//! The column lists are the same for PostgreSQL and SQLite, so one set of row structs serves
//! both backends.

use linkedall_shared::{
    Address, Category, CategoryId, Currency, Money, Photo, Product, ProductCard, ProductId, Rating,
    ShippingZone, Stock, Vendor, VendorId,
};

use crate::error::{Error, Result};
use crate::product_photos::photo_of_columns;

/// Columns of a product card; `p` is products, `v` its vendor.
pub(crate) const CARD_COLUMNS: &str = "p.id, p.name, p.slug, p.currency, p.price_minor, p.stock, \
     p.vendor_id, v.name AS vendor_name, v.city AS vendor_city, p.category_id, \
     ph.hash AS photo_hash, ph.format AS photo_format, ph.width AS photo_width, \
     ph.height AS photo_height, ph.thumbhash AS photo_thumbhash, p.rating_count, p.rating_sum";

/// Joins each product (`p`) with its main photo, if any (`ph`: the first of its photos), for
/// [`CARD_COLUMNS`].
pub(crate) const PHOTO_JOIN: &str =
    "LEFT JOIN product_gallery ph ON ph.product_id = p.id AND ph.position = 0";

#[derive(sqlx::FromRow)]
pub struct CategoryRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
}

impl From<CategoryRow> for Category {
    fn from(row: CategoryRow) -> Self {
        Category { id: CategoryId::new(row.id), slug: row.slug, name: row.name, description: row.description }
    }
}

/// The address columns of an `order_deliveries` row.
#[derive(sqlx::FromRow)]
pub struct AddressRow {
    pub name: String,
    pub phone: String,
    pub country: String,
    pub city: String,
    pub area: String,
    pub directions: String,
}

impl From<AddressRow> for Address {
    fn from(row: AddressRow) -> Self {
        Address {
            name: row.name,
            phone: row.phone,
            country: row.country,
            city: row.city,
            area: row.area,
            directions: row.directions,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct VendorRow {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub city: String,
    pub country: String,
    pub description: String,
    pub ships_to: String,
}

impl From<VendorRow> for Vendor {
    fn from(row: VendorRow) -> Self {
        Vendor {
            id: VendorId::new(row.id),
            name: row.name,
            slug: row.slug,
            city: row.city,
            country: row.country,
            description: row.description,
            // The column's CHECK admits only the zones' names.
            ships_to: ShippingZone::parse(&row.ships_to).unwrap_or_default(),
        }
    }
}

/// A product joined with its vendor's name and city, as listings show it.
/// A product row's main photo columns, from its LEFT JOIN with `product_gallery` (all null
/// when the product has no photo).
#[derive(sqlx::FromRow)]
pub struct PhotoJoin {
    pub photo_hash: Option<String>,
    pub photo_format: Option<String>,
    pub photo_width: Option<i32>,
    pub photo_height: Option<i32>,
    pub photo_thumbhash: Option<String>,
}

impl PhotoJoin {
    fn into_photo(self, product: ProductId) -> Result<Option<Photo>> {
        photo_of_columns(
            product,
            self.photo_hash,
            self.photo_format,
            self.photo_width,
            self.photo_height,
            self.photo_thumbhash,
        )
    }
}

#[derive(sqlx::FromRow)]
pub struct CardRow {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub currency: String,
    pub price_minor: i64,
    pub stock: i32,
    pub vendor_id: i64,
    pub vendor_name: String,
    pub vendor_city: String,
    pub category_id: i64,
    #[sqlx(flatten)]
    pub photo: PhotoJoin,
    #[sqlx(flatten)]
    pub rating: RatingColumns,
}

impl TryFrom<CardRow> for ProductCard {
    type Error = Error;

    fn try_from(row: CardRow) -> Result<Self> {
        let id = ProductId::new(row.id);
        Ok(ProductCard {
            id,
            name: row.name,
            slug: row.slug,
            price: money(&row.currency, row.price_minor, id)?,
            stock: stock(row.stock),
            image: image_path(id),
            photo: row.photo.into_photo(id)?,
            vendor_id: VendorId::new(row.vendor_id),
            vendor_name: row.vendor_name,
            vendor_city: row.vendor_city,
            category_id: CategoryId::new(row.category_id),
            rating: row.rating.into(),
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct ProductRow {
    pub id: i64,
    pub vendor_id: i64,
    pub category_id: i64,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub currency: String,
    pub price_minor: i64,
    pub stock: i32,
    #[sqlx(flatten)]
    pub photo: PhotoJoin,
    #[sqlx(flatten)]
    pub rating: RatingColumns,
}

impl TryFrom<ProductRow> for Product {
    type Error = Error;

    fn try_from(row: ProductRow) -> Result<Self> {
        let id = ProductId::new(row.id);
        Ok(Product {
            id,
            vendor_id: VendorId::new(row.vendor_id),
            category_id: CategoryId::new(row.category_id),
            name: row.name,
            slug: row.slug,
            description: row.description,
            price: money(&row.currency, row.price_minor, id)?,
            stock: stock(row.stock),
            image: image_path(id),
            photo: row.photo.into_photo(id)?,
            rating: row.rating.into(),
        })
    }
}

/// A product's `rating_count` and `rating_sum` (kept by `reviews.rs`).
#[derive(sqlx::FromRow)]
pub struct RatingColumns {
    pub rating_count: i64,
    pub rating_sum: i64,
}

impl From<RatingColumns> for Rating {
    fn from(columns: RatingColumns) -> Self {
        // The columns have CHECK (>= 0); clamp rather than wrap if that were ever violated.
        let clamp = |n: i64| u32::try_from(n).unwrap_or(if n < 0 { 0 } else { u32::MAX });
        Rating { count: clamp(columns.rating_count), sum: clamp(columns.rating_sum) }
    }
}

/// Where a product's picture is served: see `routes::images`.
pub fn image_path(id: ProductId) -> String {
    format!("/images/products/{id}.svg")
}

fn money(currency: &str, minor: i64, product: ProductId) -> Result<Money> {
    let currency: Currency = currency
        .parse()
        .map_err(|_| Error::Corrupt(format!("product {product} has unknown currency {currency:?}")))?;
    Ok(Money::new(currency, minor))
}

/// Money read from an order, cart or payment row.
pub fn amount(currency: &str, minor: i64) -> Result<Money> {
    let currency: Currency = currency
        .parse()
        .map_err(|_| Error::Corrupt(format!("unknown currency {currency:?} in a stored amount")))?;
    Ok(Money::new(currency, minor))
}

fn stock(units: i32) -> Stock {
    // The column has CHECK (stock >= 0); clamp rather than wrap if that were ever violated.
    Stock(u32::try_from(units).unwrap_or(0))
}

pub fn cards(rows: Vec<CardRow>) -> Result<Vec<ProductCard>> {
    rows.into_iter().map(ProductCard::try_from).collect()
}
