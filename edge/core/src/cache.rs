//! Cache policy for catalog pages: the normalised key, the time to live, the purge tags, and
//! the RFC 9211 `Cache-Status` value that tells shoppers' tools (and our tests) what happened.

use crate::host::CacheKey;
use crate::route::Route;

/// Our cache's name in `Cache-Status`.
pub const CACHE_NAME: &str = "linkedall-edge";

/// How long an unknown product's 404 page is kept: long enough to absorb a scanner, short
/// enough that a product created a moment later appears soon.
pub const NOT_FOUND_TTL_SECS: u32 = 30;

/// At most this many purge tags per cached page; past it a listing is tagged by its
/// category or vendor only, which a purge reaches just the same.
pub const MAX_TAGS: usize = 64;

/// Bump when the rendered HTML changes shape, so a deploy does not serve old markup.
const KEY_VERSION: &str = "v1";

/// The cache key of a catalog route, or `None` for routes that are never cached.
///
/// Only what changes the page is in the key: the route's own parameters (in a fixed order,
/// so `?b&a` and `?a&b` share an entry; tracking parameters never reach here because
/// [`Route::parse`] keeps only known ones) and the shopper's country, which the page shows.
pub fn key(route: &Route, country: Option<&str>) -> Option<CacheKey> {
    let path = match route {
        Route::Home => "/".to_owned(),
        Route::Category { slug, cursor } => match cursor {
            Some(cursor) => format!("/c/{slug}?cursor={cursor}"),
            None => format!("/c/{slug}"),
        },
        // The slug is in the key so an outdated one gets its (cached) redirect, not the page.
        Route::Product { id, slug } => format!("/p/{id}-{slug}"),
        Route::Vendor { id, slug, cursor } => match cursor {
            Some(cursor) => format!("/v/{id}-{slug}?cursor={cursor}"),
            None => format!("/v/{id}-{slug}"),
        },
        Route::Search { query } => format!("/search?q={}", normalise_query(query)),
        Route::Asset { .. } | Route::NotFound { .. } | Route::Proxy => return None,
    };
    Some(CacheKey(format!("{KEY_VERSION}|{path}|country={}", country.unwrap_or("-"))))
}

/// Seconds a page stays fresh: listings change as products come and go, a product page
/// changes only when that product does.
pub fn ttl_secs(route: &Route) -> u32 {
    match route {
        Route::Home | Route::Category { .. } | Route::Search { .. } => 60,
        Route::Vendor { .. } => 120,
        Route::Product { .. } => 300,
        Route::Asset { .. } | Route::NotFound { .. } | Route::Proxy => 0,
    }
}

/// `Shea  BUTTER` and `shea butter` are the same search.
fn normalise_query(query: &str) -> String {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    form_urlencoded::byte_serialize(words.join(" ").as_bytes()).collect()
}

/// `Cache-Status` for a page served from cache with `ttl` seconds of freshness left.
pub fn status_hit(ttl_left: u64) -> String {
    format!("{CACHE_NAME}; hit; ttl={ttl_left}")
}

/// `Cache-Status` for a page fetched from the origin, stored or not.
pub fn status_miss(stored: bool) -> String {
    if stored { format!("{CACHE_NAME}; fwd=miss; stored") } else { format!("{CACHE_NAME}; fwd=miss") }
}

/// `Cache-Status` for a request the cache does not handle (proxied paths).
pub fn status_bypass() -> String {
    format!("{CACHE_NAME}; fwd=bypass")
}

/// Keeps at most [`MAX_TAGS`] tags, the page's own tags (listed first) always included.
pub fn bounded(mut tags: Vec<String>) -> Vec<String> {
    tags.dedup();
    tags.truncate(MAX_TAGS);
    tags
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkedall_shared::{Cursor, ProductId};

    #[test]
    fn keys_hold_only_what_changes_the_page() {
        let a = Route::parse(&http::Method::GET, "/c/fashion", Some("utm_source=ig&cursor=40&fbclid=x"));
        let b = Route::parse(&http::Method::GET, "/c/fashion", Some("cursor=40"));
        assert_eq!(key(&a, Some("NG")), key(&b, Some("NG")));
        assert_ne!(key(&a, Some("NG")), key(&a, Some("KE")));
        let product = Route::Product { id: ProductId::new(9), slug: "old-name".into() };
        assert_eq!(key(&product, None).unwrap().as_str(), "v1|/p/9-old-name|country=-");
        let search = |q: &str| key(&Route::Search { query: q.into() }, None);
        assert_eq!(search("Shea  BUTTER"), search("shea butter"));
        assert_eq!(key(&Route::Proxy, None), None);
        let paged = Route::Category { slug: "x".into(), cursor: Some(Cursor::after(ProductId::new(3))) };
        assert_ne!(key(&paged, None), key(&Route::Category { slug: "x".into(), cursor: None }, None));
    }

    #[test]
    fn cache_status_follows_rfc_9211() {
        assert_eq!(status_hit(42), "linkedall-edge; hit; ttl=42");
        assert_eq!(status_miss(true), "linkedall-edge; fwd=miss; stored");
        assert_eq!(status_bypass(), "linkedall-edge; fwd=bypass");
    }

    #[test]
    fn tags_are_bounded() {
        let tags = bounded((0..500).map(|i| format!("product:{i}")).collect());
        assert_eq!(tags.len(), MAX_TAGS);
        assert_eq!(tags[0], "product:0");
    }
}
