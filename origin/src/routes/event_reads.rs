//! What the event consumers learned, and the schema registry: bought-together products,
//! order analytics windows, the relay's lag and each consumer's, and the event schemas.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use linkedall_shared::ProductId;
use serde_json::{Value, json};

use super::AppState;
use super::admin::Admin;
use crate::error::{Error, Result};
use crate::params::QueryParams;
use linkedall_events::relay;
use linkedall_events_schema::registry as schemas;

/// `GET /api/v1/products/{id}/bought-together`: products most often in the same orders.
pub async fn bought_together(
    State(state): State<AppState>,
    path: std::result::Result<Path<String>, PathRejection>,
) -> Result<Json<Value>> {
    let Path(raw) = path?;
    let id = ProductId::parse(&raw)?;
    let items = state.store.bought_with(id.get(), 8).await?;
    Ok(Json(json!({ "product_id": id, "items": items })))
}

/// `GET /api/v1/schemas`: every event type and version with its schema's address.
pub async fn schemas() -> Json<Value> {
    Json(json!({ "schemas": schemas::list() }))
}

/// `GET /api/v1/schemas/{type}/v{version}`: one JSON Schema.
pub async fn schema(path: std::result::Result<Path<(String, String)>, PathRejection>) -> Result<Json<Value>> {
    let Path((kind, version)) = path?;
    let parsed = version.strip_prefix('v').and_then(|v| v.parse::<u32>().ok()).ok_or_else(|| {
        Error::InvalidParameter {
            name: "version",
            message: format!("`{}` is not a version like v1", super::catalog::truncate(&version)),
        }
    })?;
    schemas::schema(&kind, parsed).map(Json).ok_or_else(|| Error::NotFound {
        what: format!("schema {} {version}", super::catalog::truncate(&kind)),
    })
}

/// `GET /api/v1/admin/analytics/orders?since=YYYY-MM-DDTHH:MM`: orders placed, GMV, orders
/// paid and conversion per minute, currency and country (admin).
pub async fn order_analytics(
    State(state): State<AppState>,
    _admin: Admin,
    params: QueryParams,
) -> Result<Json<Value>> {
    let since = params.get("since").unwrap_or("0000-00-00T00:00");
    let valid = since.len() == 16
        && since.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b'T',
            13 => b == b':',
            _ => b.is_ascii_digit(),
        });
    if !valid {
        return Err(Error::InvalidParameter {
            name: "since",
            message: format!(
                "`{}` is not a UTC minute like 2026-11-25T10:31",
                super::catalog::truncate(since)
            ),
        });
    }
    let windows = state.store.order_analytics(since, 10_000).await?;
    Ok(Json(json!({ "windows": windows })))
}

/// `GET /api/v1/admin/events/lag`: unsent outbox rows and the age of the oldest (admin).
pub async fn lag(State(state): State<AppState>, _admin: Admin) -> Result<Json<Value>> {
    let lag = relay::lag(&state.store).await?;
    Ok(Json(json!({ "unsent": lag.unsent, "oldest_unsent_secs": lag.oldest_unsent_secs })))
}

/// `GET /api/v1/admin/events/lag/consumers`: how far each consumer is behind — published
/// events of the kinds it reads after the one it handled last, the oldest one's age, when it
/// last handled one, its waiting dead letters (admin). Also recorded as gauges.
pub async fn consumer_lag(State(state): State<AppState>, _admin: Admin) -> Result<Json<Value>> {
    let mut lags = Vec::with_capacity(state.consumers.len());
    for consumer in state.consumers.iter() {
        let kinds: Vec<&str> = linkedall_events_schema::catalogue::CATALOGUE
            .iter()
            .map(|t| t.kind)
            .filter(|kind| consumer.wants(kind))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let lag = state.store.consumer_lag(consumer.name(), &kinds).await?;
        metrics::gauge!("events_consumer_waiting", "consumer" => consumer.name()).set(lag.waiting as f64);
        metrics::gauge!("events_consumer_oldest_waiting_seconds", "consumer" => consumer.name())
            .set(lag.oldest_waiting_secs);
        lags.push(lag);
    }
    Ok(Json(json!({ "consumers": lags })))
}
