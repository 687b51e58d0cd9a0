//! Decoding with limits: the header is checked first, decoders get a memory cap, JPEGs are
//! decoded at a reduced DCT scale when the caller needs far fewer pixels, and the EXIF
//! orientation is applied so every later step sees the photo upright.

use std::io::Cursor;
// std's Instant panics on wasm32-unknown-unknown (workerd); web-time reads performance.now()
// there and is std's Instant elsewhere.
use web_time::Instant;

use image::ImageDecoder;
use image::metadata::Orientation;

use crate::error::{ImageError, Result};
use crate::format::SourceFormat;
use crate::header::{Header, image_format, malformed};
use crate::limits::Limits;
use crate::pixels::Pixels;

/// A decoded, upright photo.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub format: SourceFormat,
    /// Size of the full photo after orientation (the pixels may be smaller, see
    /// [`decode`]'s `at_least`).
    pub width: u32,
    pub height: u32,
    pub pixels: Pixels,
}

/// Decodes `bytes` within `limits`.
///
/// `at_least` is the smallest upright size the caller will use (say the largest preset it
/// is about to make); JPEGs are then decoded at 1/2, 1/4 or 1/8 scale if that still covers
/// it, which is most of the speed of a thumbnailer. `None` decodes every pixel.
pub fn decode(bytes: &[u8], limits: &Limits, at_least: Option<(u32, u32)>) -> Result<Decoded> {
    let started = Instant::now();
    let header = Header::read(bytes, limits).inspect_err(count_refusal)?;
    let decoded = match header.format {
        SourceFormat::Jpeg => decode_jpeg(bytes, header, limits, at_least),
        SourceFormat::Png | SourceFormat::Webp => decode_with_image(bytes, header, limits),
    }
    .inspect_err(count_refusal)?;
    metrics::counter!("images_decoded_total", "format" => header.format.extension()).increment(1);
    metrics::histogram!("images_decode_seconds", "format" => header.format.extension())
        .record(started.elapsed().as_secs_f64());
    tracing::debug!(
        format = header.format.name(),
        width = decoded.width,
        height = decoded.height,
        decoded_width = decoded.pixels.width(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "photo decoded"
    );
    Ok(decoded)
}

fn count_refusal(error: &ImageError) {
    metrics::counter!("images_refused_total", "reason" => error.kind()).increment(1);
    tracing::info!(reason = error.kind(), %error, "photo refused");
}

fn swaps_axes(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

fn upright(width: u32, height: u32, orientation: Orientation) -> (u32, u32) {
    if swaps_axes(orientation) { (height, width) } else { (width, height) }
}

fn decode_jpeg(
    bytes: &[u8],
    header: Header,
    limits: &Limits,
    at_least: Option<(u32, u32)>,
) -> Result<Decoded> {
    let format = SourceFormat::Jpeg;
    // The entropy-coded data of a cut-off JPEG decodes as grey without an error; the missing
    // end-of-image marker is how we tell.
    if !bytes.windows(2).any(|window| window == [0xFF, 0xD9]) {
        return Err(ImageError::Malformed {
            format,
            reason: "the file is truncated (no end-of-image marker)".into(),
        });
    }
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.set_max_decoding_buffer_size(usize::try_from(limits.max_alloc).unwrap_or(usize::MAX));
    decoder.read_info().map_err(|error| malformed(format, error))?;
    let orientation = exif_orientation(decoder.exif_data());
    if let Some((want_width, want_height)) = at_least {
        // In stored (not upright) axes; the scale that covers both wanted sides, applied to
        // both, since the decoder stops at the first side it covers.
        let (want_width, want_height) = upright(want_width, want_height, orientation);
        let scale = (f64::from(want_width) / f64::from(header.width))
            .max(f64::from(want_height) / f64::from(header.height))
            .min(1.0);
        let side = |full: u32| (f64::from(full) * scale).ceil().clamp(1.0, f64::from(u16::MAX)) as u16;
        decoder.scale(side(header.width), side(header.height)).map_err(|error| malformed(format, error))?;
    }
    if let Some(info) = decoder.info() {
        // The decoded buffer, plus the RGB copy a grey or CMYK photo is converted into.
        let bytes =
            u64::from(info.width) * u64::from(info.height) * (info.pixel_format.pixel_bytes() as u64 + 3);
        if bytes > limits.max_alloc {
            return Err(ImageError::MemoryLimit { limit_bytes: limits.max_alloc });
        }
    }
    let data = decoder.decode().map_err(|error| jpeg_error(error, limits))?;
    let info =
        decoder.info().ok_or_else(|| ImageError::Malformed { format, reason: "no frame header".into() })?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    let pixels = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => Pixels::from_rgb(width, height, data),
        jpeg_decoder::PixelFormat::L8 => {
            Pixels::from_rgb(width, height, data.iter().flat_map(|&l| [l, l, l]).collect())
        }
        jpeg_decoder::PixelFormat::L16 => {
            Pixels::from_rgb(width, height, data.chunks_exact(2).flat_map(|l| [l[0], l[0], l[0]]).collect())
        }
        jpeg_decoder::PixelFormat::CMYK32 => Pixels::from_rgb(
            width,
            height,
            data.chunks_exact(4)
                .flat_map(|p| {
                    let k = u32::from(p[3]);
                    [p[0], p[1], p[2]].map(|c| (u32::from(c) * k / 255) as u8)
                })
                .collect(),
        ),
    }
    .ok_or_else(|| ImageError::Malformed {
        format,
        reason: "fewer pixels than the header declares".into(),
    })?;
    // The orientation may sit after the frame header in odd files: look again.
    let orientation = match orientation {
        Orientation::NoTransforms => exif_orientation(decoder.exif_data()),
        known => known,
    };
    finish(format, header, orientation, pixels)
}

fn exif_orientation(exif: Option<&[u8]>) -> Orientation {
    exif.and_then(Orientation::from_exif_chunk).unwrap_or(Orientation::NoTransforms)
}

fn jpeg_error(error: jpeg_decoder::Error, limits: &Limits) -> ImageError {
    let text = error.to_string();
    if text.contains("buffer size") || text.contains("memory") {
        ImageError::MemoryLimit { limit_bytes: limits.max_alloc }
    } else {
        malformed(SourceFormat::Jpeg, text)
    }
}

fn decode_with_image(bytes: &[u8], header: Header, limits: &Limits) -> Result<Decoded> {
    let format = header.format;
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), image_format(format));
    reader.limits(limits.for_image_crate());
    let mut decoder = reader.into_decoder().map_err(|error| image_error(format, error, limits))?;
    // Not every decoder counts its output buffer against the limit: check it here.
    if decoder.total_bytes() > limits.max_alloc {
        return Err(ImageError::MemoryLimit { limit_bytes: limits.max_alloc });
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image =
        image::DynamicImage::from_decoder(decoder).map_err(|error| image_error(format, error, limits))?;
    finish(format, header, orientation, Pixels::new(image))
}

fn image_error(format: SourceFormat, error: image::ImageError, limits: &Limits) -> ImageError {
    match error {
        image::ImageError::Limits(_) => ImageError::MemoryLimit { limit_bytes: limits.max_alloc },
        other => malformed(format, other),
    }
}

fn finish(
    format: SourceFormat,
    header: Header,
    orientation: Orientation,
    mut pixels: Pixels,
) -> Result<Decoded> {
    pixels.orient(orientation);
    let (width, height) = upright(header.width, header.height, orientation);
    Ok(Decoded { format, width, height, pixels })
}
