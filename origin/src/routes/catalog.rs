//! Home feed, categories and products, each answered through the catalog cache.

use axum::extract::{Path, State};
use axum::response::Response;
use linkedall_shared::{Cursor, Limit, ProductId, ProductList};

use super::AppState;
use crate::catalog_cache::{CacheKey, Kind};
use crate::error::{Error, Result};
use crate::negotiate::Format;
use crate::params::QueryParams;

/// `GET /api/v1/home`: every category and the featured shelf, in one round trip for the edge.
pub async fn home(State(state): State<AppState>, format: Format) -> Result<Response> {
    state
        .catalog_cache
        .serve(CacheKey::listing(Kind::Home, ""), format, state.store.purge_position(), || state.store.home())
        .await
}

/// `GET /api/v1/categories`
pub async fn categories(State(state): State<AppState>, format: Format) -> Result<Response> {
    state
        .catalog_cache
        .serve(CacheKey::listing(Kind::Categories, ""), format, state.store.purge_position(), || {
            state.store.categories()
        })
        .await
}

/// `GET /api/v1/products?category=<slug>&cursor=<next_cursor>&limit=<1..100>`
pub async fn products(
    State(state): State<AppState>,
    format: Format,
    params: QueryParams,
) -> Result<Response> {
    let limit = params.parsed("limit", Limit::parse)?.unwrap_or_default();
    let cursor = params.parsed("cursor", Cursor::parse)?;
    let slug = params.get("category");
    let key = CacheKey::listing(
        Kind::Products,
        format!(
            "limit={}:cursor={}:category={}",
            limit.get(),
            cursor.map_or(0, |c| c.last_product().get()),
            slug.unwrap_or_default()
        ),
    );
    state
        .catalog_cache
        .serve(key, format, state.store.purge_position(), || async {
            let category =
                match slug {
                    Some(slug) => {
                        Some(state.store.category_by_slug(slug).await?.ok_or_else(|| Error::NotFound {
                            what: format!("category `{}`", truncate(slug)),
                        })?)
                    }
                    None => None,
                };
            let (items, next_cursor) =
                state.store.products(category.as_ref().map(|c| c.id), cursor, limit).await?;
            Ok::<_, Error>(ProductList { category, items, next_cursor })
        })
        .await
}

/// `GET /api/v1/products/{id}`
pub async fn product(
    State(state): State<AppState>,
    format: Format,
    path: std::result::Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Response> {
    let Path(raw) = path?;
    let id = ProductId::parse(&raw)?;
    state
        .catalog_cache
        .serve(CacheKey::product(id), format, state.store.purge_position(), || async {
            state.store.product(id).await?.ok_or_else(|| Error::NotFound { what: format!("product {id}") })
        })
        .await
}

pub(crate) fn truncate(text: &str) -> String {
    text.chars().take(64).collect()
}
