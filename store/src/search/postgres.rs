//! Search on PostgreSQL: full-text search on a stored `tsvector` with a GIN index.

use linkedall_shared::ProductCard;
use sqlx::PgPool;

use crate::error::{Error, Result};
use crate::rows::{CARD_COLUMNS, CardRow, PHOTO_JOIN, cards};
use crate::timing::QueryTimer;

/// Searches probe at most this many matches before choosing how to rank.
const EXACT_RANKING_UP_TO: i64 = 1_000;

/// A query matching more than [`EXACT_RANKING_UP_TO`] products is ranked among this many of
/// its newest matches (or `limit`, when more).
const NEWEST_CANDIDATES: i64 = 100;

/// `websearch_to_tsquery` accepts any text a shopper types (quotes, minus, `or`) without a
/// syntax error; `ts_rank_cd` orders by how well and how densely the words match (names are
/// weighted above descriptions in the stored `tsvector`).
///
/// Ranking every match cannot be fast on a large catalog: a GIN index finds matches but not in
/// rank order, so ranking "lagos" over 1,000,000 products reads the ~80,000 rows that match
/// (0.7 s measured, see BENCHMARKS.md). So the work is bounded: a first statement reads at most
/// 1,001 matches with their rank (stopping early, whatever plan PostgreSQL picks). Up to 1,000
/// matches, those are all of them and the ranking is exact. Beyond, the query is a browse of a
/// common word and is ranked among its 100 newest matches, found by walking the primary key
/// backwards — newest listings first is what a shopper browsing a common word wants. The walk
/// is short because such matches are dense: on 1,000,000 products at least one row in a
/// thousand matches, so it reads at most ~100,000 rows in table order, and far fewer for common
/// words. That plan is pinned (no bitmap or sequential
/// scan, no parallel workers) because PostgreSQL underestimates multi-word matches ("ankara
/// dress": 380 estimated, 15,288 found) and would otherwise rank every match; JIT is off for it
/// because the same underestimate prices the walk above `jit_above_cost`, and compiling cost
/// more (13 ms measured) than the walk saves.
pub async fn search(pool: &PgPool, query: &str, limit: i64) -> Result<Vec<ProductCard>> {
    let _t = QueryTimer::start("postgres", "search");
    let db = || Error::db("searching products");
    let mut matches: Vec<(i64, f32)> = sqlx::query_as(
        "SELECT p.id, ts_rank_cd(p.search, q) FROM products p, websearch_to_tsquery('english', $1) AS q \
         WHERE p.search @@ q LIMIT $2",
    )
    .bind(query)
    .bind(EXACT_RANKING_UP_TO + 1)
    .fetch_all(pool)
    .await
    .map_err(db())?;
    let ranked: Vec<i64> = if matches.len() as i64 <= EXACT_RANKING_UP_TO {
        matches.sort_by(|(a_id, a_rank), (b_id, b_rank)| b_rank.total_cmp(a_rank).then(a_id.cmp(b_id)));
        matches.into_iter().take(limit as usize).map(|(id, _)| id).collect()
    } else {
        let mut tx = pool.begin().await.map_err(db())?;
        sqlx::query(
            "SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true), \
             set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true)",
        )
        .execute(&mut *tx)
        .await
        .map_err(db())?;
        let ids = sqlx::query_scalar(
            "SELECT c.id FROM (SELECT id, search FROM products WHERE search @@ websearch_to_tsquery('english', $1) \
             ORDER BY id DESC LIMIT $2) c \
             ORDER BY ts_rank_cd(c.search, websearch_to_tsquery('english', $1)) DESC, c.id LIMIT $3",
        )
        .bind(query)
        .bind(NEWEST_CANDIDATES.max(limit))
        .bind(limit)
        .fetch_all(&mut *tx)
        .await
        .map_err(db())?;
        tx.commit().await.map_err(db())?;
        ids
    };
    if ranked.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows: Vec<CardRow> = sqlx::query_as(&format!(
        "SELECT {CARD_COLUMNS} FROM products p JOIN vendors v ON v.id = p.vendor_id {PHOTO_JOIN} WHERE p.id = ANY($1)"
    ))
    .bind(&ranked)
    .fetch_all(pool)
    .await
    .map_err(db())?;
    rows.sort_by_key(|row| ranked.iter().position(|id| *id == row.id));
    cards(rows)
}
