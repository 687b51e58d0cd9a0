//! `GET /media/products/…`: photo originals and preset variants from the object store.
//!
//! Paths are content-hashed (`shared::media`), so every answer is cacheable for a year and
//! immutable. A variant the background job has not stored yet is made on demand from the
//! original and stored for the next request (unless the photo was replaced meanwhile).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use linkedall_shared::{MediaPath, PhotoFormat};

use super::AppState;
use crate::error::{Error, Result};
use crate::media::storage::{VARIANT_FORMATS, object_key};
use crate::media::variants;

/// Cache-Control of content-hashed media.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `GET /media/products/{*rest}`
pub async fn serve(State(state): State<AppState>, Path(rest): Path<String>) -> Result<Response> {
    let path = format!("{}{rest}", MediaPath::PREFIX);
    let not_found = || Error::NotFound { what: format!("photo `{}`", super::catalog::truncate(&path)) };
    let parsed = MediaPath::parse(&path).ok_or_else(not_found)?;
    let key = object_key(&path).to_owned();
    let (bytes, format, kind) = match &parsed {
        MediaPath::Original { format, .. } => (state.media.get(&key).await?, *format, "original"),
        MediaPath::Variant { product, hash, preset, format } => {
            if !VARIANT_FORMATS.contains(format) {
                return Err(not_found());
            }
            match state.media.get(&key).await? {
                Some(bytes) => (Some(bytes), *format, "variant"),
                None => {
                    // Made on demand, only for one of the product's current photos.
                    let Some(photo) = state.store.product_photo(*product, hash).await? else {
                        return Err(not_found());
                    };
                    let original =
                        state.media.get(object_key(&photo.original_path())).await?.ok_or_else(not_found)?;
                    let (limits, preset, format) = (state.media.settings.limits, *preset, *format);
                    let made = state
                        .media
                        .process(move || variants::render_one(&original, &limits, preset, format))
                        .await??;
                    state.media.put(&key, made.clone()).await?;
                    metrics::counter!("photo_variants_generated_total", "format" => format.extension(), "when" => "request").increment(1);
                    tracing::info!(key, "photo variant made on request");
                    // Replaced or deleted while it was made: answer this request, keep nothing.
                    if !variants::is_current(&state.store, &photo).await.unwrap_or(true) {
                        variants::discard(&state.media, &photo, std::slice::from_ref(&key)).await;
                    }
                    (Some(made.into()), format, "variant_on_demand")
                }
            }
        }
    };
    let Some(bytes) = bytes else {
        metrics::counter!("media_requests_total", "kind" => kind, "outcome" => "missing").increment(1);
        return Err(not_found());
    };
    metrics::counter!("media_requests_total", "kind" => kind, "outcome" => "served").increment(1);
    Ok((
        [
            (header::CONTENT_TYPE, PhotoFormat::media_type(format)),
            (header::CACHE_CONTROL, IMMUTABLE),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        bytes,
    )
        .into_response())
}
