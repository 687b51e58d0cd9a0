//! Purging the edge caches: `POST /admin/purge` for admins, and the journal every edge reads,
//! `GET /api/v1/cache/purges?after=N`.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::Response;
use linkedall_shared::{MAX_SELECTORS_PER_PURGE, ProductId, PurgeSelector};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::admin::Admin;
use super::internal::PurgeFeedReader;
use crate::error::{Error, Result};
use crate::negotiate::Format;
use crate::params::QueryParams;

/// What an admin asks to purge. Any mix; at least one thing.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PurgeRequest {
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub urls: Vec<String>,
    #[serde(default)]
    pub prefixes: Vec<String>,
    #[serde(default)]
    pub everything: bool,
}

impl PurgeRequest {
    /// The selectors, each checked; refused whole if any is invalid or there are too many.
    fn selectors(&self) -> Result<Vec<PurgeSelector>> {
        let mut selectors = Vec::new();
        for tag in &self.tags {
            selectors.push(PurgeSelector::tag(tag)?);
        }
        for url in &self.urls {
            selectors.push(PurgeSelector::url(url)?);
        }
        for prefix in &self.prefixes {
            selectors.push(PurgeSelector::prefix(prefix)?);
        }
        if self.everything {
            selectors.push(PurgeSelector::Everything);
        }
        selectors.sort();
        selectors.dedup();
        if selectors.is_empty() {
            return Err(Error::Unprocessable(
                "nothing to purge: give `tags`, `urls`, `prefixes` or `\"everything\": true`".into(),
            ));
        }
        if selectors.len() > MAX_SELECTORS_PER_PURGE {
            return Err(Error::Unprocessable(format!(
                "{} tags, URLs and prefixes in one purge; at most {MAX_SELECTORS_PER_PURGE} are accepted — split the request",
                selectors.len()
            )));
        }
        Ok(selectors)
    }
}

#[derive(Debug, Serialize)]
pub struct PurgeAccepted {
    /// The journal's sequence number after this purge: edges that have read this far have
    /// applied it.
    pub seq: u64,
    pub selectors: usize,
}

/// `POST /admin/purge` `{"tags":[…],"urls":[…],"prefixes":[…],"everything":false}` → 202.
pub async fn purge(
    State(state): State<AppState>,
    _admin: Admin,
    body: std::result::Result<Json<PurgeRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<PurgeAccepted>)> {
    let Json(request) = body?;
    let selectors = request.selectors()?;
    let seq = state.store.purge(&selectors).await?;
    // The edges fetch the pages again: the origin's own answers must not hand them the copy
    // the admin wanted gone (the products named, and every listing).
    let products: Vec<ProductId> = selectors
        .iter()
        .filter_map(|selector| match selector {
            PurgeSelector::Tag(tag) => tag.strip_prefix("product:")?.parse::<i64>().ok().map(ProductId::new),
            _ => None,
        })
        .collect();
    state.catalog_cache.products_changed(&products, "admin purge").await;
    metrics::counter!("cache_purge_requests_total").increment(1);
    Ok((StatusCode::ACCEPTED, Json(PurgeAccepted { seq, selectors: selectors.len() })))
}

/// `GET /api/v1/cache/purges?after=N`: journal entries after `N` (JSON or postcard).
pub async fn feed(
    State(state): State<AppState>,
    _reader: PurgeFeedReader,
    format: Format,
    params: QueryParams,
) -> Result<Response> {
    let after = params
        .parsed("after", |raw| {
            raw.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| Error::InvalidParameter {
                name: "after",
                message: "expected a whole number of 0 or more".into(),
            })
        })?
        .unwrap_or(0);
    Ok(format.render(&state.store.purge_feed(after).await?))
}
