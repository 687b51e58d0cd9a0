//! The admin's side of fraud review: the orders the fraud check holds, and releasing one so
//! its vendors may ship it.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::AppState;
use super::admin::Admin;
use super::orders::order_id;
use crate::error::Result;

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
