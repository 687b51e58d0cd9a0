//! Vendors managing their own products: create, and change name, description, price or
//! stock, each change announced in the outbox (`product.created`, `product.updated`,
//! `product.price_changed`, `product.out_of_stock`).

use linkedall_events_schema::Event;
use linkedall_events_schema::payloads::{
    Amount, OutOfStock, PriceChanged, ProductCreated, ProductUpdated, StockAlert,
};
use linkedall_shared::{CategoryId, Market, ProductDetail, ProductId, VendorId, slugify};
use serde::Deserialize;

use super::Store;
use crate::cause::Cause;
use crate::error::{Error, Result};
use crate::on_conn;
use crate::purges;
use crate::timing::QueryTimer;
use crate::write_tx::WriteTx;

/// A product as a vendor lists it. The currency is the vendor's market's, never the client's.
#[derive(Debug, Clone, Deserialize)]
pub struct NewProduct {
    pub category_id: i64,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub price_minor: i64,
    pub stock: i32,
}

/// What a vendor changes; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProductChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub price_minor: Option<i64>,
    pub stock: Option<i32>,
}

fn check(name: Option<&str>, price_minor: Option<i64>, stock: Option<i32>) -> Result<()> {
    if name.is_some_and(|n| n.trim().is_empty() || n.chars().count() > 200) {
        return Err(Error::InvalidParameter { name: "name", message: "expected 1 to 200 characters".into() });
    }
    if price_minor.is_some_and(|p| p < 0) {
        return Err(Error::InvalidParameter { name: "price_minor", message: "expected zero or more".into() });
    }
    if stock.is_some_and(|s| !(0..=1_000_000).contains(&s)) {
        return Err(Error::InvalidParameter { name: "stock", message: "expected 0 to 1000000 units".into() });
    }
    Ok(())
}

/// Refuses a price outside `0..=currency.max_price_minor()` (shared with the edge), so that no
/// cart or order holding the product can overflow its total.
pub(crate) fn check_price(currency: linkedall_shared::Currency, price_minor: i64) -> Result<()> {
    linkedall_shared::Money::price(currency, price_minor).map(|_| ()).map_err(|refused| {
        metrics::counter!("product_writes_refused_total", "reason" => "price_out_of_range").increment(1);
        tracing::info!(price_minor, %currency, "price out of range refused");
        Error::InvalidParameter { name: "price_minor", message: refused.to_string() }
    })
}

/// Lists `product` in `vendor`'s shop, priced in the vendor's market's currency.
async fn create(store: &Store, vendor: VendorId, product: &NewProduct) -> Result<ProductId> {
    let _t = QueryTimer::start(store.dialect().as_str(), "create_product");
    let db = || Error::db("creating a product");
    let mut tx = WriteTx::begin(store).await?;
    let country: String = on_conn!(&mut tx, conn => sqlx::query_scalar("SELECT country FROM vendors WHERE id = $1")
        .bind(vendor.get())
        .fetch_one(&mut *conn)
        .await
        .map_err(db())?);
    let category: Option<i64> = on_conn!(&mut tx, conn => sqlx::query_scalar("SELECT id FROM categories WHERE id = $1")
        .bind(product.category_id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db())?);
    if category.is_none() {
        return Err(Error::NotFound { what: format!("category {}", product.category_id) });
    }
    let currency = Market::of_country(&country).currency;
    check_price(currency, product.price_minor)?;
    let id: i64 = on_conn!(&mut tx, conn => sqlx::query_scalar(
        "INSERT INTO products (vendor_id, category_id, name, slug, description, currency, price_minor, stock) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(vendor.get())
    .bind(product.category_id)
    .bind(product.name.trim())
    .bind(slugify(&product.name))
    .bind(&product.description)
    .bind(currency.code())
    .bind(product.price_minor)
    .bind(product.stock)
    .fetch_one(&mut *conn)
    .await
    .map_err(db())?);
    let payload = ProductCreated {
        product_id: id,
        vendor_id: vendor.get(),
        category_id: product.category_id,
        name: product.name.trim().to_owned(),
        price: Amount { currency: currency.code().to_owned(), minor: product.price_minor },
        stock: i64::from(product.stock),
    };
    tx.emit(&Event::about_product(id, &payload)?, &Cause::current()).await?;
    tx.record_purges(&purges::product_listed(CategoryId::new(product.category_id), vendor)).await?;
    tx.commit().await?;
    Ok(ProductId::new(id))
}

/// Applies `changes` to `vendor`'s product `id` (404 no such product, 403 another vendor's),
/// announcing the update and, when they happen, the new price and the sell-out.
async fn update(store: &Store, vendor: VendorId, id: ProductId, changes: &ProductChanges) -> Result<()> {
    let dialect = store.dialect();
    let _t = QueryTimer::start(dialect.as_str(), "update_product");
    let db = || Error::db("updating a product");
    let mut tx = WriteTx::begin(store).await?;
    let row: Option<(i64, i64, i32, String)> = on_conn!(&mut tx, conn => sqlx::query_as(
        "SELECT vendor_id, price_minor, stock, currency FROM products WHERE id = $1",
    )
    .bind(id.get())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db())?);
    let Some((owner, old_price, old_stock, currency)) = row else {
        return Err(Error::NotFound { what: format!("product {id}") });
    };
    if owner != vendor.get() {
        return Err(Error::Forbidden(format!("product {id} belongs to another vendor")));
    }
    if let Some(price) = changes.price_minor {
        check_price(currency.parse()?, price)?;
    }
    let change = format!(
        "UPDATE products SET name = COALESCE($2, name), slug = COALESCE($3, slug), \
         description = COALESCE($4, description), price_minor = COALESCE($5, price_minor), \
         stock = COALESCE($6, stock), updated_at = {} WHERE id = $1 RETURNING price_minor, stock",
        dialect.now()
    );
    let (price, stock): (i64, i32) = on_conn!(&mut tx, conn => sqlx::query_as(&change)
        .bind(id.get())
        .bind(changes.name.as_deref().map(str::trim))
        .bind(changes.name.as_deref().map(slugify))
        .bind(changes.description.as_deref())
        .bind(changes.price_minor)
        .bind(changes.stock)
        .fetch_one(&mut *conn)
        .await
        .map_err(db())?);
    let change = ProductChange {
        vendor,
        id,
        name: changes.name.clone(),
        description_changed: changes.description.is_some(),
        currency,
        price: (old_price, price),
        stock: (old_stock, stock),
    };
    announce(&mut tx, change, &Cause::current()).await?;
    tx.commit().await
}

/// One product changed by its vendor: the values before and after.
pub(crate) struct ProductChange {
    pub vendor: VendorId,
    pub id: ProductId,
    pub name: Option<String>,
    pub description_changed: bool,
    pub currency: String,
    /// Before and after, in minor units.
    pub price: (i64, i64),
    /// Before and after, in units.
    pub stock: (i32, i32),
}

/// Tells every reader of a product change, in its transaction: `product.updated`, with
/// `price.changed` when the price moved and `stock.out` when the last unit went, and the purge
/// of the pages that show the product.
pub(crate) async fn announce(tx: &mut WriteTx, change: ProductChange, cause: &Cause) -> Result<()> {
    let ProductChange { vendor, id, name, description_changed, currency, price, stock } = change;
    let payload = ProductUpdated {
        product_id: id.get(),
        vendor_id: vendor.get(),
        name,
        description_changed,
        price_minor: price.1,
        stock: i64::from(stock.1),
        photo_change: None,
    };
    tx.emit(&Event::about_product(id.get(), &payload)?, cause).await?;
    if price.0 != price.1 {
        let payload = PriceChanged { product_id: id.get(), currency, old_minor: price.0, new_minor: price.1 };
        tx.emit(&Event::about_product(id.get(), &payload)?, cause).await?;
    }
    if stock.1 == 0 && stock.0 > 0 {
        let payload =
            OutOfStock(StockAlert { product_id: id.get(), vendor_id: vendor.get(), stock: Some(0) });
        tx.emit(&Event::about_product(id.get(), &payload)?, cause).await?;
    }
    // Every field a vendor changes is shown on some page that carries the product's tag.
    tx.record_purges(&purges::product_changed(id)).await
}

impl Store {
    /// Lists a new product in `vendor`'s shop.
    pub async fn create_product(&self, vendor: VendorId, product: &NewProduct) -> Result<ProductDetail> {
        check(Some(&product.name), Some(product.price_minor), Some(product.stock))?;
        let id = create(self, vendor, product).await?;
        self.own_product(id)
            .await?
            .ok_or_else(|| Error::Corrupt(format!("product {id} vanished after creation")))
    }

    /// Changes `vendor`'s product `id`: 404 when there is no such product, 403 when it is
    /// another vendor's.
    pub async fn update_product(
        &self,
        vendor: VendorId,
        id: ProductId,
        changes: &ProductChanges,
    ) -> Result<ProductDetail> {
        check(changes.name.as_deref(), changes.price_minor, changes.stock)?;
        update(self, vendor, id, changes).await?;
        self.own_product(id).await?.ok_or_else(|| Error::NotFound { what: format!("product {id}") })
    }
}
