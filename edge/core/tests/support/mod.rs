//! What the in-memory test hosts share: answers to the edge's own bookkeeping requests to the
//! origin — the purge journal and the exchange rates — which the tests do not count as page
//! fetches.

#![allow(dead_code)]

use bytes::Bytes;
use linkedall_shared::{FxRates, Purge, PurgeFeed, wire};

/// The origin's answer to `path` if it is a bookkeeping request: the purges after the asked
/// position out of `purges` (oldest first), or `rates`. `None` for anything else.
pub fn bookkeeping(path: &str, purges: &[Purge], rates: &FxRates) -> Option<http::Response<Bytes>> {
    if let Some(after) = path.strip_prefix("/api/v1/cache/purges?after=") {
        let after: u64 = after.parse().expect("a journal position");
        let feed = PurgeFeed {
            purges: purges.iter().filter(|p| p.seq > after).cloned().collect(),
            latest: purges.last().map_or(0, |p| p.seq),
            truncated: false,
        };
        return Some(http::Response::new(Bytes::from(wire::encode(&feed))));
    }
    (path == "/api/v1/fx-rates").then(|| http::Response::new(Bytes::from(wire::encode(rates))))
}

/// Whether `path` is a bookkeeping request (see [`bookkeeping`]).
pub fn is_bookkeeping(path: &str) -> bool {
    path.starts_with("/api/v1/cache/purges?") || path == "/api/v1/fx-rates"
}
