//! Search over the catalog: product names (weighted higher) and descriptions, ranked. The one
//! query the backends answer differently as a whole — a stored `tsvector` with a GIN index on
//! PostgreSQL ([`postgres`]), FTS5 on SQLite ([`sqlite`]) — so each has its own file here.

mod postgres;
mod sqlite;

use linkedall_shared::{Limit, SearchResults};

use crate::Store;
use crate::error::Result;

impl Store {
    /// Ranked full-text search over product names (weighted higher) and descriptions.
    pub async fn search(&self, query: &str, limit: Limit) -> Result<SearchResults> {
        let limit = i64::from(limit.get());
        let items = match self {
            Store::Postgres(pool) => postgres::search(pool, query, limit).await?,
            Store::Sqlite(pool) => sqlite::search(pool, query, limit).await?,
        };
        Ok(SearchResults { query: query.to_owned(), items })
    }
}
