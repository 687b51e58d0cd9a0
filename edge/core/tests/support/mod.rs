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

/// The shop's English phrases (from the English word tables of the catalog, reviews, browsing and photos, where the other language's table
/// says something else) that `page`, written for `language`, still shows: a page in French or
/// Arabic must not fall back to English anywhere. Phrases are compared whole or, when they
/// hold a value (`{}`), by their longest fixed part; short words (under ten characters) are
/// left out, since a product's name may hold them.
pub fn english_left_in(page: &str, language: linkedall_shared::Language) -> Vec<String> {
    use linkedall_edge::browse_words::BrowseWords;
    use linkedall_edge::gallery_words::GalleryWords;
    use linkedall_edge::review_words::ReviewWords;
    use linkedall_edge::words::Words;
    let tables = |language| {
        format!(
            "{:?}{:?}{:?}{:?}",
            Words::of(language),
            ReviewWords::of(language),
            BrowseWords::of(language),
            GalleryWords::of(language)
        )
    };
    let english = phrases(&tables(linkedall_shared::Language::En));
    let theirs = phrases(&tables(language));
    english
        .into_iter()
        .zip(theirs)
        .filter(|(en, their)| en.0 == their.0 && en.1 != their.1)
        .filter_map(|(en, _)| {
            en.1.split("{}").map(str::trim).max_by_key(|part| part.len()).map(str::to_owned)
        })
        .filter(|part| {
            part.chars().count() >= 10 && (page.contains(part.as_str()) || page.contains(&escaped(part)))
        })
        .collect()
}

/// `field: "value"` pairs of a word table's `Debug` text, in order, values unescaped.
fn phrases(debug: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = debug;
    while let Some(at) = rest.find(": \"") {
        let name = rest[..at].rsplit([' ', '{', ',']).next().unwrap_or_default().to_owned();
        let mut value = String::new();
        let mut chars = rest[at + 3..].char_indices();
        let mut end = rest.len() - at - 3;
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    end = i + 1;
                    break;
                }
                '\\' => match chars.next().map(|(_, c)| c) {
                    Some('u') => {
                        let hex: String =
                            chars.by_ref().map(|(_, c)| c).skip(1).take_while(|c| *c != '}').collect();
                        value.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
                    }
                    Some('n') => value.push('\n'),
                    Some(other) => value.push(other),
                    None => {}
                },
                c => value.push(c),
            }
        }
        found.push((name, value));
        rest = &rest[at + 3 + end..];
    }
    found
}

/// `text` as askama escapes it in HTML.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
