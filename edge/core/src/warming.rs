//! Cache warming: the pages this instance serves most are fetched again before shoppers ask,
//! after a purge reaches them and after a deploy.
//!
//! Each instance counts requests per page (at most [`TRACKED`] pages; the least requested
//! gives way to a new one, and counts halve every [`HALVE_EVERY`] requests so yesterday's
//! bestseller fades). When the purge journal moves on, the background work of the request
//! that noticed re-fetches the most requested pages the new purges reached (at most
//! [`WARM_AT_ONCE`]). The list is also kept in the host's cache under [`POPULAR_KEY`] with
//! the cache key version it was written under: an instance of a new deploy (a new key
//! version, so an empty cache) reads it and fetches those pages first.

use std::cell::RefCell;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::cache;
use crate::host::{CacheKey, Cached, Host, Timestamp};
use crate::locale::Locale;
use crate::purge_journal::Journal;
use crate::route::Route;
use std::rc::Rc;

/// Pages counted per instance.
pub const TRACKED: usize = 256;
/// Pages fetched by one warming pass: a background fetch per page, within what one Workers
/// invocation may send.
pub const WARM_AT_ONCE: usize = 16;
/// Requests between halvings of every count.
pub const HALVE_EVERY: u64 = 10_000;
/// Host cache key of the most requested pages, shared by the instances of one edge location.
pub const POPULAR_KEY: &str = "linkedall-popular-pages";
/// How often an instance writes its list to [`POPULAR_KEY`].
pub const SAVE_EVERY_MILLIS: u64 = 60_000;
/// Requests an instance serves before its list is worth saving.
pub const SAVE_AFTER_REQUESTS: u64 = 200;

/// A page worth keeping warm: how to render it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub route: Route,
    pub locale: Locale,
    pub key: CacheKey,
}

#[derive(Debug, Clone)]
struct Counted {
    route: Route,
    locale: Locale,
    hits: u64,
}

/// The most requested pages as stored in the host's cache.
#[derive(Debug, Serialize, Deserialize)]
struct Saved {
    key_version: String,
    /// Page address (path and query) and locale, most requested first.
    pages: Vec<(String, Locale)>,
}

#[derive(Default)]
struct Popular {
    pages: HashMap<CacheKey, Counted>,
    requests: u64,
    /// The journal position up to which purged pages were warmed; `None` until the first
    /// request of this instance, which only takes the position.
    warmed_through: Option<u64>,
    /// Whether the saved list was read (once per instance).
    loaded: bool,
    saved_at: u64,
}

thread_local! {
    static POPULAR: RefCell<Popular> = RefCell::new(Popular::default());
}

/// Counts a request for the page under `key`.
pub fn record(key: &CacheKey, route: &Route, locale: &Locale) {
    POPULAR.with_borrow_mut(|popular| {
        popular.requests += 1;
        if popular.requests.is_multiple_of(HALVE_EVERY) {
            popular.pages.values_mut().for_each(|page| page.hits /= 2);
            popular.pages.retain(|_, page| page.hits > 0);
        }
        if let Some(page) = popular.pages.get_mut(key) {
            page.hits += 1;
            return;
        }
        if popular.pages.len() >= TRACKED {
            let least = popular.pages.iter().min_by_key(|(_, page)| page.hits).map(|(key, _)| key.clone());
            if let Some(least) = least {
                popular.pages.remove(&least);
            }
        }
        popular.pages.insert(key.clone(), Counted { route: route.clone(), locale: locale.clone(), hits: 1 });
    });
}

fn most_requested(popular: &Popular, limit: usize) -> Vec<Page> {
    let mut pages: Vec<(&CacheKey, &Counted)> = popular.pages.iter().collect();
    pages.sort_by(|a, b| b.1.hits.cmp(&a.1.hits).then_with(|| a.0.as_str().cmp(b.0.as_str())));
    pages
        .into_iter()
        .take(limit)
        .map(|(key, page)| Page { route: page.route.clone(), locale: page.locale.clone(), key: key.clone() })
        .collect()
}

/// This instance's most requested pages now, most requested first (an admin's warming on
/// demand).
pub fn most_requested_now(limit: usize) -> Vec<Page> {
    POPULAR.with_borrow(|popular| most_requested(popular, limit))
}

/// What warming a request leaves for after its response, if any: the most requested pages
/// when purges arrived since the last pass (the pass checks which were purged), and the
/// saved list at this instance's first miss (a new deploy starts with nothing cached).
pub fn due(journal: &Rc<Journal>, now: Timestamp, missed: bool) -> Option<Warming> {
    POPULAR.with_borrow_mut(|popular| {
        let load = missed && !popular.loaded;
        popular.loaded |= missed;
        let purged = match popular.warmed_through {
            None => {
                popular.warmed_through = Some(journal.known());
                false
            }
            Some(through) if journal.known() > through => {
                popular.warmed_through = Some(journal.known());
                true
            }
            Some(_) => false,
        };
        // An instance that has served few requests (a Spin instance serves one) knows
        // nothing worth saving.
        let save = now.millis().saturating_sub(popular.saved_at) >= SAVE_EVERY_MILLIS
            && popular.requests >= SAVE_AFTER_REQUESTS;
        if save {
            popular.saved_at = now.millis();
        }
        let candidates = if purged { most_requested(popular, WARM_AT_ONCE * 2) } else { Vec::new() };
        let save = save.then(|| most_requested(popular, TRACKED / 4));
        (load || !candidates.is_empty() || save.is_some()).then(|| Warming {
            candidates,
            journal: Rc::clone(journal),
            load,
            save,
        })
    })
}

/// One warming pass, run after a response.
pub struct Warming {
    /// The most requested pages, to re-fetch those the journal purged.
    candidates: Vec<Page>,
    journal: Rc<Journal>,
    /// Read the saved list and warm it if it was written by another deploy.
    load: bool,
    /// The list to save.
    save: Option<Vec<Page>>,
}

impl Warming {
    /// The pages to fetch again: candidates whose cached copy is purged or gone, and after a
    /// deploy the previous deploy's most requested pages.
    pub async fn pages_to_fetch<H: Host>(&self, host: &H) -> Vec<Page> {
        let mut pages = Vec::new();
        for page in &self.candidates {
            let stale = match host.cache_get(&page.key).await {
                Some(entry) => self.journal.purges(&page.key, &entry),
                None => false,
            };
            if stale {
                pages.push(page.clone());
            }
            if pages.len() == WARM_AT_ONCE {
                break;
            }
        }
        if self.load {
            pages.extend(self.previous_deploys_pages(host).await);
            pages.truncate(WARM_AT_ONCE);
        }
        pages
    }

    /// The previous deploy's most requested pages that are not cached yet. The list is saved
    /// again under this deploy's key version first, so only the first instance to read it
    /// warms them.
    async fn previous_deploys_pages<H: Host>(&self, host: &H) -> Vec<Page> {
        let Some(entry) = host.cache_get(&CacheKey(POPULAR_KEY.into())).await else { return Vec::new() };
        let Some(saved) = entry.read_state::<Saved>() else { return Vec::new() };
        if saved.key_version == linkedall_shared::EDGE_CACHE_KEY_VERSION {
            return Vec::new();
        }
        let resaved =
            Saved { key_version: linkedall_shared::EDGE_CACHE_KEY_VERSION.to_owned(), pages: saved.pages };
        put_saved(host, &resaved).await;
        let mut pages = Vec::new();
        for (address, locale) in resaved.pages {
            let (path, query) = match address.split_once('?') {
                Some((path, query)) => (path, Some(query)),
                None => (address.as_str(), None),
            };
            let route = Route::parse(&http::Method::GET, path, query);
            let Some(key) = cache::key(&route, &locale) else { continue };
            if host.cache_get(&key).await.is_none() {
                pages.push(Page { route, locale, key });
            }
            if pages.len() == WARM_AT_ONCE {
                break;
            }
        }
        pages
    }

    /// Writes the list for the next deploy, if this pass has one to write.
    pub async fn save<H: Host>(&self, host: &H) {
        let Some(pages) = &self.save else { return };
        let saved = Saved {
            key_version: linkedall_shared::EDGE_CACHE_KEY_VERSION.to_owned(),
            pages: pages.iter().map(|page| (page.key.path().to_owned(), page.locale.clone())).collect(),
        };
        put_saved(host, &saved).await;
    }

    pub fn journal(&self) -> &Journal {
        &self.journal
    }
}

async fn put_saved<H: Host>(host: &H, saved: &Saved) {
    if let Some(entry) = Cached::state(saved, host.now(), 7 * 24 * 3600) {
        host.cache_put(&CacheKey(POPULAR_KEY.into()), entry).await;
    }
}

#[cfg(test)]
pub(crate) fn reset() {
    POPULAR.with_borrow_mut(|popular| *popular = Popular::default());
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn page(id: i64) -> (CacheKey, Route) {
        let route = Route::parse(&http::Method::GET, &format!("/p/{id}-thing"), None);
        (cache::key(&route, &Locale::of_country(Some("KE"))).unwrap(), route)
    }

    #[test]
    fn the_least_requested_page_gives_way_and_the_most_requested_come_first() {
        reset();
        for id in 1..=TRACKED as i64 {
            let (key, route) = page(id);
            for _ in 0..(id % 7 + 2) {
                record(&key, &route, &Locale::of_country(Some("KE")));
            }
        }
        let (newcomer, route) = page(9_999);
        record(&newcomer, &route, &Locale::of_country(Some("KE")));
        POPULAR.with_borrow(|popular| {
            assert_eq!(popular.pages.len(), TRACKED);
            assert!(popular.pages.contains_key(&newcomer));
            let top = most_requested(popular, 3);
            assert!(top.iter().all(|p| popular.pages[&p.key].hits == 8), "{top:?}");
        });
    }

    #[test]
    fn counts_halve_so_old_favourites_fade() {
        reset();
        let (old, old_route) = page(1);
        for _ in 0..(HALVE_EVERY - 1) {
            record(&old, &old_route, &Locale::of_country(None));
        }
        let (new, new_route) = page(2);
        record(&new, &new_route, &Locale::of_country(None));
        POPULAR.with_borrow(|popular| assert_eq!(popular.pages[&old].hits, (HALVE_EVERY - 1) / 2));
    }

    /// A host with a cache and nothing else: warming decides what to fetch from the cache.
    #[derive(Default)]
    struct CacheOnly(RefCell<HashMap<CacheKey, Cached>>);

    impl Host for CacheOnly {
        async fn cache_get(&self, key: &CacheKey) -> Option<Cached> {
            self.0.borrow().get(key).cloned()
        }
        async fn cache_put(&self, key: &CacheKey, entry: Cached) {
            self.0.borrow_mut().insert(key.clone(), entry);
        }
        async fn fetch_origin(
            &self,
            _: http::Request<Bytes>,
        ) -> Result<http::Response<Bytes>, crate::host::OriginError> {
            Err(crate::host::OriginError::Unreachable("no origin in this test".into()))
        }
        fn geo(&self, _: &http::Request<Bytes>) -> crate::host::Geo {
            crate::host::Geo::default()
        }
        fn now(&self) -> Timestamp {
            Timestamp(0)
        }
    }

    #[test]
    fn a_new_deploy_warms_the_previous_deploys_most_requested_pages_once() {
        reset();
        let host = CacheOnly::default();
        let previous = Saved {
            key_version: "v0-previous-deploy".into(),
            pages: vec![
                ("/c/fashion?page=4".into(), Locale::of_country(Some("KE"))),
                ("/p/7-shuka".into(), Locale::of_country(None).with_lite(true)),
            ],
        };
        futures_executor::block_on(put_saved(&host, &previous));
        let first_miss = due(&Rc::default(), Timestamp(0), true).expect("a first miss loads the list");
        let pages = futures_executor::block_on(first_miss.pages_to_fetch(&host));
        let addresses: Vec<&str> = pages.iter().map(|page| page.key.path()).collect();
        assert_eq!(addresses, ["/c/fashion?page=4", "/p/7"]);
        assert_eq!(pages[0].locale.country(), Some("KE"));
        assert!(pages[1].locale.lite, "the lite variant is warmed as such");
        // Saved again under this deploy's version: the next instance finds nothing to warm.
        reset();
        let next = due(&Rc::default(), Timestamp(0), true).expect("loads");
        assert!(futures_executor::block_on(next.pages_to_fetch(&host)).is_empty());
        // A hit never loads the list.
        reset();
        assert!(due(&Rc::default(), Timestamp(0), false).is_none());
    }
}
