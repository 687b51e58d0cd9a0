//! The catalog as shoppers browse it (tables `categories`, `products`, `vendors` and
//! `product_gallery`): the home feed, category and vendor listings, a product's page. Every
//! statement is written once for both backends and runs on the pool; search, which differs
//! between them as a whole, is `search.rs`. A suspended shop's products are in none of these
//! (see `vendor_suspensions.rs`); only its own vendor still reads them.

use linkedall_shared::review::REVIEWS_ON_PRODUCT_PAGE;
use linkedall_shared::{
    Category, CategoryId, Cursor, HomeFeed, Limit, ProductCard, ProductDetail, ProductId, Vendor, VendorId,
    VendorStorefront,
};

use crate::Store;
use crate::conn::on_pool;
use crate::error::{Error, Result};
use crate::rows::{CARD_COLUMNS, CardRow, CategoryRow, PHOTO_JOIN, ProductRow, VendorRow, cards};
use crate::timing::QueryTimer;
use crate::vendor_suspensions::LISTED;

/// How many featured products the home page shows.
pub const FEATURED_ON_HOME: u32 = 12;

const CATEGORY_COLUMNS: &str = "id, slug, name, description";
const VENDOR_COLUMNS: &str = "id, name, slug, city, country, description, ships_to";

/// Who reads a product or a shop: shoppers see only shops in good standing; a vendor sees
/// their own shop whatever its standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    Shoppers,
    ItsVendor,
}

impl Audience {
    fn condition(self) -> String {
        match self {
            Audience::Shoppers => format!(" AND {LISTED}"),
            Audience::ItsVendor => String::new(),
        }
    }
}

/// Pairs of (items, next cursor): a listing fetched with one row more than asked for, so we
/// know whether another page follows without counting.
fn into_page(mut items: Vec<ProductCard>, limit: Limit) -> (Vec<ProductCard>, Option<Cursor>) {
    let limit = limit.get() as usize;
    if items.len() > limit {
        items.truncate(limit);
        let next = items.last().map(|card| Cursor::after(card.id));
        (items, next)
    } else {
        (items, None)
    }
}

/// The row after `cursor`, and one more than `limit` rows, for [`into_page`].
fn page_bounds(cursor: Option<Cursor>, limit: Limit) -> (i64, i64) {
    (cursor.map_or(0, |c| c.last_product().get()), i64::from(limit.get()) + 1)
}

impl Store {
    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> Result<()> {
        let _t = QueryTimer::start(self.dialect().as_str(), "ping");
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(drop).map_err(Error::db("ping")))?;
        Ok(())
    }

    pub async fn product_count(&self) -> Result<i64> {
        let _t = QueryTimer::start(self.dialect().as_str(), "product_count");
        on_pool!(self, pool => sqlx::query_scalar("SELECT count(*) FROM products")
            .fetch_one(pool)
            .await
            .map_err(Error::db("counting products")))
    }

    pub async fn categories(&self) -> Result<Vec<Category>> {
        let _t = QueryTimer::start(self.dialect().as_str(), "categories");
        let sql = format!("SELECT {CATEGORY_COLUMNS} FROM categories ORDER BY position, id");
        let rows: Vec<CategoryRow> = on_pool!(self, pool => sqlx::query_as(&sql)
            .fetch_all(pool)
            .await
            .map_err(Error::db("listing categories")))?;
        Ok(rows.into_iter().map(Category::from).collect())
    }

    pub async fn category_by_slug(&self, slug: &str) -> Result<Option<Category>> {
        let _t = QueryTimer::start(self.dialect().as_str(), "category_by_slug");
        let sql = format!("SELECT {CATEGORY_COLUMNS} FROM categories WHERE slug = $1");
        let row: Option<CategoryRow> = on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(slug)
            .fetch_optional(pool)
            .await
            .map_err(Error::db("finding a category")))?;
        Ok(row.map(Category::from))
    }

    /// The categories and the featured products in stock, newest first.
    pub async fn home(&self) -> Result<HomeFeed> {
        let categories = self.categories().await?;
        let _t = QueryTimer::start(self.dialect().as_str(), "featured");
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM products p JOIN vendors v ON v.id = p.vendor_id {PHOTO_JOIN} \
             WHERE p.featured AND p.stock > 0 AND {LISTED} ORDER BY p.id DESC LIMIT $1"
        );
        let rows: Vec<CardRow> = on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(i64::from(FEATURED_ON_HOME))
            .fetch_all(pool)
            .await
            .map_err(Error::db("listing featured products")))?;
        Ok(HomeFeed { categories, featured: cards(rows)? })
    }

    /// A page of products, all or within one category, in id order after `cursor`.
    pub async fn products(
        &self,
        category: Option<CategoryId>,
        cursor: Option<Cursor>,
        limit: Limit,
    ) -> Result<(Vec<ProductCard>, Option<Cursor>)> {
        let _t = QueryTimer::start(self.dialect().as_str(), "products");
        let (after, rows_asked) = page_bounds(cursor, limit);
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM products p JOIN vendors v ON v.id = p.vendor_id {PHOTO_JOIN} \
             WHERE (CAST($1 AS BIGINT) IS NULL OR p.category_id = $1) AND p.id > $2 AND {LISTED} \
             ORDER BY p.id LIMIT $3"
        );
        let rows: Vec<CardRow> = on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(category.map(CategoryId::get))
            .bind(after)
            .bind(rows_asked)
            .fetch_all(pool)
            .await
            .map_err(Error::db("listing products")))?;
        Ok(into_page(cards(rows)?, limit))
    }

    /// A product with its vendor, category, newest reviews and photos, for its page (the
    /// reviews are read only when its rating says there are some, the photos when it has a
    /// main one); `None` when its shop is suspended.
    pub async fn product(&self, id: ProductId) -> Result<Option<ProductDetail>> {
        self.product_for(id, Audience::Shoppers).await
    }

    /// A product as its own vendor sees it: also while their shop is suspended.
    pub async fn own_product(&self, id: ProductId) -> Result<Option<ProductDetail>> {
        self.product_for(id, Audience::ItsVendor).await
    }

    async fn product_for(&self, id: ProductId, audience: Audience) -> Result<Option<ProductDetail>> {
        let _t = QueryTimer::start(self.dialect().as_str(), "product");
        let product_sql = format!(
            "SELECT p.id, p.vendor_id, p.category_id, p.name, p.slug, p.description, p.currency, p.price_minor, \
             p.stock, ph.hash AS photo_hash, ph.format AS photo_format, ph.width AS photo_width, \
             ph.height AS photo_height, ph.thumbhash AS photo_thumbhash, p.rating_count, p.rating_sum \
             FROM products p JOIN vendors v ON v.id = p.vendor_id {PHOTO_JOIN} WHERE p.id = $1{}",
            audience.condition()
        );
        let vendor_sql = format!("SELECT {VENDOR_COLUMNS} FROM vendors WHERE id = $1");
        let category_sql = format!("SELECT {CATEGORY_COLUMNS} FROM categories WHERE id = $1");
        let mut detail = on_pool!(self, pool => {
            let Some(row): Option<ProductRow> = sqlx::query_as(&product_sql)
                .bind(id.get())
                .fetch_optional(pool)
                .await
                .map_err(Error::db("finding a product"))?
            else {
                return Ok(None);
            };
            let vendor: VendorRow = sqlx::query_as(&vendor_sql)
                .bind(row.vendor_id)
                .fetch_one(pool)
                .await
                .map_err(Error::db("finding a product's vendor"))?;
            let category: CategoryRow = sqlx::query_as(&category_sql)
                .bind(row.category_id)
                .fetch_one(pool)
                .await
                .map_err(Error::db("finding a product's category"))?;
            Ok::<_, Error>(ProductDetail {
                product: row.try_into()?,
                vendor: vendor.into(),
                category: category.into(),
                reviews: Vec::new(),
                photos: Vec::new(),
            })
        })?;
        if detail.product.rating.count > 0 {
            detail.reviews = self.product_reviews(id, None, REVIEWS_ON_PRODUCT_PAGE).await?.items;
        }
        // The main photo came with the product's row; the others only when there are others.
        if detail.product.photo.is_some() {
            detail.photos = self.product_photos(id).await?;
        }
        Ok(Some(detail))
    }

    /// A vendor and a page of its products, in id order after `cursor`; `None` when the shop
    /// is suspended.
    pub async fn vendor_storefront(
        &self,
        id: VendorId,
        cursor: Option<Cursor>,
        limit: Limit,
    ) -> Result<Option<VendorStorefront>> {
        self.storefront_for(id, cursor, limit, Audience::Shoppers).await
    }

    /// A vendor's own shop and a page of its products, also while it is suspended (their
    /// dashboard).
    pub async fn own_shop(
        &self,
        id: VendorId,
        cursor: Option<Cursor>,
        limit: Limit,
    ) -> Result<Option<VendorStorefront>> {
        self.storefront_for(id, cursor, limit, Audience::ItsVendor).await
    }

    async fn storefront_for(
        &self,
        id: VendorId,
        cursor: Option<Cursor>,
        limit: Limit,
        audience: Audience,
    ) -> Result<Option<VendorStorefront>> {
        let _t = QueryTimer::start(self.dialect().as_str(), "vendor_with_products");
        let (after, rows_asked) = page_bounds(cursor, limit);
        let vendor_sql =
            format!("SELECT {VENDOR_COLUMNS} FROM vendors v WHERE id = $1{}", audience.condition());
        let products_sql = format!(
            "SELECT {CARD_COLUMNS} FROM products p JOIN vendors v ON v.id = p.vendor_id {PHOTO_JOIN} \
             WHERE p.vendor_id = $1 AND p.id > $2 ORDER BY p.id LIMIT $3"
        );
        let found: Option<(VendorRow, Vec<CardRow>)> = on_pool!(self, pool => {
            let Some(vendor): Option<VendorRow> = sqlx::query_as(&vendor_sql)
                .bind(id.get())
                .fetch_optional(pool)
                .await
                .map_err(Error::db("finding a vendor"))?
            else {
                return Ok(None);
            };
            let rows = sqlx::query_as(&products_sql)
                .bind(id.get())
                .bind(after)
                .bind(rows_asked)
                .fetch_all(pool)
                .await
                .map_err(Error::db("listing a vendor's products"))?;
            Some((vendor, rows))
        });
        let Some((vendor, rows)) = found else {
            return Ok(None);
        };
        let vendor: Vendor = vendor.into();
        let (products, next_cursor) = into_page(cards(rows)?, limit);
        Ok(Some(VendorStorefront { vendor, products, next_cursor }))
    }

    /// Name and category slug of a product, for its generated picture.
    pub async fn product_label(&self, id: ProductId) -> Result<Option<(String, String)>> {
        let _t = QueryTimer::start(self.dialect().as_str(), "product_label");
        on_pool!(self, pool => sqlx::query_as(
                "SELECT p.name, c.slug FROM products p JOIN categories c ON c.id = p.category_id WHERE p.id = $1",
            )
            .bind(id.get())
            .fetch_optional(pool)
            .await
            .map_err(Error::db("finding a product's label")))
    }
}
