//! Catalog queries for PostgreSQL: the shared ones, plus full-text search on a stored
//! `tsvector` with a GIN index.

use sqlx::PgPool;

super::queries::catalog_queries!(PgPool, "postgres");

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
