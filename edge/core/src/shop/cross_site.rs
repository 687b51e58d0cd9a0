//! Cross-site request forgery: a form on another site must not submit the shop's forms with
//! the shopper's cookie (add to cart, check out, pay, ship, sign in as the attacker).
//!
//! Browsers say where a request comes from, in headers pages cannot set: `Sec-Fetch-Site`
//! (same-origin, or none for one the shopper typed) and, on every POST, `Origin`. A POST is
//! accepted when `Sec-Fetch-Site` says same-origin or none, or — from browsers that do not
//! send it — when `Origin` names the shop itself. A request with neither comes from no
//! browser (curl, the origin's own tests): nothing forged it, and it is accepted.

use bytes::Bytes;
use http::Request;

/// Why a form submission is refused, if it is.
pub fn refusal(request: &Request<Bytes>) -> Option<&'static str> {
    let header = |name: &str| request.headers().get(name).map(|v| v.to_str().unwrap_or_default().trim());
    if let Some(site) = header("sec-fetch-site") {
        return (!matches!(site, "same-origin" | "none")).then_some("sec-fetch-site");
    }
    let origin = header("origin")?;
    let own = request
        .uri()
        .authority()
        .map(|authority| authority.as_str())
        .or_else(|| request.headers().get(http::header::HOST).and_then(|v| v.to_str().ok()));
    let from = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
    match (from, own) {
        (Some(from), Some(own)) if from.eq_ignore_ascii_case(own) => None,
        _ => Some("origin"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(headers: &[(&str, &str)]) -> Request<Bytes> {
        let mut request = Request::post("/cart").header("host", "shop.example");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(Bytes::new()).unwrap()
    }

    #[test]
    fn only_the_shops_own_pages_and_non_browsers_may_post() {
        for allowed in [
            vec![("sec-fetch-site", "same-origin")],
            vec![("sec-fetch-site", "none")],
            vec![("origin", "https://shop.example")],
            vec![("origin", "http://SHOP.example")],
            vec![],
        ] {
            assert_eq!(refusal(&post(&allowed)), None, "{allowed:?}");
        }
        for refused in [
            vec![("sec-fetch-site", "cross-site"), ("origin", "https://shop.example")],
            vec![("sec-fetch-site", "same-site")],
            vec![("origin", "https://evil.example")],
            vec![("origin", "https://shop.example.evil.example")],
            vec![("origin", "null")],
        ] {
            assert!(refusal(&post(&refused)).is_some(), "{refused:?}");
        }
    }
}
