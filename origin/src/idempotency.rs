//! The `Idempotency-Key` header of requests that create things (see the store's
//! `idempotency` module for what a key does).

use axum::http::HeaderMap;

pub use linkedall_store::idempotency::{Claim, ClaimedKey, IdempotencyKey, request_hash};

use crate::error::{Error, Result};

pub const HEADER: &str = "idempotency-key";

/// The key of a request, required: 400 without one.
pub fn key_of(headers: &HeaderMap) -> Result<IdempotencyKey> {
    let value = headers.get(HEADER).ok_or(Error::MissingHeader {
        name: "Idempotency-Key",
        why: "send a unique key (a UUID) per order, and the same key when retrying it",
    })?;
    Ok(IdempotencyKey::parse(value.to_str().unwrap_or_default())?)
}
