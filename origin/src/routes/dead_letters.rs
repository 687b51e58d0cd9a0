//! The admin's view of dead letters: list them, replay one after fixing its cause.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::AppState;
use super::admin::Admin;
use crate::error::{Error, Result};
use crate::params::QueryParams;
use linkedall_events::dead_letters;

/// `GET /api/v1/admin/dead-letters[?all=true]`: waiting dead letters, newest first (with
/// `all=true` the replayed ones too).
pub async fn list(State(state): State<AppState>, _admin: Admin, params: QueryParams) -> Result<Json<Value>> {
    let all = match params.get("all") {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(Error::InvalidParameter {
                name: "all",
                message: format!("`{}` is not true or false", super::catalog::truncate(other)),
            });
        }
    };
    let letters = state.store.dead_letters(all, 500).await?;
    Ok(Json(json!({ "dead_letters": letters })))
}

/// `POST /api/v1/admin/dead-letters/{id}/replay`: applies the event to its consumer again.
pub async fn replay(
    State(state): State<AppState>,
    _admin: Admin,
    path: std::result::Result<Path<String>, PathRejection>,
) -> Result<Json<dead_letters::Replayed>> {
    let Path(id) = path?;
    if uuid::Uuid::parse_str(&id).is_err() {
        return Err(Error::InvalidParameter {
            name: "id",
            message: format!("`{}` is not a dead letter id", super::catalog::truncate(&id)),
        });
    }
    let replayed = dead_letters::replay(&state.store, &state.consumers, &id).await?;
    Ok(Json(replayed))
}
