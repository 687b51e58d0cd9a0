//! What a file is, decided from its bytes and never from its name.
//!
//! We accept JPEG, PNG and WebP. A file that is also a ZIP archive (a ZIP appended to a
//! JPEG, or a JPEG behind a ZIP header) is refused: such polyglots smuggle archives past
//! filters that trust the first bytes. Every stored copy is re-encoded anyway, so nothing
//! after the image data would survive, but refusing says clearly what happened.

use std::fmt;

use crate::error::{ImageError, Result};

/// A photo format we decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceFormat {
    Jpeg,
    Png,
    Webp,
}

impl SourceFormat {
    pub const fn name(self) -> &'static str {
        match self {
            SourceFormat::Jpeg => "JPEG",
            SourceFormat::Png => "PNG",
            SourceFormat::Webp => "WebP",
        }
    }

    pub const fn extension(self) -> &'static str {
        match self {
            SourceFormat::Jpeg => "jpg",
            SourceFormat::Png => "png",
            SourceFormat::Webp => "webp",
        }
    }

    /// Sniffs the format from the first bytes and refuses ZIP polyglots.
    pub fn sniff(bytes: &[u8]) -> Result<SourceFormat> {
        let format = Self::sniff_magic(bytes)?;
        if contains_zip(bytes) {
            return Err(ImageError::Polyglot { format });
        }
        Ok(format)
    }

    /// Only the magic numbers: enough bytes to tell an upload's format while it streams in.
    pub fn sniff_magic(bytes: &[u8]) -> Result<SourceFormat> {
        if bytes.is_empty() {
            return Err(ImageError::Empty);
        }
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Ok(SourceFormat::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Ok(SourceFormat::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Ok(SourceFormat::Webp)
        } else {
            Err(ImageError::UnsupportedFormat { found: describe(bytes) })
        }
    }
}

impl fmt::Display for SourceFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

const ZIP_LOCAL_HEADER: &[u8; 4] = b"PK\x03\x04";
const ZIP_CENTRAL_DIRECTORY: &[u8; 4] = b"PK\x01\x02";
const ZIP_END_OF_CENTRAL_DIRECTORY: &[u8; 4] = b"PK\x05\x06";
/// The end-of-central-directory record is 22 bytes plus a comment of at most 65,535.
const ZIP_TAIL: usize = 22 + 65_535;

/// Whether the file carries a ZIP archive: a ZIP header in front, an end-of-central-directory
/// record in the tail where ZIP readers look for it, or a local header or central directory
/// right after a JPEG's end-of-image marker.
fn contains_zip(bytes: &[u8]) -> bool {
    if bytes.starts_with(ZIP_LOCAL_HEADER) {
        return true;
    }
    let tail = &bytes[bytes.len().saturating_sub(ZIP_TAIL)..];
    if find(tail, ZIP_END_OF_CENTRAL_DIRECTORY).is_some() {
        return true;
    }
    // Data after a JPEG's last end-of-image marker that starts like a ZIP.
    if let Some(end) = rfind(bytes, &[0xFF, 0xD9]) {
        let after = &bytes[end + 2..];
        if after.starts_with(ZIP_LOCAL_HEADER) || after.starts_with(ZIP_CENTRAL_DIRECTORY) {
            return true;
        }
    }
    false
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|window| window == needle)
}

/// Names common formats we refuse, so the message tells the vendor what they sent.
fn describe(bytes: &[u8]) -> &'static str {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"GIF87a") || starts(b"GIF89a") {
        "a GIF"
    } else if starts(b"BM") {
        "a BMP"
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        "a TIFF"
    } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        match &bytes[8..12] {
            b"avif" | b"avis" => "an AVIF",
            b"heic" | b"heix" | b"mif1" | b"msf1" => "a HEIC",
            _ => "an MP4/ISO media file",
        }
    } else if starts(b"%PDF") {
        "a PDF"
    } else if starts(ZIP_LOCAL_HEADER) || starts(ZIP_END_OF_CENTRAL_DIRECTORY) {
        "a ZIP archive"
    } else if starts(b"<svg") || starts(b"<?xml") {
        "an SVG/XML document"
    } else {
        "not an image we recognise"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPEG_START: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F'];

    #[test]
    fn knows_the_three_formats_by_their_bytes() {
        assert_eq!(SourceFormat::sniff(JPEG_START).unwrap(), SourceFormat::Jpeg);
        assert_eq!(SourceFormat::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap(), SourceFormat::Png);
        assert_eq!(SourceFormat::sniff(b"RIFF\x10\0\0\0WEBPVP8 ").unwrap(), SourceFormat::Webp);
    }

    #[test]
    fn refuses_other_formats_naming_what_is_accepted() {
        let error = SourceFormat::sniff(b"GIF89a\x01\x00\x01\x00").unwrap_err();
        assert!(matches!(error, ImageError::UnsupportedFormat { found: "a GIF" }));
        assert!(error.to_string().contains("JPEG, PNG or WebP"), "{error}");
        assert!(matches!(SourceFormat::sniff(b"hello"), Err(ImageError::UnsupportedFormat { .. })));
        assert!(matches!(SourceFormat::sniff(b""), Err(ImageError::Empty)));
    }

    #[test]
    fn refuses_a_jpeg_with_a_zip_appended() {
        let mut file = JPEG_START.to_vec();
        file.extend_from_slice(&[0xFF, 0xD9]);
        file.extend_from_slice(b"PK\x03\x04\x14\0\0\0\0\0");
        assert!(matches!(
            SourceFormat::sniff(&file),
            Err(ImageError::Polyglot { format: SourceFormat::Jpeg })
        ));
        // Only the end-of-central-directory record, as `cat photo.jpg archive.zip` leaves it.
        let mut file = JPEG_START.to_vec();
        file.extend_from_slice(b"junkPK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
        assert!(matches!(SourceFormat::sniff(&file), Err(ImageError::Polyglot { .. })));
    }
}
