//! Preset variants (thumb 160, card 400, detail 800, zoom 1600 px wide; never enlarged) in
//! WebP and JPEG, made in the background after an upload, or on demand when a request
//! arrives first.

use std::time::Instant;

use linkedall_images::{Encoding, ImageError, Limits, Pixels, decode, encode, resize_to_width};
use linkedall_shared::{Photo, PhotoFormat, Preset};

use super::storage::{MediaStore, VARIANT_FORMATS, object_key};
use crate::store::Store;
use crate::store::product_photos::VariantsStatus;

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

/// Makes and stores every variant of `photo` in the background, then records the outcome.
/// The upload's response does not wait for it.
pub fn spawn(media: MediaStore, store: Store, photo: Photo, pixels: Pixels) {
    tokio::spawn(async move {
        let started = Instant::now();
        let rendered = media.process(move || render_all(&pixels)).await;
        let stored = match rendered {
            Ok(Ok(variants)) => {
                let mut stored = Ok(());
                for (preset, format, bytes) in variants {
                    if let Err(error) =
                        media.put(object_key(&photo.variant_path(preset, format)), bytes).await
                    {
                        stored = Err(error.to_string());
                        break;
                    }
                    metrics::counter!("photo_variants_generated_total", "format" => format.extension(), "when" => "upload").increment(1);
                }
                stored
            }
            Ok(Err(error)) => Err(error.to_string()),
            Err(error) => Err(error.to_string()),
        };
        let status = match &stored {
            Ok(()) => {
                tracing::info!(product = %photo.product, hash = %photo.hash, elapsed_ms = started.elapsed().as_millis() as u64, "photo variants stored");
                VariantsStatus::Ready
            }
            Err(error) => {
                tracing::error!(product = %photo.product, hash = %photo.hash, %error, "photo variants failed; they will be made on request");
                VariantsStatus::Failed
            }
        };
        metrics::histogram!("photo_variants_seconds").record(started.elapsed().as_secs_f64());
        if let Err(error) = store.set_photo_variants(photo.product, &photo.hash, status).await {
            tracing::warn!(%error, "could not record the photo variants' status");
        }
    });
}
