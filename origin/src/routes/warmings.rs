//! Edges tell the origin when an admin warmed their cache on demand: the warming runs at the
//! edge (it fetches the most requested pages through the edge's own cache), and this route is
//! how the action reaches the audit trail — its middleware records who asked, from where, and
//! this body (how many pages were fetched) — and the logs and metrics.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;

use super::admin::Admin;
use crate::error::Result;

/// What an edge reports of one warming.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Warming {
    /// Pages fetched and kept in the edge's cache.
    fetched: u32,
    /// Pages whose fetch failed.
    #[serde(default)]
    failed: u32,
    /// Pages on the edge's list of most requested pages.
    #[serde(default)]
    listed: u32,
}

/// `POST /api/v1/admin/cache/warmings` `{"fetched": N, "failed": N, "listed": N}`: 204 (admins).
pub async fn record(
    admin: Admin,
    body: std::result::Result<Json<Warming>, JsonRejection>,
) -> Result<StatusCode> {
    let Json(warming) = body?;
    metrics::counter!("admin_warmings_reported_total").increment(1);
    metrics::counter!("admin_warmed_pages_reported_total").increment(u64::from(warming.fetched));
    tracing::info!(
        fetched = warming.fetched,
        failed = warming.failed,
        listed = warming.listed,
        by = admin.kind(),
        user_id = admin.account_id(),
        "an admin warmed an edge's cache"
    );
    Ok(StatusCode::NO_CONTENT)
}
