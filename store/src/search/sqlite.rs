//! Search on SQLite, the embedded default: full-text search on an FTS5 index.

use linkedall_shared::ProductCard;
use sqlx::SqlitePool;

use crate::error::{Error, Result};
use crate::rows::{CARD_COLUMNS, CardRow, PHOTO_JOIN, cards};
use crate::timing::QueryTimer;

/// FTS5 with bm25 ranking, the name column weighted ten times the description. Shopper text is
/// reduced to quoted words (all required), so no input is ever FTS5 query syntax.
pub async fn search(pool: &SqlitePool, query: &str, limit: i64) -> Result<Vec<ProductCard>> {
    let _t = QueryTimer::start("sqlite", "search");
    let Some(fts_query) = fts5_query(query) else {
        return Ok(Vec::new());
    };
    let rows: Vec<CardRow> = sqlx::query_as(&format!(
        "SELECT {CARD_COLUMNS} FROM products_fts f JOIN products p ON p.id = f.rowid \
         JOIN vendors v ON v.id = p.vendor_id {PHOTO_JOIN} \
         WHERE products_fts MATCH ?1 ORDER BY bm25(products_fts, 10.0, 1.0), p.id LIMIT ?2"
    ))
    .bind(fts_query)
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(Error::db("searching products"))?;
    cards(rows)
}

/// `phone "case" OR -x` → `"phone" "case" "or" "x"`; `None` when no word remains.
fn fts5_query(text: &str) -> Option<String> {
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
