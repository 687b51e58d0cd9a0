//! Catalog queries whose SQL is the same on PostgreSQL and SQLite, written once and
//! instantiated for each backend's pool type (sqlx's generic executor bounds would say the
//! same thing at greater length). SQLite accepts `$N` placeholders and `CAST(… AS BIGINT)`,
//! so only full-text search differs; each backend module adds its own `search`.

macro_rules! catalog_queries {
    ($pool:ty, $backend:literal) => {
        /// Columns of a product card; `p` is products, `v` its vendor.
        const CARD_COLUMNS: &str = "p.id, p.name, p.slug, p.currency, p.price_minor, p.stock, \
             p.vendor_id, v.name AS vendor_name, v.city AS vendor_city, p.category_id, \
             ph.hash AS photo_hash, ph.format AS photo_format, ph.width AS photo_width, \
             ph.height AS photo_height, ph.thumbhash AS photo_thumbhash";

        /// Joins each product (`p`) with its photo, if any (`ph`), for [`CARD_COLUMNS`].
        const PHOTO_JOIN: &str = "LEFT JOIN product_photos ph ON ph.product_id = p.id";

        use linkedall_shared::{Category, CategoryId, ProductCard, ProductDetail, ProductId, Vendor, VendorId};

        use super::rows::{CardRow, CategoryRow, ProductRow, VendorRow, cards};
        use super::timing::QueryTimer;
        use crate::error::{Error, Result};

        pub async fn ping(pool: &$pool) -> Result<()> {
            let _t = QueryTimer::start($backend, "ping");
            sqlx::query("SELECT 1").execute(pool).await.map_err(Error::db("ping"))?;
            Ok(())
        }

        pub async fn product_count(pool: &$pool) -> Result<i64> {
            let _t = QueryTimer::start($backend, "product_count");
            sqlx::query_scalar("SELECT count(*) FROM products")
                .fetch_one(pool)
                .await
                .map_err(Error::db("counting products"))
        }

        pub async fn categories(pool: &$pool) -> Result<Vec<Category>> {
            let _t = QueryTimer::start($backend, "categories");
            let rows: Vec<CategoryRow> =
                sqlx::query_as("SELECT id, slug, name, description FROM categories ORDER BY position, id")
                    .fetch_all(pool)
                    .await
                    .map_err(Error::db("listing categories"))?;
            Ok(rows.into_iter().map(Category::from).collect())
        }

        pub async fn category_by_slug(pool: &$pool, slug: &str) -> Result<Option<Category>> {
            let _t = QueryTimer::start($backend, "category_by_slug");
            let row: Option<CategoryRow> =
                sqlx::query_as("SELECT id, slug, name, description FROM categories WHERE slug = $1")
                    .bind(slug)
                    .fetch_optional(pool)
                    .await
                    .map_err(Error::db("finding a category"))?;
            Ok(row.map(Category::from))
        }

        pub async fn featured(pool: &$pool, limit: u32) -> Result<Vec<ProductCard>> {
            let _t = QueryTimer::start($backend, "featured");
            let rows: Vec<CardRow> = sqlx::query_as(&format!(
                "SELECT {CARD_COLUMNS} FROM products p JOIN vendors v ON v.id = p.vendor_id {PHOTO_JOIN} \
                 WHERE p.featured AND p.stock > 0 ORDER BY p.id DESC LIMIT $1"
            ))
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await
            .map_err(Error::db("listing featured products"))?;
            cards(rows)
        }

        pub async fn products(
            pool: &$pool,
            category: Option<CategoryId>,
            after: i64,
            limit: i64,
        ) -> Result<Vec<ProductCard>> {
            let _t = QueryTimer::start($backend, "products");
            let rows: Vec<CardRow> = sqlx::query_as(&format!(
                "SELECT {CARD_COLUMNS} FROM products p JOIN vendors v ON v.id = p.vendor_id {PHOTO_JOIN} \
                 WHERE (CAST($1 AS BIGINT) IS NULL OR p.category_id = $1) AND p.id > $2 \
                 ORDER BY p.id LIMIT $3"
            ))
            .bind(category.map(CategoryId::get))
            .bind(after)
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(Error::db("listing products"))?;
            cards(rows)
        }

        pub async fn product(pool: &$pool, id: ProductId) -> Result<Option<ProductDetail>> {
            let _t = QueryTimer::start($backend, "product");
            let Some(row): Option<ProductRow> = sqlx::query_as(&format!(
                "SELECT p.id, p.vendor_id, p.category_id, p.name, p.slug, p.description, p.currency, p.price_minor, \
                 p.stock, ph.hash AS photo_hash, ph.format AS photo_format, ph.width AS photo_width, \
                 ph.height AS photo_height, ph.thumbhash AS photo_thumbhash \
                 FROM products p {PHOTO_JOIN} WHERE p.id = $1"
            ))
            .bind(id.get())
            .fetch_optional(pool)
            .await
            .map_err(Error::db("finding a product"))?
            else {
                return Ok(None);
            };
            let vendor: VendorRow =
                sqlx::query_as("SELECT id, name, slug, city, country, description FROM vendors WHERE id = $1")
                    .bind(row.vendor_id)
                    .fetch_one(pool)
                    .await
                    .map_err(Error::db("finding a product's vendor"))?;
            let category: CategoryRow = sqlx::query_as("SELECT id, slug, name, description FROM categories WHERE id = $1")
                .bind(row.category_id)
                .fetch_one(pool)
                .await
                .map_err(Error::db("finding a product's category"))?;
            Ok(Some(ProductDetail { product: row.try_into()?, vendor: vendor.into(), category: category.into() }))
        }

        pub async fn vendor_with_products(
            pool: &$pool,
            id: VendorId,
            after: i64,
            limit: i64,
        ) -> Result<Option<(Vendor, Vec<ProductCard>)>> {
            let _t = QueryTimer::start($backend, "vendor_with_products");
            let Some(vendor): Option<VendorRow> =
                sqlx::query_as("SELECT id, name, slug, city, country, description FROM vendors WHERE id = $1")
                    .bind(id.get())
                    .fetch_optional(pool)
                    .await
                    .map_err(Error::db("finding a vendor"))?
            else {
                return Ok(None);
            };
            let rows: Vec<CardRow> = sqlx::query_as(&format!(
                "SELECT {CARD_COLUMNS} FROM products p JOIN vendors v ON v.id = p.vendor_id {PHOTO_JOIN} \
                 WHERE p.vendor_id = $1 AND p.id > $2 ORDER BY p.id LIMIT $3"
            ))
            .bind(id.get())
            .bind(after)
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(Error::db("listing a vendor's products"))?;
            Ok(Some((vendor.into(), cards(rows)?)))
        }

        pub async fn product_label(pool: &$pool, id: ProductId) -> Result<Option<(String, String)>> {
            let _t = QueryTimer::start($backend, "product_label");
            sqlx::query_as(
                "SELECT p.name, c.slug FROM products p JOIN categories c ON c.id = p.category_id WHERE p.id = $1",
            )
            .bind(id.get())
            .fetch_optional(pool)
            .await
            .map_err(Error::db("finding a product's label"))
        }
    };
}

pub(crate) use catalog_queries;
