//! Purges at the edge: each edge instance follows the origin's purge journal and treats a
//! cached page as gone when a purge newer than the page reaches it.
//!
//! This works on every host, with or without a purge API: nothing is deleted, entries are
//! judged when read. Each cached entry records the journal position its edge had reached when
//! storing it ([`Cached::purge_seq`]); a purge with a higher number that names the entry's
//! tag, address or a prefix of it, or everything, makes the entry a miss. The journal is read
//! again when it is older than [`REFRESH_MILLIS`], so a purge reaches every page within about
//! that long plus one origin round trip. Hosts that keep no state between requests (Spin
//! starts an instance per request) find the journal in their cache under [`JOURNAL_KEY`]
//! rather than reading it whole from the origin each time.
//!
//! Which position a page is stamped with: the one its origin document says it reflects
//! ([`linkedall_shared::PURGE_SEQ_HEADER`], read before the origin read its database), not how
//! far this edge's journal has got — that may be behind the document (the page would be
//! dropped by purges it already shows) or ahead of it (an origin answering from a cache not
//! yet moved on would have its page survive the purge that should drop it). See [`Stamp`].
//!
//! The journal kept here is bounded ([`MAX_ENTRIES`]); when older entries are dropped, or the
//! origin says this edge is too far behind, everything cached before the dropped position is
//! treated as purged — a purge may cost extra origin fetches, never a stale price.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use linkedall_shared::{Purge, PurgeFeed};
use serde::{Deserialize, Serialize};

use crate::host::{CacheKey, Cached, Host, Timestamp};
use crate::origin::fetch_document_as;
use crate::trace::RequestContext;

/// How old the journal may be before a request reads it again.
pub const REFRESH_MILLIS: u64 = 500;

/// The most purges an edge remembers.
pub const MAX_ENTRIES: usize = 4096;

/// Where hosts without per-instance memory keep the journal between requests.
pub const JOURNAL_KEY: &str = "linkedall-purge-journal";

/// The purges this instance knows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    /// The newest journal position applied.
    known: u64,
    /// Entries stored below this position are purged (older purges were forgotten).
    floor: u64,
    entries: VecDeque<Purge>,
    /// When the origin's journal was last read (host clock, ms).
    checked_at: u64,
}

impl Journal {
    /// The position new cache entries are stamped with.
    pub fn known(&self) -> u64 {
        self.known
    }

    /// What pages rendered now are stamped with.
    pub fn stamp(&self) -> Stamp {
        Stamp { known: self.known, floor: self.floor }
    }

    /// Whether `entry`, cached under `key`, has been purged since it was stored.
    pub fn purges(&self, key: &CacheKey, entry: &Cached) -> bool {
        if entry.purge_seq < self.floor {
            return true;
        }
        let path = key.path();
        // Product and storefront pages are keyed by id; a URL purge names their address.
        let canonical = entry.headers.iter().find(|(name, _)| name == "content-location").map(|(_, v)| v);
        self.entries.iter().rev().take_while(|purge| purge.seq > entry.purge_seq).any(|purge| {
            purge.selector.reaches(path, &entry.tags)
                || canonical.is_some_and(|address| purge.selector.reaches(address, &entry.tags))
        })
    }

    /// Folds in a feed read after [`Journal::known`].
    pub fn apply(&mut self, feed: PurgeFeed, now: Timestamp) {
        self.checked_at = now.millis();
        if feed.truncated || feed.latest < self.known {
            // Too far behind, or the origin's journal was reset: forget everything cached so far.
            tracing::warn!(
                known = self.known,
                latest = feed.latest,
                "purge journal gap: treating the cache as purged"
            );
            metrics::counter!("edge_purge_journal_resets_total").increment(1);
            self.entries.clear();
            self.floor = feed.latest.max(self.known) + 1;
            self.known = feed.latest.max(self.known) + 1;
            return;
        }
        for purge in feed.purges {
            if purge.seq <= self.known {
                continue;
            }
            self.known = purge.seq;
            metrics::counter!("edge_purges_applied_total").increment(1);
            tracing::info!(seq = purge.seq, selector = ?purge.selector, "purge applied");
            self.entries.push_back(purge);
        }
        self.known = self.known.max(feed.latest);
        while self.entries.len() > MAX_ENTRIES {
            if let Some(dropped) = self.entries.pop_front() {
                self.floor = self.floor.max(dropped.seq + 1);
            }
        }
    }

    fn due(&self, now: Timestamp) -> bool {
        now.millis().saturating_sub(self.checked_at) >= REFRESH_MILLIS || now.millis() < self.checked_at
    }
}

/// How an edge stamps the pages it stores (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    known: u64,
    floor: u64,
}

impl Stamp {
    /// The position of a page rendered from a document that reflects the purges up to
    /// `document` (`None` when the origin did not say): the document's own position; this
    /// edge's position when the origin did not say, or when the document is older than
    /// what this edge still remembers (after a journal reset or truncation the edge cannot
    /// tell which forgotten purges reached it).
    pub fn page(self, document: Option<u64>) -> u64 {
        document.filter(|seq| *seq >= self.floor).unwrap_or(self.known)
    }

    /// This edge's own position (for what carries no origin position).
    pub fn known(self) -> u64 {
        self.known
    }
}

struct State {
    /// Shared with the requests that read it: a request costs a reference count, not a copy
    /// of up to [`MAX_ENTRIES`] purges; an update copies only while a request still holds
    /// the previous journal.
    journal: Option<Rc<Journal>>,
    refreshing: bool,
}

thread_local! {
    static STATE: RefCell<State> = const { RefCell::new(State { journal: None, refreshing: false }) };
}

/// The journal, read again from the origin first when it is due. Concurrent requests of one
/// instance share one read; an origin that does not answer leaves the journal as it was (and
/// is asked again after [`REFRESH_MILLIS`]).
pub async fn current<H: Host>(host: &H, ctx: &RequestContext) -> Rc<Journal> {
    let now = host.now();
    let loaded = STATE.with_borrow(|state| state.journal.clone());
    let journal = match loaded {
        Some(journal) => journal,
        None => {
            let from_cache = host
                .cache_get(&CacheKey(JOURNAL_KEY.into()))
                .await
                .and_then(|entry| entry.read_state::<Journal>())
                .unwrap_or_default();
            STATE.with_borrow_mut(|state| Rc::clone(state.journal.get_or_insert(Rc::new(from_cache))))
        }
    };
    if !journal.due(now) || STATE.with_borrow(|state| state.refreshing) {
        return journal;
    }
    STATE.with_borrow_mut(|state| state.refreshing = true);
    let path = format!("/api/v1/cache/purges?after={}", journal.known);
    let token = host.purge_feed_token();
    // The edge reads the journal for itself: the shopper whose request found it due is not
    // named, so the origin sees the edge asking, not a shopper (who may not read the feed).
    let own = RequestContext { client_ip: None, ..ctx.clone() };
    let fetched =
        fetch_document_as::<PurgeFeed, H>(host, &path, &own, token.as_deref()).await.map(|feed| feed.value);
    let journal = STATE.with_borrow_mut(|state| {
        state.refreshing = false;
        let journal = Rc::make_mut(state.journal.get_or_insert_with(Rc::default));
        match fetched {
            Ok(feed) => journal.apply(feed, now),
            Err(error) => {
                tracing::warn!(%error, "purge journal could not be read; keeping the one we have");
                journal.checked_at = now.millis();
            }
        }
        Rc::clone(state.journal.as_ref().expect("set above"))
    });
    metrics::gauge!("edge_purge_journal_position").set(journal.known as f64);
    if let Some(blob) = Cached::state(&*journal, now, 24 * 60 * 60) {
        host.cache_put(&CacheKey(JOURNAL_KEY.into()), blob).await;
    }
    journal
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use linkedall_shared::PurgeSelector;

    fn entry(tags: &[&str], purge_seq: u64) -> Cached {
        Cached {
            status: 200,
            headers: Vec::new(),
            body: Bytes::new(),
            stored_at: Timestamp(0),
            ttl_secs: 60,
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            purge_seq,
        }
    }

    fn feed(purges: &[(u64, PurgeSelector)], latest: u64) -> PurgeFeed {
        PurgeFeed {
            purges: purges
                .iter()
                .map(|(seq, selector)| Purge { seq: *seq, selector: selector.clone() })
                .collect(),
            latest,
            truncated: false,
        }
    }

    #[test]
    fn a_purge_reaches_only_pages_stored_before_it_that_it_names() {
        let key = CacheKey("v1|/c/fashion|cur=NGN".into());
        let mut journal = Journal::default();
        journal.apply(feed(&[(3, PurgeSelector::Tag("product:9".into()))], 3), Timestamp(1));
        assert!(journal.purges(&key, &entry(&["product:9"], 2)));
        assert!(!journal.purges(&key, &entry(&["product:9"], 3)), "stored after the purge");
        assert!(!journal.purges(&key, &entry(&["product:8"], 2)), "another product");
        journal.apply(feed(&[(4, PurgeSelector::Prefix("/c/".into()))], 4), Timestamp(2));
        assert!(journal.purges(&key, &entry(&[], 3)));
        assert!(!journal.purges(&CacheKey("v1|/p/1-x|cur=NGN".into()), &entry(&[], 3)));
        journal.apply(feed(&[(5, PurgeSelector::Url("/c/fashion".into()))], 5), Timestamp(3));
        assert!(journal.purges(&key, &entry(&[], 4)));
        journal.apply(feed(&[(6, PurgeSelector::Everything)], 6), Timestamp(4));
        assert!(journal.purges(&CacheKey("v1|/|cur=KES".into()), &entry(&["home"], 5)));
        assert_eq!(journal.known(), 6);
    }

    #[test]
    fn a_page_is_stamped_with_what_its_document_reflects() {
        let key = CacheKey("v1|/p/9-x|cur=NGN".into());
        let mut journal = Journal::default();
        journal.apply(feed(&[(3, PurgeSelector::Tag("product:9".into()))], 3), Timestamp(1));
        // Read before purge 3 (an origin cache not yet moved on): purge 3 still drops it.
        let early = journal.stamp().page(Some(2));
        assert!(journal.purges(&key, &entry(&["product:9"], early)));
        // Read after purges this edge has not seen yet: they do not drop it when they arrive.
        let late = journal.stamp().page(Some(5));
        journal.apply(feed(&[(4, PurgeSelector::Tag("product:9".into()))], 5), Timestamp(2));
        assert!(!journal.purges(&key, &entry(&["product:9"], late)));
        // No position from the origin: the edge's own.
        assert_eq!(journal.stamp().page(None), 5);
        // Older than what the edge remembers after a reset: the edge's own.
        journal.apply(PurgeFeed { purges: Vec::new(), latest: 1, truncated: false }, Timestamp(3));
        assert_eq!(journal.stamp().page(Some(1)), journal.known());
    }

    #[test]
    fn an_edge_too_far_behind_forgets_everything_it_held() {
        let mut journal = Journal::default();
        journal.apply(PurgeFeed { purges: Vec::new(), latest: 5000, truncated: true }, Timestamp(1));
        assert!(journal.purges(&CacheKey("v1|/|x".into()), &entry(&[], 4999)));
        assert!(!journal.purges(&CacheKey("v1|/|x".into()), &entry(&[], journal.known())));
    }

    #[test]
    fn the_journal_stays_bounded_and_what_it_forgets_counts_as_purged() {
        let mut journal = Journal::default();
        let purges: Vec<_> = (1..=(MAX_ENTRIES as u64 + 10))
            .map(|seq| (seq, PurgeSelector::Tag(format!("product:{seq}"))))
            .collect();
        journal.apply(feed(&purges, MAX_ENTRIES as u64 + 10), Timestamp(1));
        assert_eq!(journal.entries.len(), MAX_ENTRIES);
        assert!(journal.purges(&CacheKey("v1|/|x".into()), &entry(&["home"], 5)), "below the floor");
        assert!(!journal.purges(&CacheKey("v1|/|x".into()), &entry(&["home"], 20)));
    }
}
