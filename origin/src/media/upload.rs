//! From an uploaded file to a storable photo: the checks of `linkedall-images` in order
//! (sniff, polyglot, header limits, bounded decode, EXIF orientation), then the original
//! re-encoded from its pixels — so no metadata (EXIF, GPS, XMP, comments, appended data)
//! survives — its content hash, and its ThumbHash. Blocking: run it through
//! [`super::MediaStore::process`].

use linkedall_images::{Encoding, ImageError, Limits, Pixels, SourceFormat, decode, encode, thumbhash};
use linkedall_shared::{Photo, PhotoFormat, ProductId};
use sha2::{Digest, Sha256};

/// JPEG quality of re-encoded originals: visually lossless, still smaller than most uploads.
pub const ORIGINAL_QUALITY: u8 = 90;

/// A photo ready to store: its record, the bytes of its original, and its upright pixels for
/// the variants.
pub struct PreparedPhoto {
    pub photo: Photo,
    pub original: Vec<u8>,
    pub pixels: Pixels,
}

/// Checks, decodes and re-encodes an upload for `product`.
pub fn prepare(product: ProductId, bytes: &[u8], limits: &Limits) -> Result<PreparedPhoto, ImageError> {
    let decoded = decode(bytes, limits, None)?;
    let (format, encoding) = match decoded.format {
        SourceFormat::Jpeg => (PhotoFormat::Jpeg, Encoding::Jpeg { quality: ORIGINAL_QUALITY }),
        SourceFormat::Png => (PhotoFormat::Png, Encoding::Png),
        SourceFormat::Webp => (PhotoFormat::Webp, Encoding::Webp { quality: ORIGINAL_QUALITY }),
    };
    let original = encode(&decoded.pixels, encoding)?;
    let hash = hex::encode(&Sha256::digest(&original)[..16]);
    let thumbhash = thumbhash(&decoded.pixels)?;
    Ok(PreparedPhoto {
        photo: Photo { product, hash, format, width: decoded.width, height: decoded.height, thumbhash },
        original,
        pixels: decoded.pixels,
    })
}
