//! Refreshing pages on every edge: an admin names a product, a shop, a category, an address,
//! every address under a prefix, or everything; the origin writes the purge to its journal
//! (`POST /admin/purge`) and every edge drops the pages when it reads that far. The page says
//! which journal entry the purge became.

use askama::Template;
use bytes::Bytes;
use http::Response;
use linkedall_shared::Category;
use serde::{Deserialize, Serialize};

use super::admin::{AdminFrame, frame, layout, refuse_non_admin};
use super::visit::{Failure, Visit};
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
        success: mistake.is_none() && purged.is_some(),
        message: mistake.or_else(|| purged.map(|seq| fill(frame.says.purged, seq))),
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
