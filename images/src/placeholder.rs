//! The ThumbHash placeholder pages show while a photo loads: ~25 bytes, base64.

use base64::Engine;

use crate::error::Result;
use crate::pixels::Pixels;
use crate::resize::resize_to_fit;

/// ThumbHash of an upright photo, base64 (standard alphabet, no padding). ThumbHash wants
/// at most 100×100 pixels, so the photo is scaled down first.
pub fn thumbhash(pixels: &Pixels) -> Result<String> {
    let small = resize_to_fit(pixels, 100, 100)?;
    let rgba: Vec<u8> = if small.has_alpha() {
        small.as_bytes().to_vec()
    } else {
        small.as_bytes().chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect()
    };
    let hash = thumbhash::rgba_to_thumb_hash(small.width() as usize, small.height() as usize, &rgba);
    Ok(base64::engine::general_purpose::STANDARD_NO_PAD.encode(hash))
}
