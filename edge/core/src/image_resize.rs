//! The pixels of a resize: decode a stored photo (at a reduced JPEG DCT scale when far fewer
//! pixels are needed), scale it by the [`image_fit::Plan`], crop or pad it, encode it. All of
//! it is the shop's `linkedall-images` crate, pure Rust, so it runs the same on the native
//! host, in workerd and under Spin.

use linkedall_images::{Encoding, Header, Limits, Pixels, decode, encode, resize_exact};
use linkedall_shared::image_options::{ImageOptions, Rgb};

use crate::image_fit::{self, Plan};

/// What the edge encodes. Never WebP: the wasm builds have no lossy WebP encoder (libwebp
/// is C), and lossless WebP of a photograph is many times a JPEG's bytes (see the README), so
/// lossy WebP comes only from the origin's presets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Jpeg,
    Png,
}

impl Output {
    pub fn name(self) -> &'static str {
        match self {
            Output::Jpeg => "jpeg",
            Output::Png => "png",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Output::Jpeg => "image/jpeg",
            Output::Png => "image/png",
        }
    }

    fn encoding(self, quality: u8) -> Encoding {
        match self {
            Output::Jpeg => Encoding::Jpeg { quality },
            Output::Png => Encoding::Png,
        }
    }
}

/// An encoded image.
pub struct Encoded {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Why a stored photo could not be resized.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ResizeError(#[from] linkedall_images::ImageError);

/// Limits at the edge: an isolate has about 128 MB, so a decode may take at most 64 MiB
/// (a 2000×1500 preset decodes to 9 MB; the reduced DCT scale keeps originals small too).
fn limits() -> Limits {
    Limits { max_alloc: 64 * 1024 * 1024, ..Limits::default() }
}

/// The size of a stored photo, from its header (no pixel decoded).
pub fn dimensions(bytes: &[u8]) -> Result<(u32, u32), ResizeError> {
    let header = Header::read(bytes, &limits())?;
    Ok((header.width, header.height))
}

/// Resizes `source` per `options` into `output`, no side over `max_dimension`.
pub fn render(
    source: &[u8],
    options: &ImageOptions,
    output: Output,
    max_dimension: u32,
) -> Result<Encoded, ResizeError> {
    let limits = limits();
    let header = Header::read(source, &limits)?;
    let first = image_fit::plan((header.width, header.height), options, max_dimension);
    let decoded = decode(source, &limits, Some(first.scaled))?;
    // Planned again on the upright size (EXIF orientation may have swapped the axes).
    let plan = image_fit::plan((decoded.width, decoded.height), options, max_dimension);
    let scaled = resize_exact(&decoded.pixels, plan.scaled.0, plan.scaled.1)?;
    let framed = frame(&scaled, &plan, options.background, output);
    let bytes = encode(&framed, output.encoding(options.quality))?;
    Ok(Encoded { bytes, width: framed.width(), height: framed.height() })
}

/// Crops the scaled image to the plan's window and places it on the plan's canvas, filled
/// with `background` (white when none is given; transparent for PNG and WebP). Transparent
/// pixels are composed onto `background` when one is given.
fn frame(scaled: &Pixels, plan: &Plan, background: Option<Rgb>, output: Output) -> Pixels {
    let (x, y, w, h) = plan.crop;
    let (cw, ch) = plan.canvas;
    let keeps_alpha = output != Output::Jpeg && background.is_none() && (scaled.has_alpha() || plan.pads());
    let channels_out = if keeps_alpha { 4 } else { 3 };
    if !plan.pads() && (x, y, w, h) == (0, 0, scaled.width(), scaled.height()) && background.is_none() {
        return scaled.clone();
    }
    let Rgb(br, bg, bb) = background.unwrap_or(Rgb(255, 255, 255));
    let fill: &[u8] = if keeps_alpha { &[0, 0, 0, 0] } else { &[br, bg, bb] };
    let mut canvas: Vec<u8> =
        fill.iter().copied().cycle().take(cw as usize * ch as usize * channels_out).collect();
    let channels_in = scaled.channels();
    let source = scaled.as_bytes();
    let (ox, oy) = plan.offset;
    for row in 0..h as usize {
        let from = ((y as usize + row) * scaled.width() as usize + x as usize) * channels_in;
        let to = ((oy as usize + row) * cw as usize + ox as usize) * channels_out;
        for col in 0..w as usize {
            let pixel = &source[from + col * channels_in..from + (col + 1) * channels_in];
            let out = &mut canvas[to + col * channels_out..to + (col + 1) * channels_out];
            match (channels_in, channels_out) {
                (4, 4) | (3, 3) => out.copy_from_slice(pixel),
                (3, 4) => {
                    out[..3].copy_from_slice(pixel);
                    out[3] = 255;
                }
                _ => {
                    // RGBA onto the opaque background.
                    let alpha = u32::from(pixel[3]);
                    for (channel, back) in [br, bg, bb].into_iter().enumerate() {
                        out[channel] =
                            ((u32::from(pixel[channel]) * alpha + u32::from(back) * (255 - alpha) + 127)
                                / 255) as u8;
                    }
                }
            }
        }
    }
    let framed =
        if keeps_alpha { Pixels::from_rgba(cw, ch, canvas) } else { Pixels::from_rgb(cw, ch, canvas) };
    // The buffer is exactly canvas-sized by construction.
    framed.unwrap_or_else(|| scaled.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkedall_shared::image_options::ImageLimits;

    fn photo(width: u32, height: u32) -> Vec<u8> {
        let rgb: Vec<u8> = (0..width * height)
            .flat_map(|i| [(i % width * 255 / width) as u8, (i / width * 255 / height) as u8, 60])
            .collect();
        encode(&Pixels::from_rgb(width, height, rgb).unwrap(), Encoding::Jpeg { quality: 90 }).unwrap()
    }

    fn render_with(source: &[u8], text: &str, output: Output) -> Encoded {
        let options = ImageOptions::parse(text, &ImageLimits::default()).unwrap();
        render(source, &options, output, 4096).unwrap()
    }

    #[test]
    fn every_fit_gives_the_size_its_plan_says() {
        let source = photo(800, 600);
        for (text, size) in [
            ("width=400", (400, 300)),
            ("width=400,height=400,fit=cover", (400, 400)),
            ("width=400,height=400,fit=pad", (400, 400)),
            ("width=1000,fit=contain", (1000, 750)),
            ("width=1000", (800, 600)),
        ] {
            let encoded = render_with(&source, text, Output::Jpeg);
            assert_eq!((encoded.width, encoded.height), size, "{text}");
            assert_eq!(dimensions(&encoded.bytes).unwrap(), size, "{text}");
        }
    }

    #[test]
    fn pad_fills_with_the_background_and_png_keeps_transparency() {
        let source = photo(800, 400);
        let red =
            render_with(&source, "width=100,height=100,fit=pad,background=#ff0000,format=png", Output::Png);
        let decoded = decode(&red.bytes, &limits(), None).unwrap();
        assert_eq!(&decoded.pixels.as_bytes()[..3], &[255, 0, 0], "the top band is the background");
        let clear = render_with(&source, "width=100,height=100,fit=pad,format=png", Output::Png);
        let decoded = decode(&clear.bytes, &limits(), None).unwrap();
        assert!(decoded.pixels.has_alpha());
        assert_eq!(decoded.pixels.as_bytes()[3], 0, "transparent padding");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let options = ImageOptions::parse("width=100", &ImageLimits::default()).unwrap();
        assert!(render(b"not an image", &options, Output::Jpeg, 4096).is_err());
        assert!(render(&photo(64, 64)[..100], &options, Output::Jpeg, 4096).is_err());
    }
}
