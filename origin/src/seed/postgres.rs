//! Loading the generated catalog into PostgreSQL.

use std::fmt::Write as _;

use indicatif::ProgressBar;
use sqlx::PgPool;

use super::categories::CATEGORIES;
use super::{Ids, NewProduct, NewVendor};
use crate::error::{Error, Result};

/// Secondary indexes dropped before a bulk load into an empty table and rebuilt after.
/// Must match `migrations/postgres`.
const INDEXES: &[(&str, &str)] = &[
    ("products_by_category", "CREATE INDEX products_by_category ON products (category_id, id)"),
    ("products_by_vendor", "CREATE INDEX products_by_vendor ON products (vendor_id, id)"),
    ("products_featured", "CREATE INDEX products_featured ON products (id) WHERE featured"),
    ("products_search", "CREATE INDEX products_search ON products USING GIN (search)"),
];

/// Flush a COPY buffer to the server at about this many bytes.
const COPY_CHUNK: usize = 1 << 20;

pub async fn reset(pool: &PgPool) -> Result<()> {
    sqlx::query("TRUNCATE products, vendors, categories RESTART IDENTITY CASCADE")
        .execute(pool)
        .await
        .map_err(Error::db("emptying the catalog"))?;
    Ok(())
}

super::inserts::seed_inserts!(PgPool);

pub async fn products(
    pool: &PgPool,
    batches: &mut impl Iterator<Item = Vec<NewProduct>>,
    ids: Ids<'_>,
    bar: &ProgressBar,
) -> Result<()> {
    let db = Error::db("seeding products");
    let mut conn = pool.acquire().await.map_err(db)?;
    let empty: bool = sqlx::query_scalar("SELECT NOT EXISTS (SELECT 1 FROM products)")
        .fetch_one(&mut *conn)
        .await
        .map_err(Error::db("seeding products"))?;
    if empty {
        for (name, _) in INDEXES {
            sqlx::query(&format!("DROP INDEX IF EXISTS {name}"))
                .execute(&mut *conn)
                .await
                .map_err(Error::db("dropping indexes before the bulk load"))?;
        }
    }
    let mut copy = conn
        .copy_in_raw(
            "COPY products (vendor_id, category_id, name, slug, description, currency, price_minor, stock, featured) \
             FROM STDIN",
        )
        .await
        .map_err(Error::db("starting COPY"))?;
    let mut buffer = String::with_capacity(COPY_CHUNK + 4096);
    for batch in batches {
        for product in &batch {
            write_row(&mut buffer, product, ids);
            if buffer.len() >= COPY_CHUNK {
                copy.send(buffer.as_bytes()).await.map_err(Error::db("streaming COPY"))?;
                buffer.clear();
            }
        }
        bar.inc(batch.len() as u64);
    }
    if !buffer.is_empty() {
        copy.send(buffer.as_bytes()).await.map_err(Error::db("streaming COPY"))?;
    }
    copy.finish().await.map_err(Error::db("finishing COPY"))?;
    if empty {
        bar.set_message("indexing");
        for (_, create) in INDEXES {
            sqlx::query(create).execute(&mut *conn).await.map_err(Error::db("rebuilding indexes"))?;
        }
    }
    sqlx::query("ANALYZE products").execute(&mut *conn).await.map_err(Error::db("analyzing products"))?;
    Ok(())
}

/// One row in COPY's text format: tab-separated, with `\`, tab and newline escaped.
fn write_row(out: &mut String, p: &NewProduct, ids: Ids<'_>) {
    let _ = write!(out, "{}\t{}\t", ids.vendors[p.vendor], ids.categories[p.category]);
    for text in [&p.name, &p.slug, &p.description] {
        escape_into(out, text);
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

fn escape_into(out: &mut String, text: &str) {
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
