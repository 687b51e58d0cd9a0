//! Generated product pictures for products without a photo (every demo product): a small SVG
//! per product, drawn by [`crate::picture`] from its name and category, so a million seeded
//! products have a picture without a million files. Vendor photos replace it on upload.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use linkedall_shared::ProductId;

use super::AppState;
use crate::error::{Error, Result};

/// `GET /images/products/{id}.svg`
pub async fn product_picture(
    State(state): State<AppState>,
    path: std::result::Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Response> {
    let Path(file) = path?;
    let raw_id = file
        .strip_suffix(".svg")
        .ok_or_else(|| Error::NotFound { what: format!("image `{}`", super::catalog::truncate(&file)) })?;
    let id = ProductId::parse(raw_id)?;
    let (name, category) = state
        .store
        .product_label(id)
        .await?
        .ok_or_else(|| Error::NotFound { what: format!("product {id}") })?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400, stale-while-revalidate=604800"),
        ],
        crate::picture::draw(id, &name, &category),
    )
        .into_response())
}
