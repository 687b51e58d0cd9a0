//! The payment provider's webhook. The signature is checked over the raw bytes before the body
//! is even parsed; a forged call changes nothing and learns nothing.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use crate::error::{Error, Result};
use crate::payments::{PaymentOutcome, SIGNATURE_HEADER};
use crate::session::CurrentUser;
use linkedall_store::order::Order;

/// `POST /api/v1/payments/webhook` (Paystack-compatible, `x-paystack-signature`).
pub async fn webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Json<Value>> {
    let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !state.payments.verify_signature(&body, signature) {
        metrics::counter!("payment_webhooks_total", "effect" => "bad_signature").increment(1);
        tracing::warn!(target: "security", action = "payment-webhook", outcome = "failure", "payment webhook with a bad signature refused");
        return Err(Error::BadSignature);
    }
    let outcome = crate::payments::parse_webhook(&body)?;
    let changed = state.store.apply_payment_outcome(&outcome).await?;
    tracing::info!(?outcome, applied = changed.is_some(), "payment webhook");
    if let (Some(order), PaymentOutcome::Succeeded { .. }) = (changed, &outcome) {
        // A charge for an order no longer awaiting it is due back now.
        super::orders::request_refunds(&state, order).await;
    }
    Ok(Json(json!({ "status": "ok", "applied": changed.is_some() })))
}

/// `POST /api/v1/payments/sandbox/{reference}`: the sandbox provider's "payment page" — the
/// shopper approves the charge and the sandbox reports success through the same
/// [`PaymentOutcome`] path a verified webhook takes (so it changes state once, however often it
/// is pressed). Only the order's own shopper may approve it, and only when the configured
/// provider is the sandbox: with a real provider this route does not exist (404).
///
/// An optional JSON body `{"card": "4084 0840 8408 4081"}` names the test card paid with: the
/// same number gives the same card fingerprint, whoever pays (fraud checks count cards).
/// Without it the shopper pays with a card of their own.
pub async fn sandbox_approve(
    State(state): State<AppState>,
    user: CurrentUser,
    path: std::result::Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Json<Order>> {
    let Path(reference) = path?;
    let sandbox = state
        .payments
        .sandbox()
        .ok_or_else(|| Error::NoSuchRoute { path: "/api/v1/payments/sandbox".into() })?;
    let order_id =
        sandbox_order(&reference).ok_or_else(|| Error::NotFound { what: "that sandbox payment".into() })?;
    let page: SandboxPage = if body.iter().all(u8::is_ascii_whitespace) {
        SandboxPage::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| Error::InvalidBody(format!("sandbox payment: {e}")))?
    };
    let card = sandbox.card(page.card.as_deref(), user.id)?;
    let order = state.store.own_order(order_id, user).await?;
    let outcome = PaymentOutcome::Succeeded {
        reference,
        amount_minor: order.total.minor,
        currency: order.total.currency.code().to_owned(),
        card: Some(card),
    };
    let changed = state.store.apply_payment_outcome(&outcome).await?;
    tracing::info!(order = order_id, applied = changed.is_some(), "sandbox payment approved");
    if changed.is_some() {
        super::orders::request_refunds(&state, order_id).await;
    }
    Ok(Json(state.store.order_for(order_id, user).await?))
}

/// `POST /api/v1/payments/sandbox/{reference}/fail`: the sandbox's payment page reports the
/// charge failed (declined, or abandoned by the shopper) through the same path a verified
/// `charge.failed` webhook takes. Nothing was taken; the order still awaits payment and a new
/// `pay` opens a new charge. The order's own shopper only, and only with the sandbox.
pub async fn sandbox_fail(
    State(state): State<AppState>,
    user: CurrentUser,
    path: std::result::Result<Path<String>, PathRejection>,
) -> Result<Json<Order>> {
    let Path(reference) = path?;
    state.payments.sandbox().ok_or_else(|| Error::NoSuchRoute { path: "/api/v1/payments/sandbox".into() })?;
    let order_id =
        sandbox_order(&reference).ok_or_else(|| Error::NotFound { what: "that sandbox payment".into() })?;
    state.store.own_order(order_id, user).await?;
    let changed = state.store.apply_payment_outcome(&PaymentOutcome::Failed { reference }).await?;
    tracing::info!(order = order_id, applied = changed.is_some(), "sandbox payment failed");
    Ok(Json(state.store.order_for(order_id, user).await?))
}

/// What the sandbox's payment page may be told.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SandboxPage {
    /// A test card number.
    #[serde(default)]
    card: Option<String>,
}

/// The order a sandbox reference pays for: `SandboxProvider::initialize` writes them as
/// `sbx_{order}_{random}`.
fn sandbox_order(reference: &str) -> Option<i64> {
    let (order, _) = reference.strip_prefix("sbx_")?.split_once('_')?;
    order.parse().ok().filter(|id| *id > 0)
}
