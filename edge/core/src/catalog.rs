//! Catalog pages: served from the host's cache while fresh, otherwise rendered from origin
//! documents and stored with their purge tags.

use askama::Template;
use bytes::Bytes;
use http::{Response, StatusCode, header};
use linkedall_shared::{HomeFeed, Limit, ProductDetail, SearchResults, VendorStorefront};

use crate::account::{self, Account};
use crate::browsing;
use crate::cache;
use crate::coalesce::{self, Leader, Outcome, Turn};
use crate::delivery_reach;
use crate::error::EdgeError;
use crate::fx_rates;
use crate::host::{CacheKey, Cached, Host};
use crate::locale::Locale;
use crate::origin::{Document, fetch_stamped_document};
use crate::origin_health;
use crate::pages::{ErrorPage, HomePage, ListingPage, ProductPage, Shopper};
use crate::purge_journal::{self, Stamp};
use crate::read_only;
use crate::route::Route;
use crate::trace::RequestContext;
use crate::warming::{self, Warming};

/// How browsers may cache a page: they must check back every time, so a price change at the
/// origin reaches the shopper as soon as the edge has it.
const BROWSER_CACHE_CONTROL: &str = "public, max-age=0, must-revalidate";

/// Page size of listings.
const PAGE_SIZE: Limit = Limit::DEFAULT;

/// A rendered page, before caching decisions.
struct Rendered {
    status: u16,
    html: String,
    tags: Vec<String>,
    ttl_secs: u32,
    /// The purge position of the origin document it was rendered from.
    purge_seq: Option<u64>,
    /// A product's or storefront's own address (`/p/42-tecno-spark`), stored as the entry's
    /// `content-location`: a request with another slug is redirected there ([`respond`]).
    canonical: Option<String>,
}

/// Work left for after the response (`ctx.waitUntil` on Workers, a local task natively,
/// inline on Spin); dropping it unrun only means a later request fetches the pages.
///
/// - Refresh: a stale copy was served, and this fetches it again (stale-while-revalidate).
/// - Warming: the most requested pages a new purge reached, or the previous deploy's most
///   requested pages, are fetched before shoppers ask (see [`crate::warming`]).
#[derive(Default)]
pub struct Background {
    refresh: Option<Refresh>,
    warming: Option<Warming>,
}

struct Refresh {
    route: Route,
    locale: Locale,
    key: CacheKey,
    ctx: RequestContext,
    stale: Cached,
    stamp: Stamp,
    /// Holds the page's coalescing slot, so no other request starts the same fetch.
    leader: Leader,
}

impl Background {
    pub fn is_empty(&self) -> bool {
        self.refresh.is_none() && self.warming.is_none()
    }

    pub async fn run<H: Host>(self, host: &H) {
        if let Some(Refresh { route, locale, key, ctx, stale, stamp, leader }) = self.refresh {
            let outcome = fetch_and_store(&route, &locale, host, &ctx, &key, Some(stale), stamp).await;
            metrics::counter!("edge_revalidations_total", "route" => route.label()).increment(1);
            tracing::info!(key = key.as_str(), cache_status = %outcome.cache_status, "revalidated in the background");
            leader.finish(&outcome);
        }
        if let Some(warming) = self.warming {
            let ctx = RequestContext::from_headers(&http::HeaderMap::new(), host.now());
            for page in warming.pages_to_fetch(host).await {
                // A page some request is fetching right now needs no second fetch.
                let Some(leader) = coalesce::lead_if_idle(&page.key) else { continue };
                let outcome = fetch_and_store(
                    &page.route,
                    &page.locale,
                    host,
                    &ctx,
                    &page.key,
                    None,
                    warming.journal().stamp(),
                )
                .await;
                metrics::counter!("edge_warmed_pages_total", "route" => page.route.label()).increment(1);
                tracing::info!(key = page.key.as_str(), cache_status = %outcome.cache_status, "warmed");
                leader.finish(&outcome);
            }
            warming.save(host).await;
        }
    }
}

/// What an admin's warming on demand did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WarmedNow {
    /// The most requested pages this instance knows (at most [`warming::WARM_AT_ONCE`]).
    pub listed: usize,
    /// Those fetched from the origin and stored.
    pub fetched: usize,
    /// Those whose fetch failed (the cached copy, if any, stays).
    pub failed: usize,
}

/// Fetches this instance's most requested pages now and stores them (an admin's warming on
/// demand). A page another request is fetching at this moment is left to it.
pub async fn warm_now<H: Host>(host: &H, ctx: &RequestContext) -> WarmedNow {
    let pages = warming::most_requested_now(warming::WARM_AT_ONCE);
    let journal = purge_journal::current(host, ctx).await;
    let mut warmed = WarmedNow { listed: pages.len(), fetched: 0, failed: 0 };
    for page in pages {
        let Some(leader) = coalesce::lead_if_idle(&page.key) else { continue };
        let outcome =
            fetch_and_store(&page.route, &page.locale, host, ctx, &page.key, None, journal.stamp()).await;
        if outcome.cache_status == cache::status_miss(true) {
            warmed.fetched += 1;
            metrics::counter!("edge_warmed_pages_total", "route" => page.route.label()).increment(1);
        } else {
            warmed.failed += 1;
        }
        tracing::info!(key = page.key.as_str(), cache_status = %outcome.cache_status, "warmed on demand");
        leader.finish(&outcome);
    }
    warmed
}

pub async fn serve<H: Host>(
    route: &Route,
    locale: &Locale,
    account: Option<&Account>,
    if_none_match: Option<&str>,
    host: &H,
    ctx: &RequestContext,
) -> (Response<Bytes>, Background) {
    // Every answer below is the shared page with this shopper's header corner, and on a
    // product page whose shop does not deliver to them, no "Add to cart".
    let answer = |route: &Route, entry: &Cached, status: &str, if_none_match: Option<&str>, now| {
        let not_delivered = match route {
            Route::Product { .. } => delivery_reach::personalise(entry, locale.our_market()),
            _ => None,
        };
        let entry = not_delivered.as_ref().unwrap_or(entry);
        respond(route, &account::personalise(entry, account), status, if_none_match, now)
    };
    let label = route.label();
    let Some(key) = cache::key(route, locale) else {
        // Only catalog routes reach here, and every catalog route has a key.
        return (
            error_response(&EdgeError::NotFound("that page does not exist".into()), locale),
            Background::default(),
        );
    };
    let now = host.now();
    let journal = purge_journal::current(host, ctx).await;
    warming::record(&key, route, locale);
    let cached = host.cache_get(&key).await.filter(|entry| {
        let purged = journal.purges(&key, entry);
        if purged {
            metrics::counter!("edge_cache_total", "route" => label, "result" => "purged").increment(1);
        }
        !purged
    });
    let background = Background { refresh: None, warming: warming::due(&journal, now, cached.is_none()) };
    if let Some(entry) = cached.as_ref().filter(|entry| entry.is_fresh(now)) {
        metrics::counter!("edge_cache_total", "route" => label, "result" => "hit").increment(1);
        let ttl_left = u64::from(entry.ttl_secs).saturating_sub(entry.age_secs(now));
        return (answer(route, entry, &cache::status_hit(ttl_left), if_none_match, now), background);
    }
    if let Some(entry) = cached.as_ref().filter(|entry| cache::usable_while_revalidating(entry, now)) {
        metrics::counter!("edge_cache_total", "route" => label, "result" => "stale").increment(1);
        let overdue = entry.age_secs(now).saturating_sub(u64::from(entry.ttl_secs));
        let status = cache::status_stale_while_revalidate(overdue);
        let response = if origin_health::failing() {
            // The origin is failing: the page is read-only until it answers again.
            metrics::counter!("edge_read_only_pages_total", "route" => label).increment(1);
            let noticed = read_only::with_notice(entry, entry.age_secs(now), locale.language);
            answer(route, &noticed, &status, if_none_match, now)
        } else {
            answer(route, entry, &status, if_none_match, now)
        };
        let refresh = coalesce::lead_if_idle(&key).map(|leader| Refresh {
            route: route.clone(),
            locale: locale.clone(),
            key: key.clone(),
            ctx: ctx.clone(),
            stale: entry.clone(),
            stamp: journal.stamp(),
            leader,
        });
        return (response, Background { refresh, ..background });
    }
    let leader = match coalesce::turn(&key) {
        Turn::Lead(leader) => Some(leader),
        Turn::Wait(outcome) => match outcome.await {
            Ok(Outcome { entry, .. }) => {
                metrics::counter!("edge_cache_total", "route" => label, "result" => "collapsed").increment(1);
                return (answer(route, &entry, &cache::status_collapsed(), if_none_match, now), background);
            }
            Err(_) => None,
        },
    };
    metrics::counter!("edge_cache_total", "route" => label, "result" => "miss").increment(1);
    let response = fetch_and_store(route, locale, host, ctx, &key, cached, journal.stamp()).await;
    if let Some(leader) = leader {
        leader.finish(&response);
    }
    (answer(route, &response.entry, &response.cache_status, if_none_match, now), background)
}

/// Renders the page from the origin and stores it; on origin failure falls back to the stale
/// copy (stale-if-error) or an error page. The outcome is what every coalesced request sees.
async fn fetch_and_store<H: Host>(
    route: &Route,
    locale: &Locale,
    host: &H,
    ctx: &RequestContext,
    key: &crate::host::CacheKey,
    cached: Option<Cached>,
    stamp: Stamp,
) -> Outcome {
    let label = route.label();
    let now = host.now();
    let rendered = match render(route, locale, host, ctx).await {
        Err(EdgeError::NotFound(message)) => Ok(Rendered {
            status: 404,
            html: ErrorPage::not_found(&message, locale).render().unwrap_or_else(|_| message.clone()),
            tags: Vec::new(),
            ttl_secs: cache::NOT_FOUND_TTL_SECS,
            purge_seq: None,
            canonical: None,
        }),
        other => other,
    };
    match rendered {
        Ok(rendered) => {
            let entry = into_entry(rendered, now, stamp);
            host.cache_put(key, entry.clone()).await;
            Outcome { entry, cache_status: cache::status_miss(true) }
        }
        // stale-if-error: a page the shopper could have seen a moment ago beats an error page.
        // It says that the shop is read-only for now, and how old it is.
        Err(error)
            if cached
                .as_ref()
                .is_some_and(|entry| cache::usable_if_error(entry, now, host.max_stale_secs())) =>
        {
            let entry = cached.expect("checked above");
            metrics::counter!("edge_cache_total", "route" => label, "result" => "stale").increment(1);
            metrics::counter!("edge_read_only_pages_total", "route" => label).increment(1);
            tracing::warn!(%error, age = entry.age_secs(now), "origin failed; serving the stale copy read-only");
            let overdue = entry.age_secs(now).saturating_sub(u64::from(entry.ttl_secs));
            let entry = read_only::with_notice(&entry, entry.age_secs(now), locale.language);
            Outcome { entry, cache_status: cache::status_stale_if_error(overdue) }
        }
        Err(error) => {
            let response = error_response(&error, locale);
            let entry = Cached {
                status: response.status().as_u16(),
                headers: response
                    .headers()
                    .iter()
                    .filter_map(|(name, value)| {
                        Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
                    })
                    .collect(),
                body: response.into_body(),
                stored_at: now,
                ttl_secs: 0,
                tags: Vec::new(),
                purge_seq: stamp.known(),
            };
            Outcome { entry, cache_status: cache::status_miss(false) }
        }
    }
}

/// Replays `entry` with its `Cache-Status` and `Age`, or answers 304 when the shopper's
/// browser already holds this exact page (`If-None-Match` names its `ETag`).
fn respond(
    route: &Route,
    entry: &Cached,
    cache_status: &str,
    if_none_match: Option<&str>,
    now: crate::host::Timestamp,
) -> Response<Bytes> {
    let etag = entry.headers.iter().find(|(name, _)| name == "etag").map(|(_, value)| value.as_str());
    let redirect = wrong_slug_redirect(route, entry);
    let mut response = match (redirect, etag, if_none_match) {
        (Some(redirect), _, _) => redirect,
        (None, Some(etag), Some(condition)) if cache::etag_matches(condition, etag) => {
            let mut not_modified = Response::new(Bytes::new());
            *not_modified.status_mut() = StatusCode::NOT_MODIFIED;
            insert(not_modified.headers_mut(), "etag", etag);
            insert(not_modified.headers_mut(), "cache-control", BROWSER_CACHE_CONTROL);
            not_modified
        }
        _ => replay(entry),
    };
    let headers = response.headers_mut();
    headers.insert(header::AGE, entry.age_secs(now).into());
    insert(headers, "cache-status", cache_status);
    response
}

async fn render<H: Host>(
    route: &Route,
    locale: &Locale,
    host: &H,
    ctx: &RequestContext,
) -> Result<Rendered, EdgeError> {
    let page = |html: String, tags: Vec<String>, purge_seq: Option<u64>| Rendered {
        status: 200,
        html,
        tags,
        ttl_secs: cache::ttl_secs(route),
        purge_seq,
        canonical: None,
    };
    let rates = fx_rates::current(host, ctx).await;
    let shopper = Shopper::new(locale, rates.as_deref());
    match route {
        Route::Home => {
            let Document { value: feed, purge_seq } =
                fetch_stamped_document::<HomeFeed, H>(host, "/api/v1/home", ctx).await?;
            let mut tags = vec!["home".to_owned()];
            tags.extend(feed.featured.iter().map(|p| format!("product:{}", p.id)));
            tags.extend(feed.categories.iter().map(|c| format!("category:{}", c.id)));
            Ok(page(HomePage::new(&feed, &shopper).render()?, tags, purge_seq))
        }
        Route::Category { slug, browse } => {
            let path =
                browsing::origin_path(&browsing::for_shopper(browse, locale), Some(slug), PAGE_SIZE.get());
            let Document { value: results, purge_seq } =
                fetch_stamped_document::<SearchResults, H>(host, &path, ctx).await?;
            let mut tags: Vec<String> =
                results.category.iter().map(|c| format!("category:{}", c.id)).collect();
            tags.extend(results.items.iter().map(|p| format!("product:{}", p.id)));
            let listing = ListingPage::category(&results, slug, browse, &shopper);
            Ok(page(listing.render()?, tags, purge_seq))
        }
        Route::Product { id, .. } => {
            let Document { value: detail, purge_seq } =
                fetch_stamped_document::<ProductDetail, H>(host, &format!("/api/v1/products/{id}"), ctx)
                    .await?;
            let tags = vec![
                format!("product:{id}"),
                format!("vendor:{}", detail.vendor.id),
                format!("category:{}", detail.category.id),
            ];
            let canonical = Some(detail.product.path());
            Ok(Rendered { canonical, ..page(ProductPage::new(&detail, &shopper).render()?, tags, purge_seq) })
        }
        Route::Vendor { id, cursor, .. } => {
            let mut path = format!("/api/v1/vendors/{id}?limit={}", PAGE_SIZE.get());
            if let Some(cursor) = cursor {
                path.push_str(&format!("&cursor={cursor}"));
            }
            let Document { value: storefront, purge_seq } =
                fetch_stamped_document::<VendorStorefront, H>(host, &path, ctx).await?;
            let mut tags = vec![format!("vendor:{id}")];
            tags.extend(storefront.products.iter().map(|p| format!("product:{}", p.id)));
            let slug = storefront.vendor.slug.clone();
            let canonical = cache::requested_address(&Route::Vendor { id: *id, slug, cursor: *cursor });
            let mut listing = ListingPage::vendor(&storefront, &shopper);
            listing.layout.canonical.clone_from(&canonical);
            Ok(Rendered { canonical, ..page(listing.render()?, tags, purge_seq) })
        }
        Route::Search { browse } if browse.words.is_empty() => {
            // Shows no product: nothing a purge could make stale but the markup itself.
            Ok(page(ListingPage::search(None, browse, &shopper).render()?, vec!["search".into()], None))
        }
        Route::Search { browse } => {
            let path = browsing::origin_path(&browsing::for_shopper(browse, locale), None, PAGE_SIZE.get());
            let Document { value: results, purge_seq } =
                fetch_stamped_document::<SearchResults, H>(host, &path, ctx).await?;
            let mut tags = vec!["search".to_owned()];
            tags.extend(results.items.iter().map(|p| format!("product:{}", p.id)));
            Ok(page(ListingPage::search(Some(&results), browse, &shopper).render()?, tags, purge_seq))
        }
        Route::Asset { .. }
        | Route::Image { .. }
        | Route::Shop(_)
        | Route::Crawler(_)
        | Route::NotFound { .. }
        | Route::BadFilter { .. }
        | Route::Proxy => Err(EdgeError::NotFound("that page does not exist".into())),
    }
}

fn into_entry(rendered: Rendered, now: crate::host::Timestamp, stamp: Stamp) -> Cached {
    let Rendered { status, html, tags, ttl_secs, purge_seq, canonical } = rendered;
    let mut headers: Vec<(String, String)> = vec![
        ("content-type".into(), "text/html; charset=utf-8".into()),
        ("cache-control".into(), BROWSER_CACHE_CONTROL.into()),
        ("etag".into(), cache::etag(html.as_bytes())),
        // Lite pages (small images only) are chosen by these request headers.
        ("vary".into(), cache::LITE_VARY.into()),
    ];
    headers.extend(canonical.map(|address| (CONTENT_LOCATION.to_owned(), address)));
    Cached {
        status,
        headers,
        body: Bytes::from(html),
        stored_at: now,
        ttl_secs,
        tags: cache::bounded(tags),
        purge_seq: stamp.page(purge_seq),
    }
}

/// The entry header that holds a page's canonical address (see [`Rendered::canonical`]).
pub(crate) const CONTENT_LOCATION: &str = "content-location";

/// A permanent redirect to the page's canonical address when `route` asked for it under
/// another slug. Built per request from the one cached page, never stored: an invented slug
/// costs no cache entry.
fn wrong_slug_redirect(route: &Route, entry: &Cached) -> Option<Response<Bytes>> {
    let canonical = entry.headers.iter().find(|(name, _)| name == CONTENT_LOCATION).map(|(_, v)| v)?;
    if cache::requested_address(route).as_ref() == Some(canonical) {
        return None;
    }
    metrics::counter!("edge_slug_redirects_total", "route" => route.label()).increment(1);
    let mut moved = Response::new(Bytes::new());
    *moved.status_mut() = StatusCode::MOVED_PERMANENTLY;
    insert(moved.headers_mut(), "location", canonical);
    insert(moved.headers_mut(), "cache-control", BROWSER_CACHE_CONTROL);
    Some(moved)
}

/// The page a shopper sees when something went wrong.
pub fn error_response(error: &EdgeError, locale: &Locale) -> Response<Bytes> {
    let status = error.status();
    let page = match error {
        EdgeError::NotFound(message) => ErrorPage::not_found(message, locale),
        EdgeError::BadRequest(message) => ErrorPage::bad_request(message, locale),
        _ => {
            tracing::warn!(%error, status, "page could not be served");
            ErrorPage::origin_unavailable(status, locale)
        }
    };
    let mut response =
        html_response(status, page.render().unwrap_or_else(|_| "The shop is briefly unavailable.".into()));
    if status == 503 {
        insert(response.headers_mut(), "retry-after", "5");
    }
    response
}

/// The 400 page of a search or category address whose sort or filters cannot be used.
pub fn bad_filter_response(error: &linkedall_shared::BrowseError, locale: &Locale) -> Response<Bytes> {
    let page = ErrorPage::bad_filter(error, locale);
    html_response(400, page.render().unwrap_or_else(|_| "That address cannot be used.".into()))
}

fn html_response(status: u16, html: String) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(html));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    insert(response.headers_mut(), "content-type", "text/html; charset=utf-8");
    insert(response.headers_mut(), "cache-control", "no-store");
    response
}

fn replay(entry: &Cached) -> Response<Bytes> {
    let mut response = Response::new(entry.body.clone());
    *response.status_mut() = StatusCode::from_u16(entry.status).unwrap_or(StatusCode::OK);
    for (name, value) in &entry.headers {
        if let (Ok(name), Ok(value)) =
            (http::HeaderName::try_from(name.as_str()), http::HeaderValue::from_str(value))
        {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

fn insert(headers: &mut http::HeaderMap, name: &'static str, value: &str) {
    if let Ok(value) = http::HeaderValue::from_str(value) {
        headers.insert(http::HeaderName::from_static(name), value);
    }
}
