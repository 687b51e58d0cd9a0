//! `GET /api/v1/addresses`: where the signed-in shopper's orders were delivered, the most
//! recently used first — what checkout offers to fill the address with.

use axum::Json;
use axum::extract::State;
use linkedall_shared::Address;

use super::AppState;
use crate::error::Result;
use crate::session::CurrentUser;

pub async fn list(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Vec<Address>>> {
    Ok(Json(state.store.recent_addresses(user.id).await?))
}
