//! The files crawlers and browsers ask every site for: `/robots.txt` (pointing at the
//! sitemap), `/favicon.ico`, and the sitemaps — an index (`/sitemap.xml`) of one sitemap of
//! the home page and categories and as many product sitemaps as the catalog needs.
//!
//! Product sitemaps cover fixed ranges of product ids ([`IDS_PER_SITEMAP`] each, far below the
//! protocol's 50,000 URLs), read from the origin's ordinary product listing (ascending ids,
//! [`Limit::MAX`] per call): one file costs at most `IDS_PER_SITEMAP / 100` origin calls, within
//! every host's subrequest budget, and a million products make 200 files. The index needs the
//! highest product id, which the listing finds by an exponential then binary search with
//! one-product pages. What the origin said is kept in the host's cache for
//! [`SITEMAP_TTL_SECS`]; the XML is written per request, because a sitemap's addresses must
//! be absolute and name the host the crawler came to.

use bytes::Bytes;
use http::{Request, Response, StatusCode, header};
use linkedall_shared::{Category, Cursor, Limit, ProductId, ProductList};

use crate::assets;
use crate::error::EdgeError;
use crate::host::{CacheKey, Cached, Host};
use crate::origin::fetch_document;
use crate::route::CrawlerFile;
use crate::trace::RequestContext;

/// Product ids per product sitemap.
pub const IDS_PER_SITEMAP: u64 = 5_000;
// The sitemap protocol allows 50,000 URLs per file.
const _: () = assert!(IDS_PER_SITEMAP <= 50_000);
/// How long the ids and paths read from the origin are kept.
pub const SITEMAP_TTL_SECS: u32 = 6 * 3600;
/// How long browsers and caches may keep the favicon (it changes with the brand only).
pub const FAVICON_CACHE_CONTROL: &str = "public, max-age=2592000, stale-while-revalidate=86400";
/// The highest product id the search for it may reach (2^40: no catalog is larger).
const MAX_PRODUCT_ID: u64 = 1 << 40;

/// Answers one of the crawler files; failures of the origin are an error page.
pub async fn serve<H: Host>(
    file: CrawlerFile,
    request: &Request<Bytes>,
    host: &H,
    ctx: &RequestContext,
) -> Result<Response<Bytes>, EdgeError> {
    let site = crate::site::of_request(request);
    match file {
        CrawlerFile::Robots => Ok(text("text/plain; charset=utf-8", robots(&site), "public, max-age=86400")),
        CrawlerFile::Favicon => {
            let icon = assets::bytes("favicon.ico")
                .ok_or_else(|| EdgeError::NotFound("the favicon is not embedded".into()))?;
            let mut response = Response::new(Bytes::from_static(icon));
            response.headers_mut().insert(header::CONTENT_TYPE, "image/x-icon".parse().expect("valid"));
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, FAVICON_CACHE_CONTROL.parse().expect("valid"));
            Ok(response)
        }
        CrawlerFile::SitemapIndex => {
            let highest = cached(host, "highest-product-id", || highest_product_id(host, ctx)).await?;
            Ok(xml(sitemap_index(&site, highest)))
        }
        CrawlerFile::PagesSitemap => {
            let categories: Vec<String> = cached(host, "category-paths", || async {
                let categories: Vec<Category> = fetch_document(host, "/api/v1/categories", ctx).await?;
                Ok(categories.iter().map(|c| format!("/c/{}", c.slug)).collect())
            })
            .await?;
            let paths = std::iter::once("/".to_owned()).chain(categories);
            Ok(xml(urlset(&site, paths)))
        }
        CrawlerFile::ProductSitemap { part } => {
            let key = format!("product-paths-{part}");
            let paths = cached(host, &key, || product_paths(host, ctx, part)).await?;
            Ok(xml(urlset(&site, paths)))
        }
    }
}

/// What crawlers may read: the catalog, not the private pages or the API.
pub fn robots(site: &str) -> String {
    let private = [
        "/cart",
        "/checkout",
        "/orders",
        "/vendor",
        "/login",
        "/register",
        "/logout",
        "/forgot-password",
        "/reset-password",
        "/api/",
    ];
    let mut text = String::from("User-agent: *\n");
    for path in private {
        text.push_str(&format!("Disallow: {path}\n"));
    }
    text.push_str(&format!("Allow: /\n\nSitemap: {site}/sitemap.xml\n"));
    text
}

/// The sitemap index for a catalog whose highest product id is `highest`.
pub fn sitemap_index(site: &str, highest: u64) -> String {
    let parts = highest.div_ceil(IDS_PER_SITEMAP);
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    xml.push_str(&format!("<sitemap><loc>{site}/sitemaps/pages.xml</loc></sitemap>\n"));
    for part in 1..=parts {
        xml.push_str(&format!("<sitemap><loc>{site}/sitemaps/products-{part}.xml</loc></sitemap>\n"));
    }
    xml.push_str("</sitemapindex>\n");
    xml
}

/// A sitemap of `paths` on `site`.
pub fn urlset(site: &str, paths: impl IntoIterator<Item = String>) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in paths {
        xml.push_str(&format!("<url><loc>{site}{}</loc></url>\n", escape_xml(&path)));
    }
    xml.push_str("</urlset>\n");
    xml
}

/// The paths of the products whose ids are in the `part`-th range.
async fn product_paths<H: Host>(host: &H, ctx: &RequestContext, part: u32) -> Result<Vec<String>, EdgeError> {
    let first = (u64::from(part) - 1) * IDS_PER_SITEMAP;
    let last = first + IDS_PER_SITEMAP;
    let mut after = first;
    let mut paths = Vec::new();
    loop {
        let list = listing(host, ctx, after, Limit::MAX).await?;
        for card in list.items.iter().filter(|card| card.id.get() as u64 <= last) {
            paths.push(card.path());
        }
        match (list.next_cursor, list.items.last()) {
            (Some(_), Some(card)) if (card.id.get() as u64) < last => after = card.id.get() as u64,
            _ => return Ok(paths),
        }
    }
}

/// The highest product id in the catalog (0 when it is empty): doubles a probe until no
/// product lies beyond it, then halves the gap.
async fn highest_product_id<H: Host>(host: &H, ctx: &RequestContext) -> Result<u64, EdgeError> {
    let one = 1;
    let first = |after: u64| async move {
        Ok::<_, EdgeError>(listing(host, ctx, after, one).await?.items.first().map(|c| c.id.get() as u64))
    };
    let Some(mut low) = first(0).await? else { return Ok(0) };
    // Double until nothing lies after `high`.
    let mut high = low;
    while let Some(found) = first(high).await? {
        low = found;
        high = found.saturating_mul(2).min(MAX_PRODUCT_ID);
        if high == MAX_PRODUCT_ID {
            return Ok(low);
        }
    }
    // Invariant: `low` is a product id and nothing lies after `high`.
    while low < high {
        let middle = low + (high - low) / 2;
        match first(middle).await? {
            Some(found) => low = found,
            None => high = middle,
        }
    }
    Ok(low)
}

/// The products after id `after`, `limit` (1 to [`Limit::MAX`]) of them.
async fn listing<H: Host>(
    host: &H,
    ctx: &RequestContext,
    after: u64,
    limit: u32,
) -> Result<ProductList, EdgeError> {
    let mut path = format!("/api/v1/products?limit={limit}");
    if after > 0 {
        path.push_str(&format!("&cursor={}", Cursor::after(ProductId::new(after as i64))));
    }
    fetch_document(host, &path, ctx).await
}

/// `name`'s value from the host's cache, or `compute`d and kept for [`SITEMAP_TTL_SECS`].
async fn cached<H, T, F, Fut>(host: &H, name: &str, compute: F) -> Result<T, EdgeError>
where
    H: Host,
    T: serde::Serialize + serde::de::DeserializeOwned,
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<T, EdgeError>>,
{
    let key = CacheKey(format!("linkedall-sitemap-{name}"));
    let now = host.now();
    if let Some(value) = host
        .cache_get(&key)
        .await
        .filter(|entry| entry.is_fresh(now))
        .and_then(|entry| entry.read_state::<T>())
    {
        return Ok(value);
    }
    let value = compute().await?;
    if let Some(entry) = Cached::state(&value, now, SITEMAP_TTL_SECS) {
        host.cache_put(&key, entry).await;
    }
    Ok(value)
}

fn xml(body: String) -> Response<Bytes> {
    text("application/xml; charset=utf-8", body, "public, max-age=3600")
}

fn text(content_type: &'static str, body: String, cache_control: &'static str) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(body));
    *response.status_mut() = StatusCode::OK;
    response.headers_mut().insert(header::CONTENT_TYPE, http::HeaderValue::from_static(content_type));
    response.headers_mut().insert(header::CACHE_CONTROL, http::HeaderValue::from_static(cache_control));
    response
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robots_points_at_the_sitemap_and_keeps_crawlers_out_of_private_pages() {
        let robots = robots("https://shop.example");
        assert!(robots.contains("Sitemap: https://shop.example/sitemap.xml"));
        assert!(robots.contains("Disallow: /checkout\n") && robots.contains("Disallow: /api/\n"));
        assert!(!robots.contains("Disallow: /\n"), "the catalog stays open");
    }

    #[test]
    fn a_million_products_make_files_far_below_the_fifty_thousand_url_limit() {
        let index = sitemap_index("https://shop.example", 1_000_000);
        assert_eq!(index.matches("/sitemaps/products-").count(), 200);
        assert!(index.contains("<loc>https://shop.example/sitemaps/products-200.xml</loc>"));
        assert!(!index.contains("products-201"));
        assert!(index.contains("/sitemaps/pages.xml"));
        assert_eq!(sitemap_index("http://x", 5_001).matches("/sitemaps/products-").count(), 2);
        assert_eq!(sitemap_index("http://x", 0).matches("/sitemaps/products-").count(), 0);
        let set = urlset("https://shop.example", ["/p/1-a&b".to_owned()]);
        assert!(set.contains("<url><loc>https://shop.example/p/1-a&amp;b</loc></url>"));
    }
}
