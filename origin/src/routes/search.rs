//! Product search, and refined listings of a category (sorted, filtered, paged).

use axum::extract::State;
use axum::response::Response;
use linkedall_shared::{Browse, FxRates, Limit, SearchResults, Sort};

use super::AppState;
use super::catalog::truncate;
use crate::catalog_cache::{CacheKey, Kind};
use crate::error::{Error, Result};
use crate::negotiate::Format;
use crate::params::QueryParams;

/// Longer queries are refused rather than silently cut: nobody types 200 characters into a
/// shop's search box, and the limit bounds the work one request can ask of the database.
pub const MAX_QUERY_CHARS: usize = 200;

/// `GET /api/v1/search?q=<text>&category=<slug>&sort=relevance|price_asc|price_desc|newest
/// &min_price=&max_price=&currency=<ISO>&in_stock=1&city=&ships_to=<country>&page=&limit=`:
/// one page of results, best match first unless sorted otherwise, with how many there are.
/// `q` may be left out when `category` is given (a category page with filters). Prices in the
/// range are whole units of `currency` (the shopper's), compared as pages show them.
pub async fn search(State(state): State<AppState>, format: Format, params: QueryParams) -> Result<Response> {
    let browse = Browse::from_pairs(params.pairs())
        .map_err(|error| Error::InvalidParameter { name: error.parameter(), message: error.to_string() })?;
    if browse.words.is_empty() && browse.category.is_none() {
        return Err(Error::InvalidParameter {
            name: "q",
            message: "type what you are looking for, e.g. ?q=ankara (or name a category)".into(),
        });
    }
    if browse.words.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::InvalidParameter {
            name: "q",
            message: format!("search text is limited to {MAX_QUERY_CHARS} characters"),
        });
    }
    let limit = params.parsed("limit", Limit::parse)?.unwrap_or_default();
    // The canonical query: the same request in any parameter order is one cache entry.
    let key = CacheKey::listing(Kind::Search, format!("limit={}:{}", limit.get(), browse.to_query()));
    let priced = browse.has_price_range() || matches!(browse.sort(), Sort::PriceLowHigh | Sort::PriceHighLow);
    state
        .catalog_cache
        .serve(key, format, state.store.purge_position(), || async {
            let category =
                match &browse.category {
                    Some(slug) => {
                        Some(state.store.category_by_slug(slug).await?.ok_or_else(|| Error::NotFound {
                            what: format!("category `{}`", truncate(slug)),
                        })?)
                    }
                    None => None,
                };
            let rates = if priced { state.store.fx_rates().await? } else { FxRates::default() };
            let found = state.store.browse(&browse, category.as_ref().map(|c| c.id), &rates, limit).await?;
            Ok::<_, Error>(SearchResults {
                query: browse.words.clone(),
                category,
                categories: state.store.categories().await?,
                items: found.items,
                count: found.count,
                page: browse.page,
                has_next: found.has_next,
            })
        })
        .await
}
