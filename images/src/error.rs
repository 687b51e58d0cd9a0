//! The one error type of this crate: every way a vendor's file can be refused, and the few
//! ways processing a good file can still fail.

use crate::format::SourceFormat;

/// Why a photo was refused or could not be processed.
///
/// The messages are written for the vendor who uploaded the file; [`ImageError::kind`] is a
/// stable short name for metrics, logs and problem types.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("the file is empty; upload a JPEG, PNG or WebP photo")]
    Empty,

    #[error("this file is {found}, not a photo format we accept; upload a JPEG, PNG or WebP photo")]
    UnsupportedFormat { found: &'static str },

    #[error("this file is both a {format} photo and a ZIP archive; upload a plain photo")]
    Polyglot { format: SourceFormat },

    #[error(
        "the photo is {width}×{height} px; at most {max_side} px a side and {} megapixels are accepted",
        max_pixels / 1_000_000
    )]
    TooLarge { width: u32, height: u32, max_side: u32, max_pixels: u64 },

    #[error("the {format} photo is damaged or truncated: {reason}")]
    Malformed { format: SourceFormat, reason: String },

    #[error("decoding this photo needs more than the {limit_bytes} bytes of memory allowed")]
    MemoryLimit { limit_bytes: u64 },

    #[error("resizing failed: {0}")]
    Resize(String),

    #[error("encoding {format} failed: {reason}")]
    Encode { format: &'static str, reason: String },
}

impl ImageError {
    /// A short stable name (`too_large`, `polyglot` …) for metric labels and problem types.
    pub fn kind(&self) -> &'static str {
        match self {
            ImageError::Empty => "empty",
            ImageError::UnsupportedFormat { .. } => "unsupported_format",
            ImageError::Polyglot { .. } => "polyglot",
            ImageError::TooLarge { .. } => "too_large",
            ImageError::Malformed { .. } => "malformed",
            ImageError::MemoryLimit { .. } => "memory_limit",
            ImageError::Resize(_) => "resize",
            ImageError::Encode { .. } => "encode",
        }
    }

    /// Whether the vendor's file is at fault (a 4xx) rather than this process (a 5xx).
    pub fn is_input_error(&self) -> bool {
        !matches!(self, ImageError::Resize(_) | ImageError::Encode { .. })
    }
}

pub type Result<T, E = ImageError> = std::result::Result<T, E>;
