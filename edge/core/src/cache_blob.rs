//! How a [`Cached`] entry is stored as one opaque blob by hosts whose cache holds bytes: a postcard-encoded header (status,
//! headers, timestamps, tags) followed by the body bytes as they are. A format version leads,
//! so a deploy that changes the layout reads old entries as misses instead of garbage.

use crate::host::{Cached, Timestamp};
use bytes::Bytes;
use serde::{Deserialize, Serialize};

const FORMAT_VERSION: u8 = 2;

#[derive(Serialize, Deserialize)]
struct Meta {
    version: u8,
    status: u16,
    headers: Vec<(String, String)>,
    stored_at: u64,
    ttl_secs: u32,
    tags: Vec<String>,
    purge_seq: u64,
}

/// One blob holding the whole entry, for hosts whose cache stores bytes (Workers Cache API
/// bodies, Spin key-value values).
pub fn encode(entry: &Cached) -> Vec<u8> {
    let meta = Meta {
        version: FORMAT_VERSION,
        status: entry.status,
        headers: entry.headers.clone(),
        stored_at: entry.stored_at.millis(),
        ttl_secs: entry.ttl_secs,
        tags: entry.tags.clone(),
        purge_seq: entry.purge_seq,
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
        purge_seq: meta.purge_seq,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_survives_the_blob_and_other_bytes_are_misses() {
        let entry = Cached {
            status: 200,
            headers: vec![("content-type".into(), "text/html".into())],
            body: Bytes::from_static(b"<h1>Ankara</h1>"),
            stored_at: Timestamp(42),
            ttl_secs: 60,
            tags: vec!["product:1".into()],
            purge_seq: 7,
        };
        assert_eq!(decode(&encode(&entry)), Some(entry));
        assert_eq!(decode(b""), None);
        assert_eq!(decode(&[9, 9, 9]), None);
    }
}
