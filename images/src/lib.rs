//! Product photos, from a vendor's upload to the bytes a shopper downloads.
//!
//! Pure Rust, so the same code runs in the origin and in every wasm edge host
//! (`wasm32-unknown-unknown`, `wasm32-wasip2`). The one C-backed codec, lossy WebP through
//! libwebp, is behind the non-default `native-webp` feature the origin turns on.
//!
//! The order of operations is the security model:
//!
//! 1. [`SourceFormat::sniff`] — the format from the bytes (JPEG, PNG, WebP), ZIP polyglots
//!    refused;
//! 2. [`Header::read`] — the declared size, checked against [`Limits`] before any pixel is
//!    decoded (decompression bombs stop here);
//! 3. [`decode`] — with a memory cap, at a reduced JPEG DCT scale when far fewer pixels are
//!    needed, EXIF orientation applied;
//! 4. [`resize_to_width`] / [`resize_to_fit`] — `fast_image_resize`, never enlarging;
//! 5. [`encode`] — JPEG, PNG or WebP from pixels only, so no metadata survives;
//! 6. [`thumbhash`] — the placeholder of the upright photo.
//!
//! AVIF is not written: the pure-Rust encoder (`ravif`/rav1e) costs seconds per photo and
//! a large, slow build, and the C one (libavif/aom) would not build for wasm here.

mod decode;
mod encode;
mod error;
#[cfg(feature = "fixtures")]
pub mod fixtures;
mod format;
mod header;
mod limits;
mod pixels;
mod placeholder;
mod resize;

pub use decode::{Decoded, decode};
pub use encode::{Encoding, WEBP_IS_LOSSY, encode};
pub use error::{ImageError, Result};
pub use format::SourceFormat;
pub use header::Header;
pub use limits::Limits;
pub use pixels::Pixels;
pub use placeholder::thumbhash;
pub use resize::{fit_within, resize_exact, resize_to_fit, resize_to_width};
