//! A vendor's product photos, at most eight per product in the vendor's order, the first the
//! main one. Own products only: 404 for no such product, 403 for another vendor's — checked
//! before a byte of the body is read.
//!
//! | route | what |
//! |---|---|
//! | `POST /api/v1/vendor/products/{id}/photos` | adds a photo after the others (201) |
//! | `PUT /api/v1/vendor/products/{id}/photos/{hash}` | puts a new photo in that one's place (200) |
//! | `DELETE /api/v1/vendor/products/{id}/photos/{hash}` | removes it (200) |
//! | `POST /api/v1/vendor/products/{id}/photos/{hash}/main` | moves it first (200) |
//! | `POST`/`DELETE /api/v1/vendor/products/{id}/images` | the single-photo API of before: replace / remove the main photo |
//!
//! An upload streams in with a size cap counted chunk by chunk, is sniffed as soon as its
//! first bytes arrive, and is then checked, decoded and re-encoded off the async threads
//! (`media::upload`). The original is stored first and the row second; if the row cannot be
//! written the object is deleted again, so a failed upload leaves nothing behind. The objects
//! of a photo replaced or removed are deleted after the row is gone.

use std::time::Instant;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use linkedall_images::SourceFormat;
use linkedall_shared::{Photo, ProductId, valid_hash};
use linkedall_store::product_photos::{PhotoEdit, PhotosEdited};
use serde::Serialize;

use super::AppState;
use crate::error::{Error, Result};
use crate::media::storage::object_key;
use crate::media::{upload, variants};
use crate::session::VendorUser;

/// Multipart framing and other fields allowed on top of the photo itself.
pub const MULTIPART_OVERHEAD: u64 = 64 * 1024;

type MultipartResult = std::result::Result<Multipart, axum::extract::multipart::MultipartRejection>;

/// The answer of a gallery edit: the photo uploaded (when there was one) and every photo of
/// the product afterwards, the main one first.
#[derive(Debug, Serialize)]
pub struct PhotosAnswer {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photo: Option<Photo>,
    pub photos: Vec<Photo>,
}

/// What a vendor asked of a product's photos, for metrics and logs.
#[derive(Debug, Clone, Copy)]
enum Action {
    Add,
    Replace,
    Remove,
    MakeMain,
}

impl Action {
    fn label(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Replace => "replace",
            Action::Remove => "remove",
            Action::MakeMain => "make_main",
        }
    }
}

/// Counts and logs one edit of a product's photos by how it ended.
fn record(
    action: Action,
    id: ProductId,
    vendor: &VendorUser,
    outcome: std::result::Result<&PhotosEdited, &Error>,
) {
    let label = match outcome {
        Ok(_) => "done",
        Err(Error::Photo(error)) => error.kind(),
        Err(Error::PayloadTooLarge { .. }) => "too_many_bytes",
        Err(Error::Store(linkedall_store::Error::TooManyPhotos { .. })) => "too_many_photos",
        Err(Error::Store(linkedall_store::Error::PhotoAlreadyThere { .. })) => "already_there",
        Err(Error::InvalidParameter { .. }) => "bad_id",
        Err(Error::Forbidden(_) | Error::Store(linkedall_store::Error::Forbidden(_))) => "not_theirs",
        Err(Error::NotFound { .. } | Error::Store(linkedall_store::Error::NotFound { .. })) => "not_found",
        Err(_) => "error",
    };
    metrics::counter!("photo_gallery_edits_total", "action" => action.label(), "outcome" => label)
        .increment(1);
    match outcome {
        Ok(edited) => tracing::info!(
            product = %id, vendor = %vendor.vendor_id, action = action.label(), photos = edited.photos.len(),
            dropped = edited.dropped.as_ref().map(|p| p.hash.as_str()), "product photos changed"
        ),
        Err(error) => tracing::info!(
            product = %id, vendor = %vendor.vendor_id, action = action.label(), outcome = label, %error,
            "product photo change refused"
        ),
    }
}

fn product_id(path: std::result::Result<Path<String>, PathRejection>) -> Result<ProductId> {
    let Path(raw) = path?;
    Ok(ProductId::parse(&raw)?)
}

/// `{id}` and `{hash}` of a photo's path; a hash that is not 32 lowercase hex digits is a 400.
fn photo_ids(
    path: std::result::Result<Path<(String, String)>, PathRejection>,
) -> Result<(ProductId, String)> {
    let Path((raw, hash)) = path?;
    let id = ProductId::parse(&raw)?;
    if !valid_hash(&hash) {
        return Err(Error::InvalidParameter {
            name: "hash",
            message: "a photo is named by the 32 hex digits of its `hash`".into(),
        });
    }
    Ok((id, hash))
}

/// After an edit committed: every page showing the product forgets it, and the dropped
/// photo's objects go before the answer (so a vendor who reads "removed" finds no file).
async fn after_commit(state: &AppState, id: ProductId, edited: &PhotosEdited, why: &'static str) {
    state.catalog_cache.products_changed(&[id], why).await;
    if let Some(dropped) = &edited.dropped {
        state.media.delete_photo(dropped).await;
    }
}

/// `POST /api/v1/vendor/products/{id}/photos` (multipart, the photo in a file field): 201 with
/// the photo and the product's photos; 409 `too-many-photos` past eight.
pub async fn add(
    State(state): State<AppState>,
    vendor: VendorUser,
    path: std::result::Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    multipart: MultipartResult,
) -> Result<(StatusCode, Json<PhotosAnswer>)> {
    let (photo, photos) =
        upload_and_edit(&state, vendor, product_id(path), &headers, multipart, Action::Add, |photo| {
            PhotoEdit::Add(photo)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(PhotosAnswer { photo: Some(photo), photos })))
}

/// `PUT /api/v1/vendor/products/{id}/photos/{hash}` (multipart): the new photo takes that one's
/// place; 200 with it and the product's photos.
pub async fn replace(
    State(state): State<AppState>,
    vendor: VendorUser,
    path: std::result::Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    multipart: MultipartResult,
) -> Result<Json<PhotosAnswer>> {
    let ids = photo_ids(path);
    let hash = ids.as_ref().map(|(_, hash)| hash.clone()).unwrap_or_default();
    let (photo, photos) = upload_and_edit(
        &state,
        vendor,
        ids.map(|(id, _)| id),
        &headers,
        multipart,
        Action::Replace,
        |with| PhotoEdit::Replace { hash, with },
    )
    .await?;
    Ok(Json(PhotosAnswer { photo: Some(photo), photos }))
}

/// `DELETE /api/v1/vendor/products/{id}/photos/{hash}`: 200 with the product's photos left.
pub async fn remove(
    State(state): State<AppState>,
    vendor: VendorUser,
    path: std::result::Result<Path<(String, String)>, PathRejection>,
) -> Result<Json<PhotosAnswer>> {
    edit_by_hash(state, vendor, path, Action::Remove, |hash| PhotoEdit::Remove { hash }).await
}

/// `POST /api/v1/vendor/products/{id}/photos/{hash}/main`: 200 with the product's photos, that
/// one first.
pub async fn make_main(
    State(state): State<AppState>,
    vendor: VendorUser,
    path: std::result::Result<Path<(String, String)>, PathRejection>,
) -> Result<Json<PhotosAnswer>> {
    edit_by_hash(state, vendor, path, Action::MakeMain, |hash| PhotoEdit::MakeMain { hash }).await
}

async fn edit_by_hash(
    state: AppState,
    vendor: VendorUser,
    path: std::result::Result<Path<(String, String)>, PathRejection>,
    action: Action,
    edit: impl FnOnce(String) -> PhotoEdit,
) -> Result<Json<PhotosAnswer>> {
    let ids = photo_ids(path);
    let id = ids.as_ref().map_or(ProductId::new(0), |(id, _)| *id);
    let outcome = match ids {
        Ok((id, hash)) => {
            state.store.edit_product_photos(vendor.vendor_id, id, edit(hash)).await.map_err(Error::from)
        }
        Err(error) => Err(error),
    };
    record(action, id, &vendor, outcome.as_ref());
    let edited = outcome?;
    after_commit(&state, id, &edited, "product photos changed").await;
    if matches!(action, Action::Remove) {
        metrics::counter!("photo_deletions_total").increment(1);
    }
    Ok(Json(PhotosAnswer { photo: None, photos: edited.photos }))
}

/// `POST /api/v1/vendor/products/{id}/images` (multipart, the photo in a file field): replaces
/// the main photo (or adds the first); 201 with the stored [`Photo`].
pub async fn upload(
    State(state): State<AppState>,
    vendor: VendorUser,
    path: std::result::Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    multipart: MultipartResult,
) -> Result<(StatusCode, Json<Photo>)> {
    let (photo, _) = upload_and_edit(
        &state,
        vendor,
        product_id(path),
        &headers,
        multipart,
        Action::Replace,
        PhotoEdit::ReplaceMain,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(photo)))
}

/// `DELETE /api/v1/vendor/products/{id}/images`: 204; the next photo becomes the main one, or
/// the product shows its generated picture.
pub async fn delete(
    State(state): State<AppState>,
    vendor: VendorUser,
    path: std::result::Result<Path<String>, PathRejection>,
) -> Result<StatusCode> {
    let id = product_id(path)?;
    let outcome = state
        .store
        .edit_product_photos(vendor.vendor_id, id, PhotoEdit::RemoveMain)
        .await
        .map_err(Error::from);
    record(Action::Remove, id, &vendor, outcome.as_ref());
    let edited = outcome?;
    after_commit(&state, id, &edited, "product photo removed").await;
    metrics::counter!("photo_deletions_total").increment(1);
    Ok(StatusCode::NO_CONTENT)
}

/// Receives a photo through the pipeline, stores its original, and makes `edit` of it; the
/// photo and the product's photos afterwards. Counted in `photo_uploads_total` (the pipeline's
/// outcome) and `photo_gallery_edits_total` (the edit's).
async fn upload_and_edit(
    state: &AppState,
    vendor: VendorUser,
    id: Result<ProductId>,
    headers: &HeaderMap,
    multipart: MultipartResult,
    action: Action,
    edit: impl FnOnce(Photo) -> PhotoEdit,
) -> Result<(Photo, Vec<Photo>)> {
    let started = Instant::now();
    let product = id.as_ref().map_or(ProductId::new(0), |id| *id);
    let outcome = match id {
        Ok(id) => store_and_edit(state, vendor, id, headers, multipart, edit).await,
        Err(error) => Err(error),
    };
    let label = match &outcome {
        Ok(_) => "stored",
        Err(Error::Photo(error)) => error.kind(),
        Err(Error::PayloadTooLarge { .. }) => "too_many_bytes",
        Err(Error::Forbidden(_) | Error::NotFound { .. }) => "not_theirs",
        Err(Error::Store(linkedall_store::Error::TooManyPhotos { .. })) => "too_many_photos",
        Err(_) => "error",
    };
    metrics::counter!("photo_uploads_total", "outcome" => label).increment(1);
    metrics::histogram!("photo_upload_seconds").record(started.elapsed().as_secs_f64());
    if let Ok((photo, _)) = &outcome {
        tracing::info!(product = %product, hash = %photo.hash, width = photo.width, height = photo.height, "product photo stored");
    }
    record(action, product, &vendor, outcome.as_ref().map(|(_, edited)| edited));
    let (photo, edited) = outcome?;
    Ok((photo, edited.photos))
}

async fn store_and_edit(
    state: &AppState,
    vendor: VendorUser,
    id: ProductId,
    headers: &HeaderMap,
    multipart: MultipartResult,
    edit: impl FnOnce(Photo) -> PhotoEdit,
) -> Result<(Photo, PhotosEdited)> {
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
    // The same photo again shares its object with a row: never delete that one.
    let existed = state.media.exists(&key).await?;
    if !existed {
        state.media.put(&key, prepared.original).await?;
    }
    let edited = match state.store.edit_product_photos(vendor.vendor_id, id, edit(photo.clone())).await {
        Ok(edited) => edited,
        Err(error) => {
            if !existed && let Err(cleanup) = state.media.delete(&key).await {
                tracing::error!(%cleanup, key, "could not delete the original of a failed upload");
            }
            return Err(error.into());
        }
    };
    after_commit(state, id, &edited, "product photo uploaded").await;
    variants::spawn(state.media.clone(), state.store.clone(), photo.clone(), prepared.pixels);
    Ok((photo, edited))
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
