//! How large a photo may be: checked on the header before any pixel is decoded, and again as
//! a memory cap while decoding.

use crate::error::{ImageError, Result};

/// Size limits for one photo. Every limit is a named setting so operators can change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest accepted side, in pixels (default 12,000).
    pub max_side: u32,
    /// Most pixels in total (default 50 megapixels).
    pub max_pixels: u64,
    /// Most bytes a decoder may allocate for one photo (default 256 MiB — a 50 MP RGBA
    /// image is 200 MB).
    pub max_alloc: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_side: 12_000, max_pixels: 50_000_000, max_alloc: 256 * 1024 * 1024 }
    }
}

impl Limits {
    /// Refuses `width`×`height` when a side or the area is past the limits (or zero).
    pub fn check(&self, width: u32, height: u32) -> Result<()> {
        let pixels = u64::from(width) * u64::from(height);
        if width == 0
            || height == 0
            || width > self.max_side
            || height > self.max_side
            || pixels > self.max_pixels
        {
            return Err(ImageError::TooLarge {
                width,
                height,
                max_side: self.max_side,
                max_pixels: self.max_pixels,
            });
        }
        Ok(())
    }

    /// The same limits in the `image` crate's terms, for its decoders.
    pub(crate) fn for_image_crate(&self) -> image::Limits {
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(self.max_side);
        limits.max_image_height = Some(self.max_side);
        limits.max_alloc = Some(self.max_alloc);
        limits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_up_to_the_limits_and_refuses_one_pixel_more() {
        let limits = Limits::default();
        assert!(limits.check(12_000, 4_000).is_ok());
        assert!(matches!(limits.check(12_001, 10), Err(ImageError::TooLarge { width: 12_001, .. })));
        assert!(matches!(limits.check(10, 12_001), Err(ImageError::TooLarge { .. })));
        assert!(limits.check(10_000, 5_000).is_ok(), "exactly 50 MP");
        assert!(limits.check(10_000, 5_001).is_err(), "just over 50 MP");
        assert!(limits.check(0, 10).is_err());
    }
}
