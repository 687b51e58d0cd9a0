//! Cache purges: what an admin, or a change in the catalog, asks every edge to forget.
//!
//! The origin keeps purges in a journal with a growing sequence number; every edge host reads
//! the journal ([`PurgeFeed`]) and treats a cached page as gone when a purge newer than the
//! page matches it. That works on every host, including those with no purge API of their own
//! (Spin's key-value store, the Workers Cache API outside Cloudflare's purge endpoint), and a
//! purge is never lost: an edge that was away reads what it missed, and an edge that missed
//! too much (the feed says [`PurgeFeed::truncated`]) forgets everything older.

use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// Version prefix of edge cache keys: bump when the rendered HTML changes shape, so a deploy
/// does not serve old markup. Keys are `version|path|variant`.
pub const EDGE_CACHE_KEY_VERSION: &str = "v7";

/// Path under the shop's own host where the Workers adapter stores cache entries (Cache API
/// keys must be URLs), followed by the URI-encoded key. Cloudflare purges by prefix reach
/// them there.
pub const EDGE_CACHE_KEY_PATH: &str = "/__linkedall-edge-cache/";

/// Response header of the origin's catalog documents: the purge journal's newest position
/// when the document was read from the database. Every purge numbered above it may be
/// missing from the document, every purge at or below it is in it; an edge stamps the page it
/// renders with this number (see the edge's `purge_journal`), not with how far its own copy
/// of the journal has got, which may be behind or ahead of what the document reflects.
pub const PURGE_SEQ_HEADER: &str = "x-linkedall-purge-seq";

/// At most this many selectors in one purge request: the same bound Cloudflare puts on one
/// call of its purge API.
pub const MAX_SELECTORS_PER_PURGE: usize = 100;

/// The longest tag, URL or prefix accepted.
pub const MAX_SELECTOR_CHARS: usize = 512;

/// What one purge names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PurgeSelector {
    /// Every page carrying this tag (`product:42`, `category:3`, `vendor:7`, `home`, `search`).
    Tag(String),
    /// One page, every variant of it: an origin-relative path with its query (`/c/fashion`).
    Url(String),
    /// Every page whose path starts with this (`/c/`).
    Prefix(String),
    /// The whole cache.
    Everything,
}

impl PurgeSelector {
    /// A tag as typed by an admin: lowercase `kind:value` or a bare word, no spaces.
    pub fn tag(raw: &str) -> Result<PurgeSelector, DomainError> {
        let tag = raw.trim();
        let valid_char =
            |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, ':' | '-' | '_');
        if tag.is_empty() || tag.len() > MAX_SELECTOR_CHARS || !tag.chars().all(valid_char) {
            return Err(DomainError::Invalid {
                what: "tag",
                why: format!(
                    "{raw:?} is not a tag: expected lowercase letters, digits, ':', '-' or '_', like product:42"
                ),
            });
        }
        Ok(PurgeSelector::Tag(tag.to_owned()))
    }

    /// A page address, absolute (`https://shop.example/c/x`) or origin-relative (`/c/x`);
    /// kept as its path and query.
    pub fn url(raw: &str) -> Result<PurgeSelector, DomainError> {
        Ok(PurgeSelector::Url(path_of(raw, "url")?))
    }

    /// A path prefix, absolute or origin-relative, kept as a path.
    pub fn prefix(raw: &str) -> Result<PurgeSelector, DomainError> {
        Ok(PurgeSelector::Prefix(path_of(raw, "prefix")?))
    }

    /// The journal's text form: `tag:product:42`, `url:/c/x`, `prefix:/c/`, `everything`.
    pub fn to_journal(&self) -> (&'static str, &str) {
        match self {
            PurgeSelector::Tag(tag) => ("tag", tag),
            PurgeSelector::Url(url) => ("url", url),
            PurgeSelector::Prefix(prefix) => ("prefix", prefix),
            PurgeSelector::Everything => ("everything", ""),
        }
    }

    /// Reads the journal's text form back.
    pub fn from_journal(kind: &str, value: &str) -> Option<PurgeSelector> {
        Some(match kind {
            "tag" => PurgeSelector::Tag(value.to_owned()),
            "url" => PurgeSelector::Url(value.to_owned()),
            "prefix" => PurgeSelector::Prefix(value.to_owned()),
            "everything" => PurgeSelector::Everything,
            _ => return None,
        })
    }

    /// Whether this purge reaches a page cached under `path` (path and normalised query) with
    /// `tags`.
    pub fn reaches(&self, path: &str, tags: &[String]) -> bool {
        match self {
            PurgeSelector::Tag(tag) => tags.iter().any(|t| t == tag),
            PurgeSelector::Url(url) => url == path,
            PurgeSelector::Prefix(prefix) => path.starts_with(prefix.as_str()),
            PurgeSelector::Everything => true,
        }
    }
}

fn path_of(raw: &str, what: &'static str) -> Result<String, DomainError> {
    let raw = raw.trim();
    let path = match raw.find("://") {
        Some(scheme_end) => {
            let rest = &raw[scheme_end + 3..];
            rest.find('/').map_or("/", |slash| &rest[slash..])
        }
        None => raw,
    };
    let path = path.split('#').next().unwrap_or_default();
    if !path.starts_with('/') || path.len() > MAX_SELECTOR_CHARS || path.chars().any(char::is_whitespace) {
        return Err(DomainError::Invalid {
            what,
            why: format!("{raw:?} is not a page address: expected a path like /c/fashion or a full URL"),
        });
    }
    Ok(path.to_owned())
}

/// One journal entry: a selector and its place in the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purge {
    pub seq: u64,
    pub selector: PurgeSelector,
}

/// The journal after some sequence number, as the origin serves it to edges.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PurgeFeed {
    /// Entries after the asked sequence number, oldest first.
    pub purges: Vec<Purge>,
    /// The newest sequence number in the journal when the feed was read.
    pub latest: u64,
    /// More entries followed than one feed holds: the reader should forget everything cached
    /// before `latest` rather than miss a purge.
    pub truncated: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_are_parsed_from_what_admins_type() {
        assert_eq!(PurgeSelector::tag(" product:42 "), Ok(PurgeSelector::Tag("product:42".into())));
        assert!(PurgeSelector::tag("Product 42").is_err());
        assert!(PurgeSelector::tag("").is_err());
        assert_eq!(
            PurgeSelector::url("https://linkedall.africa/c/fashion?cursor=4#top"),
            Ok(PurgeSelector::Url("/c/fashion?cursor=4".into()))
        );
        assert_eq!(PurgeSelector::url("https://linkedall.africa"), Ok(PurgeSelector::Url("/".into())));
        assert_eq!(PurgeSelector::prefix("/c/"), Ok(PurgeSelector::Prefix("/c/".into())));
        assert!(PurgeSelector::url("c/fashion").is_err());
        assert!(PurgeSelector::prefix("/c/ x").is_err());
    }

    #[test]
    fn selectors_reach_the_pages_they_name() {
        let tags = vec!["product:42".to_owned(), "category:3".to_owned()];
        assert!(PurgeSelector::Tag("category:3".into()).reaches("/c/x", &tags));
        assert!(!PurgeSelector::Tag("category:4".into()).reaches("/c/x", &tags));
        assert!(PurgeSelector::Url("/c/x".into()).reaches("/c/x", &[]));
        assert!(!PurgeSelector::Url("/c/x".into()).reaches("/c/xy", &[]));
        assert!(PurgeSelector::Prefix("/c/".into()).reaches("/c/xy", &[]));
        assert!(PurgeSelector::Everything.reaches("/", &[]));
    }

    #[test]
    fn the_journal_form_round_trips() {
        for selector in [
            PurgeSelector::Tag("home".into()),
            PurgeSelector::Url("/".into()),
            PurgeSelector::Prefix("/p/".into()),
            PurgeSelector::Everything,
        ] {
            let (kind, value) = selector.to_journal();
            assert_eq!(PurgeSelector::from_journal(kind, value), Some(selector.clone()));
        }
        assert_eq!(PurgeSelector::from_journal("bogus", "x"), None);
    }
}
