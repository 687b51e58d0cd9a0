//! Real-user timings. Every page loads `assets/rum.js` (under 1 KB, same origin, so the pages'
//! CSP allows it), which sends one beacon when the shopper leaves the page: its path, the
//! connection type the browser reports, time to first byte, load, LCP, INP and CLS. The edge
//! turns each beacon into histograms labelled by page type, the shopper's market and network
//! type — what tells us whether a shopper on 3G in Kano is served as well as one on fibre in
//! Nairobi (the "Real users" dashboard shows p75 LCP by country).
//!
//! Labels are bounded whatever a client sends: the page type is the edge's own route label for
//! the path, the country one of the shop's markets (else `other`), the network one of the
//! Network Information API's four types (else `unknown`). A beacon is never stored or cached.

use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use linkedall_shared::MARKETS;

use crate::problem::Problem;
use crate::route::Route;

/// Where the beacon is sent (`navigator.sendBeacon`).
pub const BEACON_PATH: &str = "/__linkedall/rum";

/// A beacon is a few dozen bytes; anything larger is not ours.
pub const MAX_BEACON_BYTES: usize = 1024;

/// Longest time a beacon may report, in milliseconds: beyond it the number is not a timing.
const MAX_MILLIS: u32 = 120_000;

/// One page view's timings, as the browser measured them.
#[derive(Debug, Clone, PartialEq)]
pub struct PageView {
    /// The route label of the page's path (`home`, `category`, `product` …).
    pub page: &'static str,
    /// `slow-2g`, `2g`, `3g`, `4g` or `unknown`.
    pub network: &'static str,
    pub ttfb_ms: u32,
    pub load_ms: u32,
    pub lcp_ms: u32,
    /// 0 when the shopper did not interact.
    pub inp_ms: u32,
    pub cls: f64,
}

impl PageView {
    /// Reads a beacon's form body (`u=/p/7-x&n=3g&ttfb=310&load=1900&lcp=1400&inp=0&cls=0.020`).
    pub fn parse(body: &[u8]) -> Result<PageView, String> {
        let mut view =
            PageView { page: "", network: "unknown", ttfb_ms: 0, load_ms: 0, lcp_ms: 0, inp_ms: 0, cls: 0.0 };
        for (key, value) in form_urlencoded::parse(body) {
            match key.as_ref() {
                "u" => {
                    if !value.starts_with('/') || value.len() > 512 {
                        return Err("`u` is not a path of the shop".into());
                    }
                    view.page = Route::parse(&Method::GET, &value, None).label();
                }
                "n" => {
                    view.network = match value.as_ref() {
                        "slow-2g" => "slow-2g",
                        "2g" => "2g",
                        "3g" => "3g",
                        "4g" => "4g",
                        _ => "unknown",
                    }
                }
                "ttfb" => view.ttfb_ms = millis("ttfb", &value)?,
                "load" => view.load_ms = millis("load", &value)?,
                "lcp" => view.lcp_ms = millis("lcp", &value)?,
                "inp" => view.inp_ms = millis("inp", &value)?,
                "cls" => {
                    view.cls = value
                        .parse::<f64>()
                        .ok()
                        .filter(|cls| cls.is_finite() && (0.0..=100.0).contains(cls))
                        .ok_or("`cls` is not a layout shift score")?;
                }
                _ => {}
            }
        }
        if view.page.is_empty() {
            return Err("the beacon names no page (`u`)".into());
        }
        Ok(view)
    }

    /// Adds this view to the histograms of `country`'s market.
    pub fn record(&self, country: Option<&str>) {
        let country = country
            .and_then(|c| MARKETS.iter().find(|m| m.country.eq_ignore_ascii_case(c)))
            .map_or("other", |m| m.country);
        let labels = [("page", self.page), ("country", country), ("network", self.network)];
        let seconds = |ms: u32| f64::from(ms) / 1000.0;
        for (name, ms) in [
            ("edge_rum_ttfb_seconds", self.ttfb_ms),
            ("edge_rum_load_seconds", self.load_ms),
            ("edge_rum_lcp_seconds", self.lcp_ms),
            ("edge_rum_inp_seconds", self.inp_ms),
        ] {
            // Zero means "not measured" (no interaction, no LCP in this browser).
            if ms > 0 {
                metrics::histogram!(name, &labels).record(seconds(ms));
            }
        }
        metrics::histogram!("edge_rum_cls", &labels).record(self.cls);
        metrics::counter!("edge_rum_beacons_total", &labels).increment(1);
    }
}

fn millis(name: &str, value: &str) -> Result<u32, String> {
    value
        .parse::<u32>()
        .ok()
        .filter(|ms| *ms <= MAX_MILLIS)
        .ok_or_else(|| format!("`{name}` is not a time in milliseconds"))
}

/// Answers a beacon: 204 once recorded; a problem document for anything else.
pub fn serve(request: &Request<Bytes>, country: Option<&str>) -> Response<Bytes> {
    if request.method() != Method::POST {
        return problem(StatusCode::METHOD_NOT_ALLOWED, "beacons are sent with POST");
    }
    if request.body().len() > MAX_BEACON_BYTES {
        metrics::counter!("edge_rum_refused_total", "reason" => "too_large").increment(1);
        return problem(StatusCode::PAYLOAD_TOO_LARGE, "a beacon is at most 1 KB");
    }
    match PageView::parse(request.body()) {
        Ok(view) => {
            view.record(country);
            let mut response = Response::new(Bytes::new());
            *response.status_mut() = StatusCode::NO_CONTENT;
            response.headers_mut().insert("cache-control", HeaderValue::from_static("no-store"));
            response
        }
        Err(detail) => {
            metrics::counter!("edge_rum_refused_total", "reason" => "malformed").increment(1);
            problem(StatusCode::BAD_REQUEST, &detail)
        }
    }
}

fn problem(status: StatusCode, detail: &str) -> Response<Bytes> {
    Problem::new(status.as_u16(), "rum-beacon", detail).response()
}

#[cfg(test)]
mod tests {
    use super::PageView;

    #[test]
    fn a_beacon_is_read_into_bounded_labels_and_timings() {
        let view =
            PageView::parse(b"u=%2Fp%2F7-kitenge&n=3g&ttfb=310&load=1900&lcp=1400&inp=0&cls=0.020").unwrap();
        assert_eq!(view.page, "product");
        assert_eq!(view.network, "3g");
        assert_eq!((view.ttfb_ms, view.load_ms, view.lcp_ms, view.inp_ms), (310, 1900, 1400, 0));
        assert!((view.cls - 0.02).abs() < 1e-9);
    }

    #[test]
    fn whatever_a_client_sends_the_labels_stay_few() {
        let view = PageView::parse(b"u=/anything/at/all&n=fibre-9000").unwrap();
        assert_eq!(view.network, "unknown");
        assert!(["proxy", "not_found"].contains(&view.page), "{}", view.page);
    }

    #[test]
    fn numbers_that_are_not_timings_are_refused() {
        for body in [
            &b"u=/&lcp=-5"[..],
            b"u=/&lcp=99999999",
            b"u=/&cls=NaN",
            b"u=/&ttfb=fast",
            b"u=https://elsewhere.example/",
            b"lcp=100",
        ] {
            assert!(PageView::parse(body).is_err(), "{}", String::from_utf8_lossy(body));
        }
    }
}
