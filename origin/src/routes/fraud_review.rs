//! The admin's side of fraud review: the orders the fraud check holds, and releasing one so
//! its vendors may ship it, or cancelling it (its stock back on sale, what was paid refunded).

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::AppState;
use super::admin::Admin;
use super::orders::order_id;
use crate::error::{Error, Result};

/// `GET /api/v1/admin/orders/held`: orders waiting for review, newest first.
pub async fn held(State(state): State<AppState>, _admin: Admin) -> Result<Json<Value>> {
    Ok(Json(json!({ "held": state.store.held_orders().await? })))
}

/// `POST /api/v1/admin/orders/{id}/release`: releases a held order; `order.released_from_review`
/// is written in the same transaction.
pub async fn release(
    State(state): State<AppState>,
    admin: Admin,
    path: std::result::Result<Path<String>, PathRejection>,
) -> Result<Json<Value>> {
    let id = order_id(path)?;
    state.store.release_held_order(id, admin.account_id()).await?;
    Ok(Json(json!({ "order_id": id, "released": true })))
}

/// `POST /api/v1/admin/orders/{id}/cancel`: cancels a held order as any cancellation does
/// (`order.cancelled`, stock released, a paid order refunded); it leaves the review list. 409
/// for an order that is not held.
pub async fn cancel(
    State(state): State<AppState>,
    admin: Admin,
    path: std::result::Result<Path<String>, PathRejection>,
) -> Result<Json<Value>> {
    let id = order_id(path)?;
    if !state.store.held_orders().await?.iter().any(|held| held.order_id == id) {
        return Err(Error::IllegalTransition {
            what: format!("order {id}"),
            action: "cancel from review",
            state: "not held for review",
        });
    }
    let cancelled = state.store.cancel_order(id, admin.as_user()).await?;
    super::orders::after_cancel(&state, &cancelled).await;
    metrics::counter!("fraud_orders_cancelled_total").increment(1);
    Ok(Json(json!({ "order_id": id, "cancelled": true, "state": cancelled.order.state.as_str() })))
}
