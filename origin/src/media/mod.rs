//! Vendors' product photos on the origin: where their bytes are kept ([`MediaStore`], in the
//! folder or bucket [`MediaLocation`] names), how
//! an upload becomes a stored original ([`upload`]), and the preset variants made from it
//! ([`variants`]).
//!
//! The request path: `routes/product_photos.rs` (upload, delete) → [`upload::prepare`]
//! (sniff, limits, decode, orient, strip, hash, ThumbHash) → [`MediaStore::put`] → the row in
//! `store/product_photos.rs` (with the outbox event and the purge) → [`variants::spawn`] in
//! the background. `routes/media.rs` serves `/media/products/…`, making a variant on demand
//! when the background job has not stored it yet.

pub mod location;
pub mod storage;
pub mod upload;
pub mod variants;

pub use location::{MediaLocation, S3Settings};
pub use storage::{MediaSettings, MediaStore};
