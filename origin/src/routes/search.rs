//! Product search.

use axum::extract::State;
use axum::response::Response;
use linkedall_shared::Limit;

use super::AppState;
use crate::catalog_cache::{CacheKey, Kind};
use crate::error::{Error, Result};
use crate::negotiate::Format;
use crate::params::QueryParams;

/// Longer queries are refused rather than silently cut: nobody types 200 characters into a
/// shop's search box, and the limit bounds the work one request can ask of the database.
pub const MAX_QUERY_CHARS: usize = 200;

/// `GET /api/v1/search?q=<text>&limit=<1..100>`: ranked, best match first.
pub async fn search(State(state): State<AppState>, format: Format, params: QueryParams) -> Result<Response> {
    let query = params.get("q").map(str::trim).unwrap_or_default();
    if query.is_empty() {
        return Err(Error::InvalidParameter {
            name: "q",
            message: "type what you are looking for, e.g. ?q=ankara".into(),
        });
    }
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::InvalidParameter {
            name: "q",
            message: format!("search text is limited to {MAX_QUERY_CHARS} characters"),
        });
    }
    let limit = params.parsed("limit", Limit::parse)?.unwrap_or_default();
    let key = CacheKey::listing(Kind::Search, format!("limit={}:q={query}", limit.get()));
    state
        .catalog_cache
        .serve(key, format, state.store.purge_position(), || state.store.search(query, limit))
        .await
}
