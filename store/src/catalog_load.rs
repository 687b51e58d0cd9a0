//! Loading a whole catalog at once (`origin seed`, the demo stack's first start): categories
//! upserted by slug, vendors inserted in one transaction, and products streamed in batches —
//! PostgreSQL through `COPY … FROM STDIN` (with the secondary indexes rebuilt once at the end
//! when the table started empty, far cheaper than maintaining a GIN index row by row), SQLite
//! through multi-row inserts in one transaction.
//!
//! What to load is the caller's business (the origin's seeder generates it); this file only
//! writes it.

use std::fmt::Write as _;

use linkedall_shared::Currency;
use sqlx::{PgPool, QueryBuilder, Sqlite, SqlitePool};

use crate::Store;
use crate::conn::on_pool;
use crate::error::{Error, Result};
use crate::timing::QueryTimer;

/// A category to upsert; its position in the list is its position on the shop's pages.
#[derive(Debug, Clone, Copy)]
pub struct CategoryLoad<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
}

/// A vendor to insert.
#[derive(Debug, Clone, Copy)]
pub struct VendorLoad<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub city: &'a str,
    pub country: &'a str,
    pub description: &'a str,
    /// `vendors.ships_to`: see [`linkedall_shared::ShippingZone`].
    pub ships_to: &'a str,
}

/// A product to insert, its vendor and category given by their database ids.
#[derive(Debug, Clone)]
pub struct ProductLoad {
    pub vendor_id: i64,
    pub category_id: i64,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub currency: Currency,
    pub price_minor: i64,
    pub stock: i32,
    pub featured: bool,
}

/// What a product load is doing, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadProgress {
    /// This many more products were written.
    Written(u64),
    /// Every product is written; the indexes are being rebuilt.
    Indexing,
}

/// Secondary indexes dropped before a bulk load into an empty PostgreSQL table and rebuilt
/// after. Must match `migrations/postgres`.
const POSTGRES_INDEXES: &[(&str, &str)] = &[
    ("products_by_category", "CREATE INDEX products_by_category ON products (category_id, id)"),
    ("products_by_vendor", "CREATE INDEX products_by_vendor ON products (vendor_id, id)"),
    ("products_featured", "CREATE INDEX products_featured ON products (id) WHERE featured"),
    ("products_search", "CREATE INDEX products_search ON products USING GIN (search)"),
];

/// Flush a COPY buffer to the server at about this many bytes.
const COPY_CHUNK: usize = 1 << 20;

/// SQLite rows per INSERT: 9 parameters each stays far below SQLite's parameter limit.
const ROWS_PER_INSERT: usize = 500;

const PRODUCT_COLUMNS: &str =
    "vendor_id, category_id, name, slug, description, currency, price_minor, stock, featured";

impl Store {
    /// Deletes every product, vendor and category, and restarts their ids.
    pub async fn empty_catalog(&self) -> Result<()> {
        let _t = QueryTimer::start(self.dialect().as_str(), "empty_catalog");
        let db = || Error::db("emptying the catalog");
        match self {
            Store::Postgres(pool) => {
                sqlx::query("TRUNCATE products, vendors, categories RESTART IDENTITY CASCADE")
                    .execute(pool)
                    .await
                    .map_err(db())?;
                Ok(())
            }
            Store::Sqlite(pool) => {
                let mut tx = pool.begin().await.map_err(db())?;
                for table in ["products", "vendors", "categories", "sqlite_sequence"] {
                    sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *tx).await.map_err(db())?;
                }
                tx.commit().await.map_err(db())
            }
        }
    }

    /// Upserts `categories` by slug; returns their ids in the same order.
    pub async fn upsert_categories(&self, categories: &[CategoryLoad<'_>]) -> Result<Vec<i64>> {
        let _t = QueryTimer::start(self.dialect().as_str(), "upsert_categories");
        let mut ids = Vec::with_capacity(categories.len());
        for (position, category) in categories.iter().enumerate() {
            let sql = "INSERT INTO categories (slug, name, description, position) VALUES ($1, $2, $3, $4) \
                       ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, \
                       position = EXCLUDED.position RETURNING id";
            let id: i64 = on_pool!(self, pool => sqlx::query_scalar(sql)
                .bind(category.slug)
                .bind(category.name)
                .bind(category.description)
                .bind(position as i32)
                .fetch_one(pool)
                .await
                .map_err(Error::db("loading categories")))?;
            ids.push(id);
        }
        Ok(ids)
    }

    /// Inserts `vendors` in one transaction; returns their ids in the same order.
    pub async fn insert_vendors(&self, vendors: &[VendorLoad<'_>]) -> Result<Vec<i64>> {
        let _t = QueryTimer::start(self.dialect().as_str(), "insert_vendors");
        let db = || Error::db("loading vendors");
        let sql = "INSERT INTO vendors (name, slug, city, country, description, ships_to) \
                   VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
        on_pool!(self, pool => {
            let mut tx = pool.begin().await.map_err(db())?;
            let mut ids = Vec::with_capacity(vendors.len());
            for vendor in vendors {
                let id: i64 = sqlx::query_scalar(sql)
                    .bind(vendor.name)
                    .bind(vendor.slug)
                    .bind(vendor.city)
                    .bind(vendor.country)
                    .bind(vendor.description)
                    .bind(vendor.ships_to)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db())?;
                ids.push(id);
            }
            tx.commit().await.map_err(db())?;
            Ok(ids)
        })
    }

    /// Writes every batch of products, telling `progress` as it goes.
    pub async fn load_products(
        &self,
        batches: impl Iterator<Item = Vec<ProductLoad>>,
        progress: impl FnMut(LoadProgress),
    ) -> Result<()> {
        let _t = QueryTimer::start(self.dialect().as_str(), "load_products");
        match self {
            Store::Postgres(pool) => copy_products(pool, batches, progress).await,
            Store::Sqlite(pool) => insert_products(pool, batches, progress).await,
        }
    }
}

async fn copy_products(
    pool: &PgPool,
    batches: impl Iterator<Item = Vec<ProductLoad>>,
    mut progress: impl FnMut(LoadProgress),
) -> Result<()> {
    let db = Error::db;
    let mut conn = pool.acquire().await.map_err(db("loading products"))?;
    let empty: bool = sqlx::query_scalar("SELECT NOT EXISTS (SELECT 1 FROM products)")
        .fetch_one(&mut *conn)
        .await
        .map_err(db("loading products"))?;
    if empty {
        for (name, _) in POSTGRES_INDEXES {
            sqlx::query(&format!("DROP INDEX IF EXISTS {name}"))
                .execute(&mut *conn)
                .await
                .map_err(db("dropping indexes before the bulk load"))?;
        }
    }
    let mut copy = conn
        .copy_in_raw(&format!("COPY products ({PRODUCT_COLUMNS}) FROM STDIN"))
        .await
        .map_err(db("starting COPY"))?;
    let mut buffer = String::with_capacity(COPY_CHUNK + 4096);
    for batch in batches {
        for product in &batch {
            write_copy_row(&mut buffer, product);
            if buffer.len() >= COPY_CHUNK {
                copy.send(buffer.as_bytes()).await.map_err(db("streaming COPY"))?;
                buffer.clear();
            }
        }
        progress(LoadProgress::Written(batch.len() as u64));
    }
    if !buffer.is_empty() {
        copy.send(buffer.as_bytes()).await.map_err(db("streaming COPY"))?;
    }
    copy.finish().await.map_err(db("finishing COPY"))?;
    if empty {
        progress(LoadProgress::Indexing);
        for (_, create) in POSTGRES_INDEXES {
            sqlx::query(create).execute(&mut *conn).await.map_err(db("rebuilding indexes"))?;
        }
    }
    sqlx::query("ANALYZE products").execute(&mut *conn).await.map_err(db("analyzing products"))?;
    Ok(())
}

async fn insert_products(
    pool: &SqlitePool,
    batches: impl Iterator<Item = Vec<ProductLoad>>,
    mut progress: impl FnMut(LoadProgress),
) -> Result<()> {
    let db = || Error::db("loading products");
    let mut tx = pool.begin().await.map_err(db())?;
    for batch in batches {
        for rows in batch.chunks(ROWS_PER_INSERT) {
            let mut insert: QueryBuilder<Sqlite> =
                QueryBuilder::new(format!("INSERT INTO products ({PRODUCT_COLUMNS}) "));
            insert.push_values(rows, |mut row, p| {
                row.push_bind(p.vendor_id)
                    .push_bind(p.category_id)
                    .push_bind(&p.name)
                    .push_bind(&p.slug)
                    .push_bind(&p.description)
                    .push_bind(p.currency.code())
                    .push_bind(p.price_minor)
                    .push_bind(p.stock)
                    .push_bind(p.featured);
            });
            insert.build().execute(&mut *tx).await.map_err(db())?;
        }
        progress(LoadProgress::Written(batch.len() as u64));
    }
    tx.commit().await.map_err(db())
}

/// One row in COPY's text format: tab-separated, with `\`, tab and newline escaped.
fn write_copy_row(out: &mut String, p: &ProductLoad) {
    let _ = write!(out, "{}\t{}\t", p.vendor_id, p.category_id);
    for text in [&p.name, &p.slug, &p.description] {
        escape_copy_text(out, text);
        out.push('\t');
    }
    let _ = writeln!(
        out,
        "{}\t{}\t{}\t{}",
        p.currency.code(),
        p.price_minor,
        p.stock,
        if p.featured { 't' } else { 'f' }
    );
}

fn escape_copy_text(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_rows_escape_what_copy_text_format_reserves() {
        let mut out = String::new();
        let product = ProductLoad {
            vendor_id: 3,
            category_id: 4,
            name: "Tab\there".into(),
            slug: "back\\slash".into(),
            description: "two\nlines\r".into(),
            currency: "NGN".parse().expect("a currency"),
            price_minor: 250_000,
            stock: 7,
            featured: true,
        };
        write_copy_row(&mut out, &product);
        assert_eq!(out, "3\t4\tTab\\there\tback\\\\slash\ttwo\\nlines\\r\tNGN\t250000\t7\tt\n");
    }
}
