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

#[cfg(feature = "native-webp")]
fn encode_webp(pixels: &Pixels, quality: u8) -> Result<Vec<u8>> {
    let encoder = if pixels.has_alpha() {
        webp::Encoder::from_rgba(pixels.as_bytes(), pixels.width(), pixels.height())
    } else {
        webp::Encoder::from_rgb(pixels.as_bytes(), pixels.width(), pixels.height())
    };
    let memory = encoder
        .encode_simple(false, f32::from(quality.clamp(1, 100)))
        .map_err(|error| failed("webp", format!("{error:?}")))?;
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
