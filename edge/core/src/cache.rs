//! Cache policy for catalog pages: the normalised key, the time to live, the purge tags, and
//! the RFC 9211 `Cache-Status` value that tells shoppers' tools (and our tests) what happened.

use crate::browsing;
use crate::host::{CacheKey, Cached, Timestamp};
use crate::locale::Locale;
use crate::route::Route;

/// Our cache's name in `Cache-Status`.
pub const CACHE_NAME: &str = "linkedall-edge";

/// How long an unknown product's 404 page is kept: long enough to absorb a scanner, short
/// enough that a product created a moment later appears soon.
pub const NOT_FOUND_TTL_SECS: u32 = 30;

/// At most this many purge tags per cached page; past it a listing is tagged by its
/// category or vendor only, which a purge reaches just the same.
pub const MAX_TAGS: usize = 64;

/// How long past its TTL a page may still be served when the origin fails (stale-if-error),
/// unless the host is configured otherwise ([`crate::Host::max_stale_secs`]): a day, so a shop
/// whose origin is down keeps its catalog browsable.
pub const DEFAULT_MAX_STALE_SECS: u64 = 24 * 60 * 60;

/// Bump when the rendered HTML changes shape, so a deploy does not serve old markup.
const KEY_VERSION: &str = linkedall_shared::EDGE_CACHE_KEY_VERSION;

/// The cache key of a catalog route, or `None` for routes that are never cached.
///
/// Only what changes the page is in the key: the route's own parameters (in a fixed order,
/// so `?b&a` and `?a&b` share an entry; tracking parameters never reach here because
/// [`Route::parse`] keeps only known ones), the currency of the shopper's market (prices are
/// also shown in it; countries sharing a currency share pages), the page's language and
/// whether it is the lite page ([`wants_lite`]) — see [`Locale`].
pub fn key(route: &Route, locale: &Locale) -> Option<CacheKey> {
    let path = match route {
        Route::Home => "/".to_owned(),
        // The sort, filters and page in their canonical order; "ships to me" as the shopper's
        // country, a price range with the currency it is typed in (see [`crate::browsing`]).
        Route::Category { slug, browse } => {
            with_query(format!("/c/{slug}"), &browsing::for_shopper(browse, locale).to_query())
        }
        // Keyed by id alone: the slug is the client's to invent, and a key per invented slug
        // would let anyone flood the cache. A wrong slug is redirected from the one entry
        // (see [`requested_address`] and the entry's `content-location`).
        Route::Product { id, .. } => format!("/p/{id}"),
        Route::Vendor { id, cursor, .. } => match cursor {
            Some(cursor) => format!("/v/{id}?cursor={cursor}"),
            None => format!("/v/{id}"),
        },
        Route::Search { browse } => {
            with_query("/search".to_owned(), &browsing::for_shopper(browse, locale).to_query())
        }
        Route::Asset { .. }
        | Route::Image { .. }
        | Route::Shop(_)
        | Route::Crawler(_)
        | Route::NotFound { .. }
        | Route::BadFilter { .. }
        | Route::Proxy => {
            return None;
        }
    };
    let lite = if locale.lite { ",lite" } else { "" };
    let (currency, language) = (locale.currency(), locale.language.tag());
    Some(CacheKey(format!("{KEY_VERSION}|{path}|currency={currency},lang={language}{lite}")))
}

/// The address a product or storefront request asked for, slug included, to compare with the
/// canonical address its cached page carries in `content-location`; `None` for other routes,
/// whose address is their key.
pub fn requested_address(route: &Route) -> Option<String> {
    match route {
        Route::Product { id, slug } => Some(format!("/p/{id}-{slug}")),
        Route::Vendor { id, slug, cursor: Some(cursor) } => Some(format!("/v/{id}-{slug}?cursor={cursor}")),
        Route::Vendor { id, slug, cursor: None } => Some(format!("/v/{id}-{slug}")),
        _ => None,
    }
}

/// `Vary` of catalog pages: the request headers [`wants_lite`] reads.
pub const LITE_VARY: &str = "Save-Data, ECT";

/// Whether the shopper gets the lite page (no large images, thumbnails only): `?lite=1`, or
/// their browser saving data (`Save-Data: on`) or on a 2G connection (`ECT: 2g` or
/// `slow-2g`). `?lite=0` asks for the full page whatever the headers say.
pub fn wants_lite(headers: &http::HeaderMap, query: Option<&str>) -> bool {
    match crate::route::param(query, "lite").as_deref() {
        Some("1" | "true" | "on") => return true,
        Some("0" | "false" | "off") => return false,
        _ => {}
    }
    let header =
        |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(|v| v.trim().to_ascii_lowercase());
    header("save-data").is_some_and(|v| v == "on")
        || header("ect").is_some_and(|v| v == "2g" || v == "slow-2g")
}

/// Seconds past its TTL during which a page is served at once while the edge fetches a new
/// copy in the background (stale-while-revalidate): five TTLs, so a page nobody asked for in
/// a while is fetched in the foreground rather than shown very old.
pub fn revalidate_window_secs(entry: &Cached) -> u64 {
    u64::from(entry.ttl_secs) * 5
}

/// Whether a stale entry may be served while a background fetch replaces it.
pub fn usable_while_revalidating(entry: &Cached, now: Timestamp) -> bool {
    entry.status == 200
        && entry.ttl_secs > 0
        && entry.age_secs(now) <= u64::from(entry.ttl_secs) + revalidate_window_secs(entry)
}

/// `Cache-Status` for a stale page served while a background fetch replaces it.
pub fn status_stale_while_revalidate(overdue_secs: u64) -> String {
    format!("{CACHE_NAME}; hit; ttl=-{overdue_secs}; detail=stale-while-revalidate")
}

/// Seconds a page stays fresh: listings change as products come and go, a product page
/// changes only when that product does.
pub fn ttl_secs(route: &Route) -> u32 {
    match route {
        Route::Home | Route::Category { .. } | Route::Search { .. } => 60,
        Route::Vendor { .. } => 120,
        Route::Product { .. } => 300,
        Route::Asset { .. }
        | Route::Image { .. }
        | Route::Shop(_)
        | Route::Crawler(_)
        | Route::NotFound { .. }
        | Route::BadFilter { .. }
        | Route::Proxy => 0,
    }
}

/// `path?query`, or `path` alone when the query is empty.
fn with_query(path: String, query: &str) -> String {
    if query.is_empty() { path } else { format!("{path}?{query}") }
}

/// `Cache-Status` for a page served from cache with `ttl` seconds of freshness left.
pub fn status_hit(ttl_left: u64) -> String {
    format!("{CACHE_NAME}; hit; ttl={ttl_left}")
}

/// `Cache-Status` for a page fetched from the origin, stored or not.
pub fn status_miss(stored: bool) -> String {
    if stored { format!("{CACHE_NAME}; fwd=miss; stored") } else { format!("{CACHE_NAME}; fwd=miss") }
}

/// `Cache-Status` for a request that waited for another request's origin fetch of the same
/// page instead of sending its own.
pub fn status_collapsed() -> String {
    format!("{CACHE_NAME}; fwd=miss; collapsed")
}

/// `Cache-Status` for a stale page served because the origin failed; a negative `ttl` says
/// how long ago it went stale (RFC 9211 §2.3).
pub fn status_stale_if_error(overdue_secs: u64) -> String {
    format!("{CACHE_NAME}; hit; ttl=-{overdue_secs}; detail=stale-if-error")
}

/// Whether a stale entry may stand in for an origin that failed, at most `max_stale_secs`
/// past its TTL.
pub fn usable_if_error(entry: &Cached, now: Timestamp, max_stale_secs: u64) -> bool {
    entry.status == 200 && entry.age_secs(now) <= u64::from(entry.ttl_secs).saturating_add(max_stale_secs)
}

/// A strong validator for a page body: FNV-1a over the bytes, quoted as RFC 9110 wants.
pub fn etag(body: &[u8]) -> String {
    let hash = body.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("\"{hash:016x}\"")
}

/// Whether an `If-None-Match` value names `etag` (weak comparison, as RFC 9110 §13.1.2 asks).
pub fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    let strip = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    if_none_match.split(',').any(|candidate| candidate.trim() == "*" || strip(candidate) == strip(etag))
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
    use linkedall_shared::ProductId;

    #[test]
    fn keys_hold_only_what_changes_the_page() {
        let at = |country: Option<&str>| Locale::of_country(country);
        let a = Route::parse(&http::Method::GET, "/c/fashion", Some("utm_source=ig&page=2&fbclid=x"));
        let b = Route::parse(&http::Method::GET, "/c/fashion", Some("page=2"));
        assert_eq!(key(&a, &at(Some("NG"))), key(&b, &at(Some("NG"))));
        assert_ne!(key(&a, &at(Some("NG"))), key(&a, &at(Some("KE"))));
        assert_eq!(key(&a, &at(Some("SN"))), key(&a, &at(Some("CI"))), "CFA francs and French in both");
        assert_ne!(
            key(&a, &at(Some("SN"))),
            key(&a, &at(Some("GW"))),
            "CFA francs in both, French and Portuguese"
        );
        assert_eq!(key(&a, &at(Some("FR"))), key(&a, &at(None)), "outside Africa: US dollars, English");
        let product = Route::Product { id: ProductId::new(9), slug: "old-name".into() };
        assert_eq!(
            key(&product, &at(None)).unwrap().as_str(),
            "v7|/p/9|currency=USD,lang=en",
            "keyed by id: the slug is the client's to invent"
        );
        let lite_swahili =
            Locale { language: linkedall_shared::Language::Sw, ..at(Some("ke")) }.with_lite(true);
        assert_eq!(key(&product, &lite_swahili).unwrap().as_str(), "v7|/p/9|currency=KES,lang=sw,lite");
        let search = |q: &str| key(&Route::parse(&http::Method::GET, "/search", Some(q)), &at(Some("NG")));
        assert_eq!(search("q=Shea++BUTTER"), search("q=shea%20butter"));
        assert_eq!(key(&Route::Proxy, &at(None)), None);
        let paged = Route::parse(&http::Method::GET, "/c/x", Some("page=3"));
        assert_ne!(key(&paged, &at(None)), key(&Route::parse(&http::Method::GET, "/c/x", None), &at(None)));
    }

    #[test]
    fn search_and_category_keys_hold_sort_and_filters_in_one_order() {
        let at = |country: &str| Locale::of_country(Some(country));
        let route = |path: &str, q: &str| Route::parse(&http::Method::GET, path, Some(q));
        let a = route("/search", "sort=price_asc&q=Phone&in_stock=on&max_price=50000&utm_campaign=x");
        let b = route("/search", "in_stock=1&max_price=50,000&q=phone&sort=price_asc");
        assert_eq!(key(&a, &at("NG")), key(&b, &at("NG")));
        assert_eq!(
            key(&a, &at("NG")).unwrap().as_str(),
            format!(
                "{KEY_VERSION}|/search?q=phone&sort=price_asc&max_price=50000&currency=NGN&in_stock=1|currency=NGN,lang=en"
            )
        );
        // "Ships to me" is keyed by the shopper's country: Senegal and Côte d'Ivoire share
        // prices and language, not deliveries.
        let ships = route("/c/fashion", "ships_to=me&page=2");
        assert_eq!(
            key(&ships, &at("SN")).unwrap().as_str(),
            format!("{KEY_VERSION}|/c/fashion?ships_to=SN&page=2|currency=XOF,lang=fr")
        );
        assert_ne!(key(&ships, &at("SN")), key(&ships, &at("CI")));
        // Without it, they share the page.
        let plain = route("/c/fashion", "sort=newest&page=2");
        assert_eq!(key(&plain, &at("SN")), key(&plain, &at("CI")));
        assert_eq!(
            key(&plain, &at("SN")).unwrap().as_str(),
            format!("{KEY_VERSION}|/c/fashion?page=2|currency=XOF,lang=fr")
        );
    }

    #[test]
    fn lite_pages_come_from_save_data_a_2g_connection_or_the_lite_parameter() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = http::HeaderMap::new();
            for (name, value) in pairs {
                map.insert(*name, http::HeaderValue::from_static(value));
            }
            map
        };
        assert!(!wants_lite(&headers(&[]), None));
        assert!(wants_lite(&headers(&[("save-data", "on")]), None));
        assert!(wants_lite(&headers(&[("ect", "slow-2g")]), None));
        assert!(wants_lite(&headers(&[("ect", "2g")]), Some("cursor=4")));
        assert!(!wants_lite(&headers(&[("ect", "4g")]), None));
        assert!(wants_lite(&headers(&[]), Some("lite=1&utm_source=x")));
        assert!(!wants_lite(&headers(&[("save-data", "on")]), Some("lite=0")), "the shopper's choice wins");
    }

    #[test]
    fn cache_status_follows_rfc_9211() {
        assert_eq!(status_hit(42), "linkedall-edge; hit; ttl=42");
        assert_eq!(status_miss(true), "linkedall-edge; fwd=miss; stored");
        assert_eq!(status_bypass(), "linkedall-edge; fwd=bypass");
    }

    #[test]
    fn etags_change_with_the_body_and_match_weakly() {
        let (a, b) = (etag(b"price 100"), etag(b"price 101"));
        assert_ne!(a, b);
        assert!(a.starts_with('"') && a.ends_with('"'));
        assert!(etag_matches(&a, &a));
        assert!(etag_matches(&format!("\"x\", W/{a}"), &a));
        assert!(etag_matches("*", &a));
        assert!(!etag_matches(&b, &a));
    }

    #[test]
    fn tags_are_bounded() {
        let tags = bounded((0..500).map(|i| format!("product:{i}")).collect());
        assert_eq!(tags.len(), MAX_TAGS);
        assert_eq!(tags[0], "product:0");
    }
}
