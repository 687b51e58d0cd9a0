//! What admins see of the Cloudflare purge forwarder (`cloudflare_purge.rs`): whether it is
//! running, how many purges it holds, and when Cloudflare's rate budget allows its next call.
//! The forwarder may run in another process (the `sweeper` role), so it reports through the
//! database and this reads the report.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::AppState;
use super::admin::Admin;
use crate::cloudflare_purge::{READER, REPORT_STALE_AFTER};
use crate::error::Result;

/// `GET /api/v1/admin/cache/cloudflare`: `{"forwarding": false}` when no forwarder reported
/// lately (forwarding is off, or it stopped); else its queue's depth and the seconds until
/// its next call is allowed (admins).
pub async fn show(State(state): State<AppState>, _admin: Admin) -> Result<Json<Value>> {
    let report = state.store.purge_forwarding(READER).await?;
    Ok(Json(match report {
        Some(report) if report.reported_secs_ago <= REPORT_STALE_AFTER.as_secs_f64() => json!({
            "forwarding": true,
            "queued": report.queued,
            "next_call_in_secs": report.next_call_in_secs,
            "reported_secs_ago": report.reported_secs_ago,
        }),
        Some(report) => json!({ "forwarding": false, "last_reported_secs_ago": report.reported_secs_ago }),
        None => json!({ "forwarding": false }),
    }))
}
