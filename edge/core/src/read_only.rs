//! Read-only mode: when no origin answers, cached pages are still served — up to the host's
//! max-stale — with a notice that the shop is briefly read-only, and cart and checkout answer
//! 503 with `Retry-After` (see [`crate::shop`]). Nothing a shopper sends is lost: writes are
//! refused, not queued.

use bytes::Bytes;

use crate::cache;
use crate::host::Cached;

/// Where the layout lets a notice in (right after `<body>`); see `templates/base.html`.
pub const NOTICE_MARKER: &str = "<!--linkedall:notice-->";

/// `entry` with the read-only notice in its page, saying how old the copy is, and an `ETag`
/// of its own (a browser must not confuse it with the live page).
pub fn with_notice(entry: &Cached, age_secs: u64) -> Cached {
    let Ok(html) = std::str::from_utf8(&entry.body) else { return entry.clone() };
    let Some(at) = html.find(NOTICE_MARKER) else { return entry.clone() };
    let notice = format!(
        r#"<p class="notice" role="status"><strong>The shop is briefly read-only.</strong> You are seeing this page as it was {}; prices and stock may have changed. Cart and checkout will be back shortly.</p>"#,
        age(age_secs)
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

fn age(secs: u64) -> String {
    match secs {
        0..60 => "a moment ago".to_owned(),
        60..120 => "a minute ago".to_owned(),
        120..3600 => format!("{} minutes ago", secs / 60),
        3600..7200 => "an hour ago".to_owned(),
        7200..172_800 => format!("{} hours ago", secs / 3600),
        _ => format!("{} days ago", secs / 86_400),
    }
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
        let copy = with_notice(&entry, 7_500);
        let html = std::str::from_utf8(&copy.body).unwrap();
        assert!(
            html.starts_with(
                "<body><p class=\"notice\" role=\"status\"><strong>The shop is briefly read-only."
            )
        );
        assert!(html.contains("as it was 2 hours ago"));
        assert!(html.ends_with("<main>Kitenge</main></body>"));
        assert!(!html.contains(NOTICE_MARKER));
        assert_eq!(copy.headers[0].1, cache::etag(&copy.body));
        assert_ne!(copy.headers[0].1, entry.headers[0].1);
    }

    #[test]
    fn a_body_without_the_marker_is_left_alone() {
        let entry = page("{\"json\":true}");
        assert_eq!(with_notice(&entry, 10), entry);
        assert_eq!(age(10), "a moment ago");
        assert_eq!(age(90), "a minute ago");
        assert_eq!(age(600), "10 minutes ago");
        assert_eq!(age(3 * 86_400), "3 days ago");
    }
}
