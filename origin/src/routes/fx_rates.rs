//! Exchange rates: `GET /api/v1/fx-rates` for the edge (which converts prices for shoppers)
//! and API clients, `PUT /api/v1/admin/fx-rates` for operators.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use linkedall_shared::{Currency, FxRates};
use serde::Deserialize;

use super::AppState;
use super::admin::Admin;
use crate::error::{Error, Result};
use crate::negotiate::Format;

/// `GET /api/v1/fx-rates` (JSON or postcard): units of each currency per US dollar, in
/// millionths. Caches may keep it five minutes.
pub async fn show(State(state): State<AppState>, format: Format) -> Result<Response> {
    let mut response = format.render(&state.store.fx_rates().await?);
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    Ok(response)
}

/// The body of `PUT /api/v1/admin/fx-rates`: `{"per_usd_micros": {"KES": 129500000}}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetRates {
    per_usd_micros: BTreeMap<String, u64>,
}

/// `PUT /api/v1/admin/fx-rates`: sets the given rates (others stay), all or none; answers
/// with every rate.
pub async fn set(
    State(state): State<AppState>,
    _admin: Admin,
    body: std::result::Result<Json<SetRates>, JsonRejection>,
) -> Result<Json<FxRates>> {
    let Json(request) = body?;
    if request.per_usd_micros.is_empty() {
        return Err(Error::Unprocessable(
            "no rates given: `per_usd_micros` maps currency codes to rates".into(),
        ));
    }
    let mut rates = Vec::with_capacity(request.per_usd_micros.len());
    for (code, rate) in &request.per_usd_micros {
        rates.push((code.parse::<Currency>()?, *rate));
    }
    state.store.set_fx_rates(&rates).await?;
    metrics::counter!("fx_rate_updates_total").increment(1);
    Ok(Json(state.store.fx_rates().await?))
}
