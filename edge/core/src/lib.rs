//! The Linked All edge app: catalog pages rendered and cached at the edge, everything else
//! proxied to the origin. Host-agnostic: see [`Host`].

mod host;

pub use host::{CacheKey, Cached, Geo, Host, OriginError, Timestamp};
