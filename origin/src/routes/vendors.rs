//! Vendor storefronts.

use axum::extract::{Path, State};
use axum::response::Response;
use linkedall_shared::{Cursor, Limit, VendorId};

use super::AppState;
use crate::catalog_cache::{CacheKey, Kind};
use crate::error::{Error, Result};
use crate::negotiate::Format;
use crate::params::QueryParams;

/// `GET /api/v1/vendors/{id}?cursor=&limit=`: the vendor and a page of their products.
pub async fn storefront(
    State(state): State<AppState>,
    format: Format,
    params: QueryParams,
    path: std::result::Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Response> {
    let Path(raw) = path?;
    let id = VendorId::parse(&raw)?;
    let limit = params.parsed("limit", Limit::parse)?.unwrap_or_default();
    let cursor = params.parsed("cursor", Cursor::parse)?;
    let key = CacheKey::listing(
        Kind::Vendor,
        format!("{id}:limit={}:cursor={}", limit.get(), cursor.map_or(0, |c| c.last_product().get())),
    );
    state
        .catalog_cache
        .serve(key, format, state.store.purge_position(), || async {
            state
                .store
                .vendor_storefront(id, cursor, limit)
                .await?
                .ok_or_else(|| Error::NotFound { what: format!("vendor {id}") })
        })
        .await
}
