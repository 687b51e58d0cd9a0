//! Encoders. None of them writes metadata: no EXIF, GPS, XMP or ICC chunk reaches a stored
//! or served copy, because we only ever hand them pixels.
//!
//! WebP is lossy (libwebp, quality as asked) when the `native-webp` feature is on — the
//! origin's build — and lossless (`image-webp`, pure Rust, quality ignored) otherwise, which
//! is what a wasm build gets: the edge serves the origin's pre-generated lossy presets.

// std's Instant panics on wasm32-unknown-unknown (workerd); web-time reads performance.now()
// there and is std's Instant elsewhere.
use web_time::Instant;

use crate::error::{ImageError, Result};
use crate::pixels::Pixels;

/// An output format and its settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Baseline JPEG, quality 1–100 (4:2:0, optimised Huffman tables).
    Jpeg {
        quality: u8,
    },
    Png,
    /// Quality 1–100; used only when [`WEBP_IS_LOSSY`].
    Webp {
        quality: u8,
    },
}

impl Encoding {
    pub const fn name(self) -> &'static str {
        match self {
            Encoding::Jpeg { .. } => "jpeg",
            Encoding::Png => "png",
            Encoding::Webp { .. } => "webp",
        }
    }
}

/// Whether this build writes lossy WebP (libwebp) rather than lossless (image-webp).
pub const WEBP_IS_LOSSY: bool = cfg!(feature = "native-webp");

/// Encodes `pixels`. JPEG flattens transparency onto white.
pub fn encode(pixels: &Pixels, encoding: Encoding) -> Result<Vec<u8>> {
    let started = Instant::now();
    let encoded = match encoding {
        Encoding::Jpeg { quality } => encode_jpeg(pixels, quality),
        Encoding::Png => encode_png(pixels),
        Encoding::Webp { quality } => encode_webp(pixels, quality),
    }?;
    metrics::counter!("images_encoded_total", "format" => encoding.name()).increment(1);
    metrics::histogram!("images_encode_seconds", "format" => encoding.name())
        .record(started.elapsed().as_secs_f64());
    tracing::debug!(
        format = encoding.name(),
        width = pixels.width(),
        height = pixels.height(),
        bytes = encoded.len(),
        "photo encoded"
    );
    Ok(encoded)
}

fn failed(format: &'static str, error: impl std::fmt::Display) -> ImageError {
    ImageError::Encode { format, reason: error.to_string() }
}

fn encode_jpeg(pixels: &Pixels, quality: u8) -> Result<Vec<u8>> {
    let width = u16::try_from(pixels.width()).map_err(|error| failed("jpeg", error))?;
    let height = u16::try_from(pixels.height()).map_err(|error| failed("jpeg", error))?;
    let rgb = pixels.to_rgb_on_white();
    let mut out = Vec::with_capacity(rgb.len() / 8);
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality.clamp(1, 100));
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    encoder.set_optimized_huffman_tables(true);
    encoder
        .encode(&rgb, width, height, jpeg_encoder::ColorType::Rgb)
        .map_err(|error| failed("jpeg", error))?;
    Ok(out)
}

fn encode_png(pixels: &Pixels) -> Result<Vec<u8>> {
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let mut out = Vec::new();
    let color =
        if pixels.has_alpha() { image::ExtendedColorType::Rgba8 } else { image::ExtendedColorType::Rgb8 };
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive)
        .write_image(pixels.as_bytes(), pixels.width(), pixels.height(), color)
        .map_err(|error| failed("png", error))?;
    Ok(out)
}

/// libwebp's effort (`method`, 0 fastest … 6 smallest): 4, what `vipsthumbnail` and libvips'
/// `webpsave` use by default (`effort=4`) and libwebp's own default, so at the same quality our
/// presets are the same files libvips would write — no speed is bought with quality.
#[cfg(feature = "native-webp")]
pub const WEBP_METHOD: i32 = 4;

/// Lossy WebP with libvips' default settings: [`WEBP_METHOD`], the default preset, plain
/// (not "sharp") RGB→YUV 4:2:0, alpha compressed losslessly. Pinned here rather than left to
/// the wrapper's defaults, so a dependency update cannot silently trade quality for speed.
/// (libwebp's SSE4.1 paths, which libwebp-sys leaves out unless asked, were measured: the same
/// bytes, about 2% less CPU — not worth requiring an x86-64-v2 CPU; see BENCHMARKS.md.)
#[cfg(feature = "native-webp")]
fn encode_webp(pixels: &Pixels, quality: u8) -> Result<Vec<u8>> {
    let encoder = if pixels.has_alpha() {
        webp::Encoder::from_rgba(pixels.as_bytes(), pixels.width(), pixels.height())
    } else {
        webp::Encoder::from_rgb(pixels.as_bytes(), pixels.width(), pixels.height())
    };
    let mut config = webp::WebPConfig::new().map_err(|()| failed("webp", "libwebp refused its defaults"))?;
    config.lossless = 0;
    config.quality = f32::from(quality.clamp(1, 100));
    config.method = WEBP_METHOD;
    config.alpha_compression = 1;
    let memory = encoder.encode_advanced(&config).map_err(|error| failed("webp", format!("{error:?}")))?;
    Ok(memory.to_vec())
}

#[cfg(not(feature = "native-webp"))]
fn encode_webp(pixels: &Pixels, _quality: u8) -> Result<Vec<u8>> {
    let color = if pixels.has_alpha() { image_webp::ColorType::Rgba8 } else { image_webp::ColorType::Rgb8 };
    let mut out = Vec::new();
    image_webp::WebPEncoder::new(&mut out)
        .encode(pixels.as_bytes(), pixels.width(), pixels.height(), color)
        .map_err(|error| failed("webp", error))?;
    Ok(out)
}

#[cfg(all(test, feature = "native-webp"))]
mod tests {
    use super::*;

    /// A noisy photo-like image: flat colour would compress the same at every quality.
    fn photo() -> Pixels {
        let mut state = 0x9e37_79b9_u32;
        let data = (0..320 * 240 * 3)
            .map(|i| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                ((i % 960) as u32 / 4 + state % 40) as u8
            })
            .collect();
        Pixels::from_rgb(320, 240, data).unwrap()
    }

    #[test]
    fn native_webp_is_lossy_and_follows_the_quality_asked() {
        let photo = photo();
        let q80 = encode(&photo, Encoding::Webp { quality: 80 }).unwrap();
        let q40 = encode(&photo, Encoding::Webp { quality: 40 }).unwrap();
        assert_eq!(&q80[12..16], b"VP8 ", "a lossy (VP8) bitstream, not lossless VP8L");
        assert!(q40.len() < q80.len(), "q40 {} bytes, q80 {} bytes", q40.len(), q80.len());
    }
}
