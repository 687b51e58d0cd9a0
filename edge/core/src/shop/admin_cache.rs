//! Refreshing pages on every edge: an admin names a product, a shop, a category, an address,
//! every address under a prefix, or everything; the origin writes the purge to its journal
//! (`POST /admin/purge`) and every edge drops the pages when it reads that far. The page says
//! which journal entry the purge became.
//!
//! The page also shows the Cloudflare purge queue (its depth and when Cloudflare's rate limit
//! allows the next call, or that forwarding is off: `GET /api/v1/admin/cache/cloudflare`),
//! and warms on demand: `POST /admin/cache/warm` fetches this edge instance's most requested
//! pages now ([`crate::warming`]) — once the origin has confirmed an admin is asking — and
//! then reports what it fetched to `POST /api/v1/admin/cache/warmings`, which puts the action
//! in the audit trail.

use askama::Template;
use bytes::Bytes;
use http::Response;
use linkedall_shared::Category;
use serde::{Deserialize, Serialize};

use super::admin::{AdminFrame, frame, layout, refuse_non_admin};
use super::visit::{Failure, Visit};
use crate::admin_ops_words::AdminOpsWords;
use crate::catalog;
use crate::category_names;
use crate::host::Host;
use crate::pages::Layout;
use crate::words::fill;

/// The body of `POST /admin/purge`.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct PurgeRequest {
    pub tags: Vec<String>,
    pub urls: Vec<String>,
    pub prefixes: Vec<String>,
    pub everything: bool,
}

/// `GET /api/v1/admin/cache/cloudflare`
#[derive(Debug, Deserialize)]
struct Forwarding {
    forwarding: bool,
    #[serde(default)]
    queued: i64,
    #[serde(default)]
    next_call_in_secs: f64,
}

/// What a warming on demand fetched, for `POST /api/v1/admin/cache/warmings`.
#[derive(Debug, Serialize)]
struct WarmingReport {
    fetched: usize,
    failed: usize,
    listed: usize,
}

/// The origin's answer: the journal entry the purge became.
#[derive(Debug, Deserialize)]
pub struct PurgeAccepted {
    pub seq: u64,
}

/// Why a purge form cannot be sent.
#[derive(Debug, PartialEq, Eq)]
pub enum PurgeMistake {
    Nothing,
    BadNumber,
    BadPath,
}

impl PurgeRequest {
    /// Reads the form: `product`, `vendor` (numbers), `category` (its id), `url`, `prefix`
    /// (paths) and `everything`.
    pub fn from_form<'a>(field: impl Fn(&str) -> Option<&'a str>) -> Result<PurgeRequest, PurgeMistake> {
        let given = |name: &str| field(name).map(str::trim).filter(|v| !v.is_empty());
        let mut request = PurgeRequest::default();
        for (name, tag) in [("product", "product"), ("vendor", "vendor"), ("category", "category")] {
            if let Some(raw) = given(name) {
                let id = raw.trim_start_matches('#').parse::<u64>().ok().filter(|id| *id > 0);
                request.tags.push(format!("{tag}:{}", id.ok_or(PurgeMistake::BadNumber)?));
            }
        }
        for (name, list) in [("url", &mut request.urls), ("prefix", &mut request.prefixes)] {
            if let Some(path) = given(name) {
                if !path.starts_with('/') || path.starts_with("//") || path.chars().any(char::is_whitespace) {
                    return Err(PurgeMistake::BadPath);
                }
                list.push(path.to_owned());
            }
        }
        request.everything = given("everything").is_some();
        if request.tags.is_empty()
            && request.urls.is_empty()
            && request.prefixes.is_empty()
            && !request.everything
        {
            return Err(PurgeMistake::Nothing);
        }
        Ok(request)
    }
}

pub struct CategoryChoice {
    pub id: i64,
    pub name: String,
}

#[derive(Template)]
#[template(path = "shop/admin_cache.html")]
pub struct CachePage {
    pub layout: Layout,
    pub frame: AdminFrame,
    pub categories: Vec<CategoryChoice>,
    pub message: Option<String>,
    pub success: bool,
    /// The Cloudflare queue's state as sentences; empty when the origin could not say.
    pub cloudflare: Vec<String>,
}

/// The Cloudflare panel's sentences: forwarding off, or the queue and the next call.
async fn cloudflare_panel<H: Host>(visit: &Visit<'_, H>, says: &'static AdminOpsWords) -> Vec<String> {
    match visit.get::<Forwarding>("/api/v1/admin/cache/cloudflare").await {
        Ok(Forwarding { forwarding: false, .. }) => vec![says.cloudflare_off.to_owned()],
        Ok(Forwarding { queued, next_call_in_secs, .. }) => {
            let next = if queued == 0 || next_call_in_secs <= 0.0 {
                says.cloudflare_next_now.to_owned()
            } else {
                fill(says.cloudflare_next_in, next_call_in_secs.ceil() as u64)
            };
            vec![fill(says.cloudflare_queue, queued), next]
        }
        Err(_) => {
            metrics::counter!("edge_admin_panels_unavailable_total", "panel" => "cloudflare").increment(1);
            tracing::warn!("Cloudflare purge queue state unavailable");
            Vec::new()
        }
    }
}

/// What the page says after a warming: `?warmed=N&of=M&failed=K`.
fn warmed_message<H: Host>(visit: &Visit<'_, H>, says: &'static AdminOpsWords) -> Option<String> {
    let number = |name: &str| visit.query(name).and_then(|n| n.parse::<u64>().ok());
    let listed = number("of")?;
    if listed == 0 {
        return Some(says.warm_nothing.to_owned());
    }
    let mut message = fill(&fill(says.warmed, number("warmed").unwrap_or(0)), listed);
    if let Some(failed) = number("failed").filter(|n| *n > 0) {
        message.push(' ');
        message.push_str(&fill(says.warm_failures, failed));
    }
    Some(message)
}

/// `GET /admin/cache` (`?purged=N` after a purge).
pub async fn show<H: Host>(visit: &Visit<'_, H>, mistake: Option<String>) -> Response<Bytes> {
    let frame = match frame(visit, "/admin/cache").await {
        Ok(frame) => frame,
        Err(refused) => return refused,
    };
    let categories = match visit.get::<Vec<Category>>("/api/v1/categories").await {
        Ok(categories) => categories,
        Err(failure) => return visit.fail(failure),
    };
    let purged = visit.query("purged").and_then(|seq| seq.parse::<u64>().ok());
    let warmed = warmed_message(visit, frame.ops);
    let cloudflare = cloudflare_panel(visit, frame.ops).await;
    let status = if mistake.is_some() { 422 } else { 200 };
    let page = CachePage {
        layout: layout(visit, frame.says.cache),
        categories: categories
            .iter()
            .map(|c| CategoryChoice {
                id: c.id.get(),
                name: category_names::translated(c, visit.locale.language).name,
            })
            .collect(),
        success: mistake.is_none() && (purged.is_some() || warmed.is_some()),
        message: mistake.or_else(|| purged.map(|seq| fill(frame.says.purged, seq))).or(warmed),
        cloudflare,
        frame,
    };
    visit.page(status, &page)
}

/// `POST /admin/cache`
pub async fn purge<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    let says = crate::admin_words::AdminWords::of(visit.locale.language);
    let request = match PurgeRequest::from_form(|name| visit.field(name)) {
        Ok(request) => request,
        Err(mistake) => {
            let sentence = match mistake {
                PurgeMistake::Nothing => says.purge_nothing,
                PurgeMistake::BadNumber => says.purge_bad_number,
                PurgeMistake::BadPath => says.purge_bad_path,
            };
            return show(visit, Some(sentence.into())).await;
        }
    };
    match visit.post::<PurgeAccepted>("/admin/purge", Some(&request), None).await {
        Ok(accepted) => visit.redirect(&format!("/admin/cache?purged={}", accepted.seq)),
        Err(Failure::Refused { status, message }) if status != 403 => show(visit, Some(message)).await,
        Err(failure) => refuse_non_admin(visit, failure),
    }
}

/// `POST /admin/cache/warm`: fetches this edge instance's most requested pages now, once the
/// origin confirmed an admin asks (the frame's admin-only read), then tells the origin what
/// was fetched (the audit trail's record) and says it on the page.
pub async fn warm<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    if let Err(refused) = frame(visit, "/admin/cache").await {
        return refused;
    }
    let warmed = catalog::warm_now(visit.host(), visit.context()).await;
    metrics::counter!("edge_warmings_on_demand_total").increment(1);
    tracing::info!(
        listed = warmed.listed,
        fetched = warmed.fetched,
        failed = warmed.failed,
        "warmed on demand"
    );
    let report = WarmingReport { fetched: warmed.fetched, failed: warmed.failed, listed: warmed.listed };
    match visit.send_json_only(http::Method::POST, "/api/v1/admin/cache/warmings", &report).await {
        Ok(()) => {}
        Err(failure @ (Failure::Refused { status: 403, .. } | Failure::SignIn)) => {
            return refuse_non_admin(visit, failure);
        }
        Err(_) => {
            // The pages are warm; only the trail's record is missing, which the operators see.
            metrics::counter!("edge_warmings_unreported_total").increment(1);
            tracing::error!("a warming on demand could not be reported to the origin's audit trail");
        }
    }
    visit.redirect(&format!(
        "/admin/cache?warmed={}&of={}&failed={}",
        warmed.fetched, warmed.listed, warmed.failed
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<&'static str> {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
    }

    #[test]
    fn the_form_names_tags_addresses_prefixes_or_everything() {
        let request = PurgeRequest::from_form(form(&[
            ("product", " 42 "),
            ("vendor", ""),
            ("category", "3"),
            ("url", "/c/phones"),
            ("prefix", "/v/"),
        ]))
        .unwrap();
        assert_eq!(request.tags, ["product:42", "category:3"]);
        assert_eq!(request.urls, ["/c/phones"]);
        assert_eq!(request.prefixes, ["/v/"]);
        assert!(!request.everything);
        assert!(PurgeRequest::from_form(form(&[("everything", "on")])).unwrap().everything);
    }

    #[test]
    fn a_form_that_names_nothing_or_something_malformed_is_refused() {
        assert_eq!(PurgeRequest::from_form(form(&[("product", " ")])), Err(PurgeMistake::Nothing));
        assert_eq!(PurgeRequest::from_form(form(&[("product", "x")])), Err(PurgeMistake::BadNumber));
        assert_eq!(PurgeRequest::from_form(form(&[("vendor", "0")])), Err(PurgeMistake::BadNumber));
        assert_eq!(PurgeRequest::from_form(form(&[("url", "c/x")])), Err(PurgeMistake::BadPath));
        assert_eq!(PurgeRequest::from_form(form(&[("prefix", "//evil")])), Err(PurgeMistake::BadPath));
    }
}
