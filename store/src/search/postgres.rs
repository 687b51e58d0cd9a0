//! Search candidates on PostgreSQL: full-text search on a stored `tsvector` with a GIN index.

use sqlx::PgPool;

use super::filters::Filters;
use super::ranking::Candidate;
use super::{CANDIDATES, Candidates};
use crate::error::{Error, Result};
use crate::timing::QueryTimer;

/// `websearch_to_tsquery` accepts any text a shopper types (quotes, minus, `or`) without a
/// syntax error; `ts_rank_cd` orders by how well and how densely the words match (names are
/// weighted above descriptions in the stored `tsvector`).
///
/// Ranking every match cannot be fast on a large catalog: a GIN index finds matches but not in
/// rank order, so ranking "lagos" over 1,000,000 products reads the ~80,000 rows that match
/// (0.7 s measured, see BENCHMARKS.md). So the work is bounded: a first statement reads at most
/// [`CANDIDATES`] + 1 matches that pass the filters, with their rank and price (stopping early,
/// whatever plan PostgreSQL picks). Up to [`CANDIDATES`], those are all of them: the count is
/// exact and every sort is exact. Beyond, the words are a browse of a common word, counted as
/// "1,000+" and ordered among their [`CANDIDATES`] newest matches, found by walking the
/// primary key backwards — newest listings first is what a shopper browsing a common word
/// wants. The walk is short because such matches are dense (at least one row in a thousand
/// matches; for common words, one in ten), so it reads a few thousand rows to some tens of
/// thousands. That plan is pinned (no bitmap or sequential scan, no parallel workers) because
/// PostgreSQL underestimates multi-word matches ("ankara dress": 380 estimated, 15,288 found)
/// and would otherwise rank every match; JIT is off for it because the same underestimate
/// prices the walk above `jit_above_cost`, and compiling cost more (13 ms measured) than the
/// walk saves.
pub async fn text_matches(pool: &PgPool, words: &str, filters: &Filters) -> Result<Candidates> {
    let _t = QueryTimer::start("postgres", "search");
    let db = || Error::db("searching products");
    let columns = format!(
        "p.id, p.name, p.category_id, CAST(ts_rank_cd(p.search, q) AS DOUBLE PRECISION) AS rank, {} AS price_key",
        filters.price_key
    );
    let from = "products p JOIN vendors v ON v.id = p.vendor_id, websearch_to_tsquery('english', $1) AS q";
    let conditions = filters.conditions(2);
    let sql =
        format!("SELECT {columns} FROM {from} WHERE p.search @@ q{conditions} LIMIT {}", CANDIDATES + 1);
    let mut query = sqlx::query_as::<_, Candidate>(&sql).bind(words);
    if let Some(city) = &filters.city {
        query = query.bind(city);
    }
    let rows = query.fetch_all(pool).await.map_err(db())?;
    if rows.len() <= CANDIDATES {
        return Ok(Candidates { rows, complete: true });
    }
    let mut tx = pool.begin().await.map_err(db())?;
    sqlx::query(
        "SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true), \
         set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true)",
    )
    .execute(&mut *tx)
    .await
    .map_err(db())?;
    let sql = format!(
        "SELECT {columns} FROM {from} WHERE p.search @@ q{conditions} ORDER BY p.id DESC LIMIT {CANDIDATES}"
    );
    let mut query = sqlx::query_as::<_, Candidate>(&sql).bind(words);
    if let Some(city) = &filters.city {
        query = query.bind(city);
    }
    let rows = query.fetch_all(&mut *tx).await.map_err(db())?;
    tx.commit().await.map_err(db())?;
    Ok(Candidates { rows, complete: false })
}

/// Matches the other words of a search (`$n`) in the text of products (`p`).
pub fn matches_words(n: usize) -> String {
    format!("p.search @@ websearch_to_tsquery('english', ${n})")
}

/// The text rank of the other words (`$n`).
pub fn rank_of_words(n: usize) -> String {
    format!("CAST(ts_rank_cd(p.search, websearch_to_tsquery('english', ${n})) AS DOUBLE PRECISION)")
}
