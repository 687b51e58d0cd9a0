//! The audit trail of admin actions: every write to an admin route (`/admin/*`,
//! `/api/v1/admin/*`) by an admin — purges, releases, replays, exchange rates — is recorded
//! with who acted, what they asked (the route, the path and the body), when, from which
//! address and how the shop answered; `GET /api/v1/admin/audit-trail` reads it back.
//!
//! Recording is one route-level middleware, [`record_admin_actions`], rather than a line in
//! each admin handler, so that no admin route — today's or a future one — can forget it. The
//! same middleware writes the action to the `audit` log stream (`event.dataset`
//! `linkedall.audit`), so the table and the log always agree.

use std::borrow::Cow;

use axum::Json;
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::AppState;
use super::admin::Admin;
use crate::client_address::ClientAddress;
use crate::error::{Error, Result};
use crate::params::QueryParams;
use linkedall_store::audit_trail::{self, Actor, AdminAction};

/// The largest admin request body the trail reads (admin bodies are small JSON documents).
const MAX_ADMIN_BODY_BYTES: usize = 1024 * 1024;
/// The most actions one page of the trail shows.
const MAX_PAGE: i64 = 200;

/// Whether `path` is an admin route.
fn is_admin_path(path: &str) -> bool {
    path.starts_with("/admin/") || path.starts_with("/api/v1/admin/")
}

/// Route-level middleware: after an admin's write to an admin route, records it. Requests by
/// anyone else pass untouched (the handler refuses them); reads are not actions.
pub async fn record_admin_actions(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if matches!(*request.method(), Method::GET | Method::HEAD) || !is_admin_path(&path) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let Ok(admin) = Admin::from_request_parts(&mut parts, &state).await else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let body = match axum::body::to_bytes(body, MAX_ADMIN_BODY_BYTES).await {
        Ok(body) => body,
        Err(error) => {
            return Error::InvalidBody(format!("the request body could not be read: {error}"))
                .into_response();
        }
    };
    let route = parts
        .extensions
        .get::<MatchedPath>()
        .map_or(Cow::Borrowed(path.as_str()), |m| Cow::Owned(m.as_str().to_owned()));
    let action = format!("{} {route}", parts.method);
    let client = ClientAddress::of(&parts.headers, &parts.extensions).0.to_string();
    let detail = String::from_utf8_lossy(&body).into_owned();
    let response = next.run(Request::from_parts(parts, axum::body::Body::from(body))).await;
    let status = response.status();
    tracing::info!(
        target: "audit",
        action = action.as_str(),
        actor = admin.kind(),
        user_id = admin.account_id(),
        outcome = if status.is_success() || status.is_redirection() { "success" } else { "failure" },
        "admin action {action} on {path} answered {}",
        status.as_u16()
    );
    let actor = match admin.account_id() {
        Some(id) => Actor::AdminAccount(id),
        None => Actor::OperatorsToken,
    };
    let recorded = audit_trail::record(
        &state.store,
        &AdminAction {
            actor,
            action: &action,
            target: &path,
            detail: &detail,
            status: status.as_u16(),
            client_ip: Some(&client),
        },
    )
    .await;
    match recorded {
        Ok(()) => metrics::counter!("admin_actions_recorded_total").increment(1),
        Err(error) => {
            // The action is done; the trail missing it is an operator's alarm, not the admin's.
            metrics::counter!("admin_actions_unrecorded_total").increment(1);
            tracing::error!(%error, action, by = admin.kind(), "an admin action could not be recorded in the audit trail");
        }
    }
    response
}

/// `GET /api/v1/admin/audit-trail[?before=ID&limit=N]`: the newest actions first (admins only).
pub async fn list(State(state): State<AppState>, _admin: Admin, params: QueryParams) -> Result<Json<Value>> {
    let positive = |name: &'static str| {
        move |raw: &str| {
            raw.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| Error::InvalidParameter {
                name,
                message: "expected a whole number above 0".into(),
            })
        }
    };
    let before = params.parsed("before", positive("before"))?;
    let limit = params.parsed("limit", positive("limit"))?.unwrap_or(50).min(MAX_PAGE);
    let actions = audit_trail::recent(&state.store, before, limit).await?;
    let next_before = (actions.len() as i64 == limit).then(|| actions.last().map(|a| a.id)).flatten();
    Ok(Json(json!({ "actions": actions, "next_before": next_before })))
}
