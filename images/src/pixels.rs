//! Decoded pixels: 8-bit RGB, or RGBA when the photo has transparency.

use image::DynamicImage;

/// An upright (EXIF orientation already applied) 8-bit RGB or RGBA image.
#[derive(Debug, Clone, PartialEq)]
pub struct Pixels {
    image: DynamicImage,
}

impl Pixels {
    /// Keeps RGB and RGBA as they are; converts anything else (grey, 16-bit) to one of them.
    pub fn new(image: DynamicImage) -> Pixels {
        let image = match image {
            DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) => image,
            other if other.color().has_alpha() => DynamicImage::ImageRgba8(other.to_rgba8()),
            other => DynamicImage::ImageRgb8(other.to_rgb8()),
        };
        Pixels { image }
    }

    pub fn from_rgb(width: u32, height: u32, data: Vec<u8>) -> Option<Pixels> {
        image::RgbImage::from_raw(width, height, data).map(|image| Pixels { image: image.into() })
    }

    pub fn from_rgba(width: u32, height: u32, data: Vec<u8>) -> Option<Pixels> {
        image::RgbaImage::from_raw(width, height, data).map(|image| Pixels { image: image.into() })
    }

    pub fn width(&self) -> u32 {
        self.image.width()
    }

    pub fn height(&self) -> u32 {
        self.image.height()
    }

    pub fn has_alpha(&self) -> bool {
        matches!(self.image, DynamicImage::ImageRgba8(_))
    }

    /// Bytes per pixel: 3 or 4.
    pub fn channels(&self) -> usize {
        if self.has_alpha() { 4 } else { 3 }
    }

    /// The raw interleaved bytes, row by row.
    pub fn as_bytes(&self) -> &[u8] {
        self.image.as_bytes()
    }

    /// RGB bytes with any transparency flattened onto white (for JPEG).
    pub fn to_rgb_on_white(&self) -> std::borrow::Cow<'_, [u8]> {
        match &self.image {
            DynamicImage::ImageRgba8(rgba) => rgba
                .pixels()
                .flat_map(|pixel| {
                    let [r, g, b, a] = pixel.0;
                    let over = |c: u8| {
                        ((u32::from(c) * u32::from(a) + 255 * (255 - u32::from(a)) + 127) / 255) as u8
                    };
                    [over(r), over(g), over(b)]
                })
                .collect::<Vec<u8>>()
                .into(),
            other => other.as_bytes().into(),
        }
    }

    pub(crate) fn orient(&mut self, orientation: image::metadata::Orientation) {
        self.image.apply_orientation(orientation);
    }

    pub fn as_image(&self) -> &DynamicImage {
        &self.image
    }
}
