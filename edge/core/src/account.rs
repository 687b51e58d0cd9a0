//! Who is signed in, as the page header shows it — without making catalog pages private.
//!
//! A catalog page is cached once for everyone who would see the same page; only its header's
//! account corner differs per shopper. Every layout leaves [`MARKER`] (with the page's
//! language) where that corner goes, and the edge fills it per request ([`fill`]): "Sign in"
//! for a visitor, or the shopper's email and a sign-out button (a POST form, so a link on
//! another site cannot sign anyone out) for a signed-in one. The cached entry keeps the marker.
//!
//! The edge holds no session and cannot verify the origin's session token (it has no key), so
//! this is display only: what the shopper may do is still decided by the origin on every
//! call. The edge reads the session cookie's presence and, when the token is a JWT, its
//! expiry and role; the email comes from [`ACCOUNT_COOKIE`], which the edge sets when the
//! shopper signs in through its form and shows only while the session's subject is the one
//! it was set for.

use bytes::Bytes;
use http::{HeaderMap, Response};
use linkedall_shared::Language;
use linkedall_shared::image_signature::base64url_decode;

use crate::host::{Cached, Timestamp};
use crate::words::Words;

/// The origin's session cookie (`linkedall_session`).
pub const SESSION_COOKIE: &str = "linkedall_session";
/// The edge's own cookie naming the signed-in account: `<subject>.<email, URL-encoded>`.
pub const ACCOUNT_COOKIE: &str = "la_account";
/// Where the layout lets the account corner in; followed by the page's language tag and `-->`.
pub const MARKER: &str = "<!--linkedall:account:";
/// How long the account cookie lasts: as long as the origin's session.
const ACCOUNT_COOKIE_SECS: u32 = 7 * 24 * 3600;

/// A signed-in shopper or vendor, as far as the header needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The email they signed in with, when the edge saw it.
    pub email: Option<String>,
    /// A vendor: their account link goes to the dashboard.
    pub vendor: bool,
    /// The session's subject (the user id), when the token says.
    pub subject: Option<String>,
}

impl Account {
    /// The account of a request, if its session cookie looks alive: present, and not past the
    /// expiry its token states (a token that is no JWT counts as alive; the origin decides).
    pub fn of_request(headers: &HeaderMap, now: Timestamp) -> Option<Account> {
        let token = cookie_value(headers, SESSION_COOKIE).filter(|token| !token.is_empty())?;
        let claims = claims(&token);
        let expires = claims.as_ref().and_then(|c| c.get("exp")).and_then(serde_json::Value::as_u64);
        if expires.is_some_and(|exp| exp.saturating_mul(1000) <= now.millis()) {
            return None;
        }
        let subject = claims.as_ref().and_then(|c| c.get("sub")).and_then(|s| match s {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
        let vendor = claims.as_ref().and_then(|c| c.get("role")).and_then(|r| r.as_str()) == Some("vendor");
        let email = cookie_value(headers, ACCOUNT_COOKIE).and_then(|value| {
            let (owner, email) = value.split_once('.')?;
            let email: String =
                form_urlencoded::parse(format!("e={email}").as_bytes()).next()?.1.into_owned();
            // Shown only to the session it was set for: never a previous user's address.
            (subject.as_deref() == Some(owner) && !email.is_empty() && email.len() <= 254).then_some(email)
        });
        Some(Account { email, vendor, subject })
    }
}

/// The `Set-Cookie` value naming `email` as the account of the session `subject`.
pub fn remember(subject: &str, email: &str, secure: bool) -> String {
    let email: String = form_urlencoded::byte_serialize(email.trim().as_bytes()).collect();
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{ACCOUNT_COOKIE}={subject}.{email}; Path=/; Max-Age={ACCOUNT_COOKIE_SECS}; HttpOnly; SameSite=Lax{secure}"
    )
}

/// The `Set-Cookie` value that forgets the account (on sign-out).
pub fn forget(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{ACCOUNT_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}")
}

/// `html` with its account corner filled for `account` (signed out when `None`), in the
/// language the marker names; `None` when the page has no marker.
pub fn fill(html: &str, account: Option<&Account>) -> Option<String> {
    let at = html.find(MARKER)?;
    let rest = &html[at + MARKER.len()..];
    let end = rest.find("-->")?;
    let language = Language::parse(&rest[..end]).unwrap_or(Language::En);
    let corner = corner(account, Words::of(language));
    let mut page = String::with_capacity(html.len() + corner.len());
    page.push_str(&html[..at]);
    page.push_str(&corner);
    page.push_str(&rest[end + 3..]);
    Some(page)
}

/// `entry` (a cached page) as `account` sees it: the corner filled, and — when someone is signed
/// in — private to their browser, with an `ETag` of its own, so a browser never revalidates
/// one person's header into another's page. The entry in the cache keeps the marker.
pub fn personalise(entry: &Cached, account: Option<&Account>) -> Cached {
    let Some(html) = std::str::from_utf8(&entry.body).ok().and_then(|html| fill(html, account)) else {
        return entry.clone();
    };
    let mut copy = entry.clone();
    copy.body = Bytes::from(html);
    for (name, value) in &mut copy.headers {
        match name.as_str() {
            "vary" => value.push_str(", Cookie"),
            "etag" if account.is_some() => {
                let corner = crate::cache::etag(corner_key(account).as_bytes());
                *value = format!("{}-{}\"", value.trim_end_matches('"'), corner.trim_matches('"'));
            }
            "cache-control" if account.is_some() => *value = SIGNED_IN_CACHE_CONTROL.to_owned(),
            _ => {}
        }
    }
    copy
}

/// What a signed-in shopper's browser may do with a catalog page: keep it for itself only,
/// and check back every time.
pub const SIGNED_IN_CACHE_CONTROL: &str = "private, max-age=0, must-revalidate";

/// Fills the corner of an HTML page rendered for this request alone (error and shop pages).
pub fn fill_response(response: &mut Response<Bytes>, account: Option<&Account>) {
    let html = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !html {
        return;
    }
    if let Some(page) = std::str::from_utf8(response.body()).ok().and_then(|html| fill(html, account)) {
        *response.body_mut() = Bytes::from(page);
    }
}

/// What distinguishes one signed-in corner from another, for its `ETag`.
fn corner_key(account: Option<&Account>) -> String {
    account.map_or_else(String::new, |a| format!("{:?}|{}", a.email, a.vendor))
}

/// The header's account corner.
fn corner(account: Option<&Account>, words: &Words) -> String {
    match account {
        None => format!(r#"<a href="/login">{}</a>"#, words.sign_in),
        Some(account) => {
            let name = account.email.as_deref().map_or_else(|| words.my_account.to_owned(), escape);
            let home = if account.vendor { "/vendor" } else { "/orders" };
            format!(
                r#"<a class="me" href="{home}" title="{}"><bdi>{name}</bdi></a><form class="sign-out" method="post" action="/logout"><button type="submit">{}</button></form>"#,
                words.signed_in_as, words.sign_out
            )
        }
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The payload of a JWT, unverified (display only).
fn claims(token: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64url_decode(payload.trim_end_matches('='))?;
    serde_json::from_slice(&bytes).ok()
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkedall_shared::image_signature::base64url;

    fn token(claims: &str) -> String {
        format!("eyJhbGciOiJIUzI1NiJ9.{}.c2ln", base64url(claims.as_bytes()))
    }

    fn headers(cookie: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::COOKIE, cookie.parse().unwrap());
        headers
    }

    const NOW: Timestamp = Timestamp(1_800_000_000_000);

    #[test]
    fn a_live_session_is_an_account_and_an_expired_or_absent_one_is_not() {
        let live = token(r#"{"sub":"42","role":"shopper","exp":1800000100}"#);
        let account = Account::of_request(&headers(&format!("la_lang=fr; linkedall_session={live}")), NOW);
        assert_eq!(account, Some(Account { email: None, vendor: false, subject: Some("42".into()) }));
        let expired = token(r#"{"sub":"42","role":"shopper","exp":1799999999}"#);
        assert_eq!(Account::of_request(&headers(&format!("linkedall_session={expired}")), NOW), None);
        assert_eq!(Account::of_request(&headers("linkedall_session="), NOW), None, "the expired cookie");
        assert_eq!(Account::of_request(&headers("la_lang=fr"), NOW), None);
        let opaque = Account::of_request(&headers("linkedall_session=not-a-jwt"), NOW).unwrap();
        assert_eq!(opaque.email, None);
    }

    #[test]
    fn the_email_is_shown_only_to_the_session_it_was_remembered_for() {
        let live = token(r#"{"sub":"42","role":"vendor","exp":1800000100}"#);
        let remembered = remember("42", "ama@example.com", false);
        assert!(!remembered.contains("Secure") && remembered.contains("HttpOnly"));
        assert!(remember("42", "a@b.c", true).ends_with("; Secure"));
        let value = remembered.split(';').next().unwrap();
        let account =
            Account::of_request(&headers(&format!("{value}; linkedall_session={live}")), NOW).unwrap();
        assert_eq!(account.email.as_deref(), Some("ama@example.com"));
        assert!(account.vendor);
        let other = token(r#"{"sub":"43","exp":1800000100}"#);
        let account =
            Account::of_request(&headers(&format!("{value}; linkedall_session={other}")), NOW).unwrap();
        assert_eq!(account.email, None, "another user's session");
    }

    #[test]
    fn the_corner_says_sign_in_or_who_is_signed_in_in_the_pages_language() {
        let page = "<nav><a href=\"/cart\">Panier</a> <!--linkedall:account:fr--></nav>";
        assert_eq!(
            fill(page, None).unwrap(),
            "<nav><a href=\"/cart\">Panier</a> <a href=\"/login\">Se connecter</a></nav>"
        );
        let account = Account { email: Some("<ama>@example.com".into()), vendor: false, subject: None };
        let filled = fill(page, Some(&account)).unwrap();
        assert!(filled.contains("<bdi>&lt;ama&gt;@example.com</bdi>"), "{filled}");
        assert!(filled.contains(r#"<form class="sign-out" method="post" action="/logout"><button type="submit">Se déconnecter</button></form>"#));
        assert!(!filled.contains(MARKER));
        let anonymous = Account { email: None, vendor: true, subject: None };
        let filled = fill(&page.replace(":fr-", ":ar-"), Some(&anonymous)).unwrap();
        assert!(filled.contains(r#"href="/vendor""#) && filled.contains(Words::of(Language::Ar).my_account));
        assert_eq!(fill("<p>no marker</p>", None), None);
    }
}
