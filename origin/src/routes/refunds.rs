//! The admins' queue of refunds the payment provider kept refusing (see `crate::refunds`):
//! each waits here, with its last error, for a person to settle it with the provider.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::AppState;
use crate::error::{Error, Result};
use crate::session::CurrentUser;

/// `GET /api/v1/admin/refunds/failed`: refunds given up on after every retry, oldest first.
pub async fn failed(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>> {
    if !user.is_admin() {
        return Err(Error::Forbidden("only an admin may see failed refunds".into()));
    }
    Ok(Json(json!({ "refunds": state.store.failed_refunds().await? })))
}
