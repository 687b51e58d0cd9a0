//! A photo's size, read from its header before any pixel is decoded.
//!
//! This is the decompression-bomb guard: a 200-byte PNG can declare 50,000×50,000 pixels
//! (10 GB of RGBA). Reading the declared size first and checking it against [`Limits`] means
//! no decoder is ever asked for such a buffer.

use std::io::Cursor;

use crate::error::{ImageError, Result};
use crate::format::SourceFormat;
use crate::limits::Limits;

/// The declared size of a photo as stored (before EXIF orientation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub format: SourceFormat,
    pub width: u32,
    pub height: u32,
}

impl Header {
    /// Sniffs the format, refuses polyglots, reads the declared size and checks it.
    pub fn read(bytes: &[u8], limits: &Limits) -> Result<Header> {
        let format = SourceFormat::sniff(bytes)?;
        let (width, height) = match format {
            SourceFormat::Jpeg => {
                let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
                decoder.read_info().map_err(|error| malformed(format, error))?;
                let info = decoder
                    .info()
                    .ok_or_else(|| ImageError::Malformed { format, reason: "no frame header".into() })?;
                (u32::from(info.width), u32::from(info.height))
            }
            SourceFormat::Png | SourceFormat::Webp => {
                let mut reader = image::ImageReader::with_format(Cursor::new(bytes), image_format(format));
                reader.no_limits();
                reader.into_dimensions().map_err(|error| malformed(format, error))?
            }
        };
        limits.check(width, height)?;
        Ok(Header { format, width, height })
    }
}

pub(crate) fn image_format(format: SourceFormat) -> image::ImageFormat {
    match format {
        SourceFormat::Jpeg => image::ImageFormat::Jpeg,
        SourceFormat::Png => image::ImageFormat::Png,
        SourceFormat::Webp => image::ImageFormat::WebP,
    }
}

pub(crate) fn malformed(format: SourceFormat, error: impl std::fmt::Display) -> ImageError {
    ImageError::Malformed { format, reason: error.to_string() }
}
