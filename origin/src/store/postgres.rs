//! Catalog queries for PostgreSQL: the shared ones, plus full-text search on a stored
//! `tsvector` with a GIN index.

use sqlx::PgPool;

super::queries::catalog_queries!(PgPool, "postgres");

/// SQL for the current time, and the two moments the write side compares against.
const NOW: &str = "now()";
const DAY_AGO: &str = "now() - interval '24 hours'";
/// How the reservation sweeper locks the expired orders it picks.
const SKIP_LOCKED: &str = "FOR UPDATE SKIP LOCKED";
/// Taken before writing to the purge journal and held until commit, so journal sequence
/// numbers follow commit order.
const PURGE_LOCK: &str = "SELECT pg_advisory_xact_lock(7465726)";
/// How long an unpaid order holds its stock.
const RESERVATION_ENDS: &str = "now() + interval '30 minutes'";

/// A write transaction. PostgreSQL's row locks order concurrent writers by themselves.
async fn begin_write(pool: &PgPool) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
    pool.begin().await.map_err(Error::db("starting a transaction"))
}

pub mod accounts {
    crate::store::accounts::account_queries!(sqlx::PgPool, sqlx::PgConnection, "postgres");
}

pub mod carts {
    crate::store::carts::cart_queries!(sqlx::PgPool, sqlx::PgConnection, "postgres");
}

pub mod checkout {
    crate::store::checkout::checkout_queries!(sqlx::PgPool, sqlx::PgConnection, "postgres");
}

pub mod orders {
    crate::store::orders::order_queries!(sqlx::PgPool, sqlx::PgConnection, "postgres");
}

pub mod outbox {
    crate::store::outbox::outbox_queries!(sqlx::PgPool, sqlx::PgConnection, "postgres");
}

pub mod purges {
    crate::store::purges::purge_queries!(sqlx::PgPool, sqlx::PgConnection, "postgres");
}

pub mod payments {
    crate::store::payments::payment_queries!(sqlx::PgPool, sqlx::PgConnection, "postgres");
}

pub mod reservations {
    crate::store::reservations::reservation_queries!(sqlx::PgPool, sqlx::PgConnection, "postgres");
}

pub mod vendor_products {
    crate::store::vendor_products::vendor_product_queries!(sqlx::PgPool, sqlx::PgConnection, "postgres");
}

/// `websearch_to_tsquery` accepts any text a shopper types (quotes, minus, `or`) without a
/// syntax error; `ts_rank_cd` orders by how well and how densely the words match.
pub async fn search(pool: &PgPool, query: &str, limit: i64) -> Result<Vec<ProductCard>> {
    let _t = QueryTimer::start("postgres", "search");
    let rows: Vec<CardRow> = sqlx::query_as(&format!(
        "SELECT {CARD_COLUMNS} FROM products p JOIN vendors v ON v.id = p.vendor_id, \
         websearch_to_tsquery('english', $1) AS q \
         WHERE p.search @@ q ORDER BY ts_rank_cd(p.search, q) DESC, p.id LIMIT $2"
    ))
    .bind(query)
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(Error::db("searching products"))?;
    cards(rows)
}
