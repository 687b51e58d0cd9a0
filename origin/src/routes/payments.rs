//! The payment provider's webhook. The signature is checked over the raw bytes before the body
//! is even parsed; a forged call changes nothing and learns nothing.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use serde_json::{Value, json};

use super::AppState;
use crate::error::{Error, Result};
use crate::payments::{PaymentOutcome, SIGNATURE_HEADER};

/// `POST /api/v1/payments/webhook` (Paystack-compatible, `x-paystack-signature`).
pub async fn webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Json<Value>> {
    let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !state.payments.verify_signature(&body, signature) {
        metrics::counter!("payment_webhooks_total", "effect" => "bad_signature").increment(1);
        tracing::warn!("payment webhook with a bad signature refused");
        return Err(Error::BadSignature);
    }
    let outcome = PaymentOutcome::parse(&body)?;
    let applied = state.store.apply_payment_outcome(&outcome).await?;
    tracing::info!(?outcome, applied, "payment webhook");
    Ok(Json(json!({ "status": "ok", "applied": applied })))
}
