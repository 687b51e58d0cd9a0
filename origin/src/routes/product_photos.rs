//! A vendor's product photo: `POST /api/v1/vendor/products/{id}/images` uploads (and
//! replaces) it, `DELETE` removes it. Own products only: 404 for no such product, 403 for
//! another vendor's — checked before a byte of the body is read.
//!
//! The upload streams in with a size cap counted chunk by chunk, is sniffed as soon as its
//! first bytes arrive, and is then checked, decoded and re-encoded off the async threads
//! (`media::upload`). The original is stored first and the row second; if the row cannot be
//! written the object is deleted again, so a failed upload leaves nothing behind.

use std::time::Instant;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use linkedall_images::SourceFormat;
use linkedall_shared::{Photo, ProductId};

use super::AppState;
use crate::error::{Error, Result};
use crate::media::storage::object_key;
use crate::media::{upload, variants};
use crate::session::VendorUser;

/// Multipart framing and other fields allowed on top of the photo itself.
pub const MULTIPART_OVERHEAD: u64 = 64 * 1024;

/// `POST /api/v1/vendor/products/{id}/images` (multipart, the photo in a file field): 201
/// with the stored [`Photo`].
pub async fn upload(
    State(state): State<AppState>,
    vendor: VendorUser,
    path: std::result::Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    multipart: std::result::Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<Photo>)> {
    let started = Instant::now();
    let Path(raw) = path?;
    let id = ProductId::parse(&raw)?;
    let outcome = upload_photo(&state, vendor, id, &headers, multipart).await;
    let label = match &outcome {
        Ok(_) => "stored",
        Err(Error::Photo(error)) => error.kind(),
        Err(Error::PayloadTooLarge { .. }) => "too_many_bytes",
        Err(Error::Forbidden(_) | Error::NotFound { .. }) => "not_theirs",
        Err(_) => "error",
    };
    metrics::counter!("photo_uploads_total", "outcome" => label).increment(1);
    metrics::histogram!("photo_upload_seconds").record(started.elapsed().as_secs_f64());
    match &outcome {
        Ok(photo) => {
            tracing::info!(product = %id, vendor = %vendor.vendor_id, hash = %photo.hash, width = photo.width, height = photo.height, "product photo stored")
        }
        Err(error) => {
            tracing::info!(product = %id, vendor = %vendor.vendor_id, outcome = label, %error, "product photo refused")
        }
    }
    Ok((StatusCode::CREATED, Json(outcome?)))
}

async fn upload_photo(
    state: &AppState,
    vendor: VendorUser,
    id: ProductId,
    headers: &HeaderMap,
    multipart: std::result::Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Photo> {
    // Whose product, before reading the body.
    let product =
        state.store.product(id).await?.ok_or_else(|| Error::NotFound { what: format!("product {id}") })?;
    if product.product.vendor_id != vendor.vendor_id {
        return Err(Error::Forbidden(format!("product {id} belongs to another vendor")));
    }
    let limit = state.media.settings.max_upload_bytes;
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit + MULTIPART_OVERHEAD) {
        return Err(Error::PayloadTooLarge { limit_bytes: limit });
    }
    let bytes = read_photo_field(multipart.map_err(|e| Error::InvalidBody(e.body_text()))?, limit).await?;

    let limits = state.media.settings.limits;
    let prepared = state.media.process(move || upload::prepare(id, &bytes, &limits)).await??;
    let photo = prepared.photo.clone();
    let key = object_key(&photo.original_path()).to_owned();
    // The same photo again shares its object with the current row: never delete that one.
    let existed = state.media.exists(&key).await?;
    if !existed {
        state.media.put(&key, prepared.original).await?;
    }
    let previous = match state.store.replace_product_photo(vendor.vendor_id, &photo).await {
        Ok(previous) => previous,
        Err(error) => {
            if !existed && let Err(cleanup) = state.media.delete(&key).await {
                tracing::error!(%cleanup, key, "could not delete the original of a failed upload");
            }
            return Err(error.into());
        }
    };
    state.catalog_cache.products_changed(&[id], "product photo replaced").await;
    if let Some(previous) = previous.filter(|p| p.hash != photo.hash) {
        let media = state.media.clone();
        tokio::spawn(async move { media.delete_photo(&previous).await });
    }
    variants::spawn(state.media.clone(), state.store.clone(), photo.clone(), prepared.pixels);
    Ok(photo)
}

/// The bytes of the first file field (or the field named `photo`), refused past `limit` as
/// soon as the count passes it, and refused as soon as the first bytes show a format we do
/// not take.
async fn read_photo_field(mut multipart: Multipart, limit: u64) -> Result<Vec<u8>> {
    let bad_body = |error: axum::extract::multipart::MultipartError| Error::InvalidBody(error.body_text());
    while let Some(mut field) = multipart.next_field().await.map_err(bad_body)? {
        if field.file_name().is_none() && field.name() != Some("photo") {
            continue;
        }
        let mut bytes = Vec::new();
        let mut sniffed = false;
        while let Some(chunk) = field.chunk().await.map_err(bad_body)? {
            if (bytes.len() + chunk.len()) as u64 > limit {
                return Err(Error::PayloadTooLarge { limit_bytes: limit });
            }
            bytes.extend_from_slice(&chunk);
            if !sniffed && bytes.len() >= 16 {
                SourceFormat::sniff_magic(&bytes)?;
                sniffed = true;
            }
        }
        return Ok(bytes);
    }
    Err(Error::InvalidBody("no photo in the form: send it as a file field named `photo`".into()))
}

/// `DELETE /api/v1/vendor/products/{id}/images`: 204; the product shows its placeholder.
pub async fn delete(
    State(state): State<AppState>,
    vendor: VendorUser,
    path: std::result::Result<Path<String>, PathRejection>,
) -> Result<StatusCode> {
    let Path(raw) = path?;
    let id = ProductId::parse(&raw)?;
    let removed = state.store.remove_product_photo(vendor.vendor_id, id).await?;
    state.catalog_cache.products_changed(&[id], "product photo removed").await;
    state.media.delete_photo(&removed).await;
    metrics::counter!("photo_deletions_total").increment(1);
    tracing::info!(product = %id, vendor = %vendor.vendor_id, hash = %removed.hash, "product photo removed");
    Ok(StatusCode::NO_CONTENT)
}
