//! Read-only mode: when no origin answers, cached pages are still served — up to the host's
//! max-stale — with a notice that the shop is briefly read-only, and cart and checkout answer
//! 503 with `Retry-After` (see [`crate::shop`]). Nothing a shopper sends is lost: writes are
//! refused, not queued.

use bytes::Bytes;

use linkedall_shared::Language;

use crate::cache;
use crate::host::Cached;
use crate::words::{Words, fill};

/// Where the layout lets a notice in (right after `<body>`); see `templates/base.html`.
pub const NOTICE_MARKER: &str = "<!--linkedall:notice-->";

/// `entry` with the read-only notice in its page, saying how old the copy is, and an `ETag`
/// of its own (a browser must not confuse it with the live page), in the page's `language`.
pub fn with_notice(entry: &Cached, age_secs: u64, language: Language) -> Cached {
    let Ok(html) = std::str::from_utf8(&entry.body) else { return entry.clone() };
    let Some(at) = html.find(NOTICE_MARKER) else { return entry.clone() };
    let words = Words::of(language);
    let notice = format!(
        r#"<p class="notice" role="status"><strong>{}</strong> {}</p>"#,
        words.read_only_title,
        fill(words.read_only_body, words.ago(age_secs))
    );
    let mut body = String::with_capacity(html.len() + notice.len());
    body.push_str(&html[..at]);
    body.push_str(&notice);
    body.push_str(&html[at + NOTICE_MARKER.len()..]);
    let etag = cache::etag(body.as_bytes());
    let mut copy = entry.clone();
    for (name, value) in &mut copy.headers {
        if name == "etag" {
            *value = etag.clone();
        }
    }
    copy.body = Bytes::from(body);
    copy
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::Timestamp;

    fn page(body: &str) -> Cached {
        Cached {
            status: 200,
            headers: vec![
                ("etag".into(), cache::etag(body.as_bytes())),
                ("content-type".into(), "text/html".into()),
            ],
            body: Bytes::from(body.to_owned()),
            stored_at: Timestamp(0),
            ttl_secs: 60,
            tags: Vec::new(),
            purge_seq: 0,
        }
    }

    #[test]
    fn the_notice_goes_where_the_layout_lets_it_and_changes_the_etag() {
        let entry = page("<body><!--linkedall:notice--><main>Kitenge</main></body>");
        let copy = with_notice(&entry, 7_500, Language::En);
        let html = std::str::from_utf8(&copy.body).unwrap();
        assert!(
            html.starts_with(
                "<body><p class=\"notice\" role=\"status\"><strong>The shop is briefly read-only."
            )
        );
        assert!(html.contains("as it was 2 hours ago"));
        let french = with_notice(&entry, 7_500, Language::Fr);
        let french = std::str::from_utf8(&french.body).unwrap();
        assert!(
            french.contains("<strong>La boutique est momentanément en lecture seule.</strong>"),
            "{french}"
        );
        assert!(french.contains("telle qu'elle était il y a 2 heures"), "{french}");
        assert!(html.ends_with("<main>Kitenge</main></body>"));
        assert!(!html.contains(NOTICE_MARKER));
        assert_eq!(copy.headers[0].1, cache::etag(&copy.body));
        assert_ne!(copy.headers[0].1, entry.headers[0].1);
    }

    #[test]
    fn a_body_without_the_marker_is_left_alone() {
        let entry = page("{\"json\":true}");
        assert_eq!(with_notice(&entry, 10, Language::En), entry);
        let english = Words::of(Language::En);
        assert_eq!(english.ago(10), "a moment ago");
        assert_eq!(english.ago(90), "a minute ago");
        assert_eq!(english.ago(600), "10 minutes ago");
        assert_eq!(english.ago(3 * 86_400), "3 days ago");
    }
}
