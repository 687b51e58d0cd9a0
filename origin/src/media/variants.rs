//! Preset variants (thumb 160, card 400, detail 800, zoom 1600 px wide; never enlarged) in
//! WebP and JPEG, made in the background after an upload, or on demand when a request
//! arrives first. Either way they are kept only while their photo is one of its product's
//! photos: a replace or delete racing the generation never leaves variant files behind.

use std::time::Instant;

use linkedall_images::{Encoding, ImageError, Limits, Pixels, decode, encode, resize_to_width};
use linkedall_shared::{Photo, PhotoFormat, Preset};

use super::storage::{MediaStore, VARIANT_FORMATS, object_key};
use linkedall_store::Store;
use linkedall_store::product_photos::VariantsStatus;

/// Quality of variants: what shoppers download.
pub const VARIANT_QUALITY: u8 = 80;

fn encoding(format: PhotoFormat) -> Encoding {
    match format {
        PhotoFormat::Webp => Encoding::Webp { quality: VARIANT_QUALITY },
        PhotoFormat::Png => Encoding::Png,
        PhotoFormat::Jpeg | PhotoFormat::Avif => Encoding::Jpeg { quality: VARIANT_QUALITY },
    }
}

/// Every preset in every variant format, largest first, each resized from the one before
/// (Lanczos3 from a 2× larger copy looks the same and costs a quarter).
pub fn render_all(pixels: &Pixels) -> Result<Vec<(Preset, PhotoFormat, Vec<u8>)>, ImageError> {
    let mut out = Vec::new();
    let mut source = pixels.clone();
    for preset in Preset::ALL.into_iter().rev() {
        source = resize_to_width(&source, preset.width())?;
        for format in VARIANT_FORMATS {
            out.push((preset, format, encode(&source, encoding(format))?));
        }
    }
    Ok(out)
}

/// One variant from the stored original's bytes (the on-demand path).
pub fn render_one(
    original: &[u8],
    limits: &Limits,
    preset: Preset,
    format: PhotoFormat,
) -> Result<Vec<u8>, ImageError> {
    let decoded = decode(original, limits, Some((preset.width(), 1)))?;
    encode(&resize_to_width(&decoded.pixels, preset.width())?, encoding(format))
}

/// What became of one run of variant generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Generation {
    /// Every variant is stored and the photo is still one of its product's photos.
    Stored,
    /// The photo was replaced or deleted before or while its variants were written: nothing
    /// of this run is left in the store (`removed` objects it had written were deleted again).
    Superseded { removed: usize },
    /// Rendering or storing failed; the variants will be made on request.
    Failed(String),
}

/// Makes and stores every variant of `photo` in the background, then records the outcome.
/// The upload's response does not wait for it.
pub fn spawn(media: MediaStore, store: Store, photo: Photo, pixels: Pixels) {
    tokio::spawn(async move {
        generate(&media, &store, &photo, pixels).await;
    });
}

/// Renders and stores every variant of `photo`, unless it stopped being one of its product's photos
/// first. The check is made before rendering (no work for a photo already gone) and again
/// after writing ([`store_if_current`]), because a replace or delete that lands while the
/// variants are written deletes the objects it knows of before the last ones arrive.
pub async fn generate(media: &MediaStore, store: &Store, photo: &Photo, pixels: Pixels) -> Generation {
    let started = Instant::now();
    let outcome = match is_current(store, photo).await {
        Ok(false) => Generation::Superseded { removed: 0 },
        Ok(true) | Err(_) => match media.process(move || render_all(&pixels)).await {
            Ok(Ok(variants)) => store_if_current(media, store, photo, variants).await,
            Ok(Err(error)) => Generation::Failed(error.to_string()),
            Err(error) => Generation::Failed(error.to_string()),
        },
    };
    let (status, label) = match &outcome {
        Generation::Stored => {
            tracing::info!(product = %photo.product, hash = %photo.hash, elapsed_ms = started.elapsed().as_millis() as u64, "photo variants stored");
            (Some(VariantsStatus::Ready), "stored")
        }
        Generation::Superseded { removed } => {
            tracing::info!(product = %photo.product, hash = %photo.hash, removed, "photo replaced or deleted during variant generation; its variants were not kept");
            (None, "superseded")
        }
        Generation::Failed(error) => {
            tracing::error!(product = %photo.product, hash = %photo.hash, %error, "photo variants failed; they will be made on request");
            (Some(VariantsStatus::Failed), "failed")
        }
    };
    metrics::counter!("photo_variant_runs_total", "outcome" => label).increment(1);
    metrics::histogram!("photo_variants_seconds").record(started.elapsed().as_secs_f64());
    // A superseded photo has no row to record anything on.
    if let Some(status) = status
        && let Err(error) = store.set_photo_variants(photo.product, &photo.hash, status).await
    {
        tracing::warn!(%error, "could not record the photo variants' status");
    }
    outcome
}

/// Writes rendered variants of `photo`, then checks that it is still one of its product's photos; if
/// it is not (replaced or deleted meanwhile), deletes every object this call wrote.
///
/// Why after and not only before: the replace/delete path removes the row first and the
/// objects second. A write finishing before our check is seen by that removal or by our
/// check; a write after the removal is caught by our check. Either way nothing is orphaned.
pub async fn store_if_current(
    media: &MediaStore,
    store: &Store,
    photo: &Photo,
    variants: Vec<(Preset, PhotoFormat, Vec<u8>)>,
) -> Generation {
    let mut written = Vec::new();
    let mut failure = None;
    for (preset, format, bytes) in variants {
        let key = object_key(&photo.variant_path(preset, format)).to_owned();
        if let Err(error) = media.put(&key, bytes).await {
            failure = Some(error.to_string());
            break;
        }
        metrics::counter!("photo_variants_generated_total", "format" => format.extension(), "when" => "upload").increment(1);
        written.push(key);
    }
    // An error reading the row keeps the objects: a stray variant costs disk, a missing one
    // of the current photo costs a re-render on request.
    if is_current(store, photo).await.unwrap_or(true) {
        return failure.map_or(Generation::Stored, Generation::Failed);
    }
    let removed = discard(media, photo, &written).await;
    Generation::Superseded { removed }
}

/// Whether `photo` (its hash) is still one of its product's photos.
pub async fn is_current(store: &Store, photo: &Photo) -> crate::error::Result<bool> {
    let current = store.photo_variants(photo.product, &photo.hash).await.inspect_err(|error| {
        tracing::warn!(%error, product = %photo.product, "could not check whether a photo is current");
    })?;
    Ok(current.is_some())
}

/// Deletes the given variant objects of a photo that is no longer current; returns how many.
pub async fn discard(media: &MediaStore, photo: &Photo, keys: &[String]) -> usize {
    let mut removed = 0;
    for key in keys {
        match media.delete(key).await {
            Ok(()) => removed += 1,
            Err(error) => tracing::warn!(%error, key, "could not delete a variant of a replaced photo"),
        }
    }
    media.remove_empty_variant_folder(photo);
    metrics::counter!("photo_variants_discarded_total").increment(removed as u64);
    removed
}
