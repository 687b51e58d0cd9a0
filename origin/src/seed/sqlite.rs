//! Loading the generated catalog into SQLite.

use indicatif::ProgressBar;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use super::categories::CATEGORIES;
use super::{Ids, NewProduct, NewVendor};
use crate::error::{Error, Result};

/// Rows per INSERT: 9 parameters each stays far below SQLite's parameter limit.
const ROWS_PER_INSERT: usize = 500;

pub async fn reset(pool: &SqlitePool) -> Result<()> {
    let mut tx = pool.begin().await.map_err(Error::db("emptying the catalog"))?;
    for table in ["products", "vendors", "categories"] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *tx)
            .await
            .map_err(Error::db("emptying the catalog"))?;
    }
    sqlx::query("DELETE FROM sqlite_sequence")
        .execute(&mut *tx)
        .await
        .map_err(Error::db("emptying the catalog"))?;
    tx.commit().await.map_err(Error::db("emptying the catalog"))
}

super::inserts::seed_inserts!(SqlitePool);

pub async fn products(
    pool: &SqlitePool,
    batches: &mut impl Iterator<Item = Vec<NewProduct>>,
    ids: Ids<'_>,
    bar: &ProgressBar,
) -> Result<()> {
    let mut tx = pool.begin().await.map_err(Error::db("seeding products"))?;
    for batch in batches {
        for rows in batch.chunks(ROWS_PER_INSERT) {
            let mut insert: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO products (vendor_id, category_id, name, slug, description, currency, price_minor, stock, featured) ",
            );
            insert.push_values(rows, |mut row, p| {
                row.push_bind(ids.vendors[p.vendor])
                    .push_bind(ids.categories[p.category])
                    .push_bind(&p.name)
                    .push_bind(&p.slug)
                    .push_bind(&p.description)
                    .push_bind(p.currency.code())
                    .push_bind(p.price_minor)
                    .push_bind(p.stock)
                    .push_bind(p.featured);
            });
            insert.build().execute(&mut *tx).await.map_err(Error::db("seeding products"))?;
        }
        bar.inc(batch.len() as u64);
    }
    tx.commit().await.map_err(Error::db("seeding products"))
}
