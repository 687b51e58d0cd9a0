//! Search candidates on SQLite, the embedded default: full-text search on an FTS5 index.

use sqlx::SqlitePool;

use super::filters::Filters;
use super::ranking::Candidate;
use super::{CANDIDATES, Candidates};
use crate::error::{Error, Result};
use crate::timing::QueryTimer;

/// FTS5 with bm25 ranking, the name column weighted ten times the description. Shopper text is
/// reduced to quoted words (all required), so no input is ever FTS5 query syntax. Bounded like
/// PostgreSQL's: up to [`CANDIDATES`] matches exactly, beyond that the newest [`CANDIDATES`]
/// (FTS5 walks its rowids backwards without sorting).
pub async fn text_matches(pool: &SqlitePool, words: &str, filters: &Filters) -> Result<Candidates> {
    let _t = QueryTimer::start("sqlite", "search");
    let Some(fts_query) = fts5_query(words) else {
        return Ok(Candidates { rows: Vec::new(), complete: true });
    };
    let sql = |order: &str, limit: usize| {
        format!(
            "SELECT p.id, p.name, p.category_id, -bm25(products_fts, 10.0, 1.0) AS rank, {} AS price_key \
             FROM products_fts f JOIN products p ON p.id = f.rowid JOIN vendors v ON v.id = p.vendor_id \
             WHERE products_fts MATCH $1{} {order} LIMIT {limit}",
            filters.price_key,
            filters.conditions(2)
        )
    };
    let fetch = |sql: String| {
        let fts_query = fts_query.clone();
        async move {
            let mut query = sqlx::query_as::<_, Candidate>(&sql).bind(fts_query);
            if let Some(city) = &filters.city {
                query = query.bind(city);
            }
            query.fetch_all(pool).await.map_err(Error::db("searching products"))
        }
    };
    let rows = fetch(sql("", CANDIDATES + 1)).await?;
    if rows.len() <= CANDIDATES {
        return Ok(Candidates { rows, complete: true });
    }
    let rows = fetch(sql("ORDER BY f.rowid DESC", CANDIDATES)).await?;
    Ok(Candidates { rows, complete: false })
}

/// Matches the other words of a search (`$n`, an FTS5 query from [`fts5_query`]).
pub fn matches_words(n: usize) -> String {
    format!("p.id IN (SELECT rowid FROM products_fts WHERE products_fts MATCH ${n})")
}

/// `phone "case" OR -x` → `"phone" "case" "or" "x"`; `None` when no word remains.
pub fn fts5_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{}\"", w.to_lowercase()))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    #[test]
    fn shopper_text_never_reaches_fts5_as_syntax() {
        assert_eq!(
            super::fts5_query("phone \"case\" OR -x*").as_deref(),
            Some("\"phone\" \"case\" \"or\" \"x\"")
        );
        assert_eq!(
            super::fts5_query("'; DROP TABLE products; --"),
            Some("\"drop\" \"table\" \"products\"".into())
        );
        assert_eq!(super::fts5_query("*** --"), None);
    }
}
