//! `Idempotency-Key` handling for requests that create things: a shopper whose phone loses the
//! connection after pressing "Pay" retries with the same key and gets the first answer back
//! instead of a second order.
//!
//! A key is claimed (`in_flight`) in its own short transaction before the work starts, so a
//! concurrent retry sees it and gets 409 instead of queueing behind it; the work's own
//! transaction then stores the response (`completed`). A request that fails releases its key,
//! so the client may retry it once the cause is fixed. Keys are per user and live 24 hours.

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// A client-chosen key: 1 to 255 visible ASCII characters (a UUID in practice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// A key as the client sent it; refused unless 1 to 255 visible ASCII characters.
    pub fn parse(key: &str) -> Result<IdempotencyKey> {
        if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::InvalidParameter {
                name: "Idempotency-Key",
                message: "expected 1 to 255 visible ASCII characters, such as a UUID".into(),
            });
        }
        Ok(IdempotencyKey(key.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A claimed key with the fingerprint of the request body it was claimed for.
#[derive(Debug, Clone)]
pub struct ClaimedKey {
    pub user: i64,
    pub key: IdempotencyKey,
    pub request_hash: String,
}

/// The SHA-256 of a request body, hex: "the same request" means the same bytes.
pub fn request_hash(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// What claiming a key found.
#[derive(Debug)]
pub enum Claim {
    /// Ours now: do the work.
    New(ClaimedKey),
    /// Done before with this body: send this response again.
    Replay { status: u16, body: String },
}
