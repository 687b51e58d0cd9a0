//! How a [`Cached`] entry is stored as one opaque blob: a postcard-encoded header (status,
//! headers, timestamps, tags) followed by the body bytes as they are. A format version leads,
//! so a deploy that changes the layout reads old entries as misses instead of garbage.

use bytes::Bytes;
use linkedall_edge::{Cached, Timestamp};
use serde::{Deserialize, Serialize};

const FORMAT_VERSION: u8 = 1;

#[derive(Serialize, Deserialize)]
struct Meta {
    version: u8,
    status: u16,
    headers: Vec<(String, String)>,
    stored_at: u64,
    ttl_secs: u32,
    tags: Vec<String>,
}

pub fn encode(entry: &Cached) -> Vec<u8> {
    let meta = Meta {
        version: FORMAT_VERSION,
        status: entry.status,
        headers: entry.headers.clone(),
        stored_at: entry.stored_at.millis(),
        ttl_secs: entry.ttl_secs,
        tags: entry.tags.clone(),
    };
    // Encoding owned strings and integers into a Vec cannot fail.
    let mut blob = postcard::to_allocvec(&meta).unwrap_or_default();
    blob.extend_from_slice(&entry.body);
    blob
}

/// `None` for anything that is not a current-format entry: the caller treats it as a miss.
pub fn decode(blob: &[u8]) -> Option<Cached> {
    let (meta, body) = postcard::take_from_bytes::<Meta>(blob).ok()?;
    (meta.version == FORMAT_VERSION).then(|| Cached {
        status: meta.status,
        headers: meta.headers,
        body: Bytes::copy_from_slice(body),
        stored_at: Timestamp(meta.stored_at),
        ttl_secs: meta.ttl_secs,
        tags: meta.tags,
    })
}
