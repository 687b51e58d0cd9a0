//! The signed-in user's cart. Clients send product ids and quantities; prices always come
//! from the catalog.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use linkedall_shared::ProductId;

use super::AppState;
use crate::error::Result;
use crate::negotiate::Format;
use crate::session::CurrentUser;
use axum::response::Response;
use linkedall_store::cart::{Cart, LineRequest};

/// `GET /api/v1/cart/items`
pub async fn show(State(state): State<AppState>, user: CurrentUser, format: Format) -> Result<Response> {
    Ok(format.render(&state.store.cart(user.id).await?))
}

/// `POST /api/v1/cart/items` with `{"product_id": 7, "quantity": 2}`: adds units.
pub async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    body: std::result::Result<Json<LineRequest>, JsonRejection>,
) -> Result<Json<Cart>> {
    let Json(line) = body?;
    state.store.add_to_cart(user.id, line.parse()?).await?;
    Ok(Json(state.store.cart(user.id).await?))
}

/// `DELETE /api/v1/cart/items/{product_id}`: removes that line.
pub async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    path: std::result::Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Json<Cart>> {
    let Path(raw) = path?;
    state.store.remove_from_cart(user.id, Some(ProductId::parse(&raw)?)).await?;
    Ok(Json(state.store.cart(user.id).await?))
}

/// `DELETE /api/v1/cart/items`: empties the cart.
pub async fn clear(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Cart>> {
    state.store.remove_from_cart(user.id, None).await?;
    Ok(Json(state.store.cart(user.id).await?))
}
