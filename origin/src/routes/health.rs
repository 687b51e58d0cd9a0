//! Liveness, readiness and metrics.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::AppState;
use super::internal::MetricsReader;

/// Alive: the process answers. Says nothing about the database, so an orchestrator does not
/// restart a healthy process because PostgreSQL blinked.
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// Ready: the database answers. Load balancers stop routing here while it does not.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => Json(json!({ "status": "ready" })).into_response(),
        Err(error) => {
            tracing::warn!(%error, "not ready: database unreachable");
            let body = json!({
                "type": "/problems/not-ready",
                "title": "Service Unavailable",
                "status": 503,
                "detail": "The database is not reachable; this instance is not taking traffic.",
            });
            let mut response = (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
            response
        }
    }
}

/// Prometheus text exposition.
pub async fn metrics(State(state): State<AppState>, _reader: MetricsReader) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render())
}
