//! The signed-in user's cart. Clients send product ids and quantities; prices always come
//! from the catalog. Every answer prices the cart in one currency, `?currency=NGN` (the
//! shopper's), or the first line's when the client names none.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::response::Response;
use linkedall_shared::{Currency, ProductId};
use linkedall_store::cart::{Cart, LineRequest};

use super::AppState;
use crate::error::Result;
use crate::negotiate::Format;
use crate::params::QueryParams;
use crate::session::CurrentUser;

/// The `currency` the client wants the cart priced in, if it names one.
pub(super) fn pay_in(query: &QueryParams) -> Result<Option<Currency>> {
    query.parsed("currency", str::parse::<Currency>)
}

/// `GET /api/v1/cart/items[?currency=NGN]`
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    query: QueryParams,
    format: Format,
) -> Result<Response> {
    Ok(format.render(&state.store.cart(user.id, pay_in(&query)?).await?))
}

/// `POST /api/v1/cart/items` with `{"product_id": 7, "quantity": 2}`: adds units.
pub async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    query: QueryParams,
    body: std::result::Result<Json<LineRequest>, JsonRejection>,
) -> Result<Json<Cart>> {
    let pay_in = pay_in(&query)?;
    let Json(line) = body?;
    state.store.add_to_cart(user.id, line.parse()?).await?;
    Ok(Json(state.store.cart(user.id, pay_in).await?))
}

/// `DELETE /api/v1/cart/items/{product_id}`: removes that line.
pub async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    query: QueryParams,
    path: std::result::Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Json<Cart>> {
    let pay_in = pay_in(&query)?;
    let Path(raw) = path?;
    state.store.remove_from_cart(user.id, Some(ProductId::parse(&raw)?)).await?;
    Ok(Json(state.store.cart(user.id, pay_in).await?))
}

/// `DELETE /api/v1/cart/items`: empties the cart.
pub async fn clear(
    State(state): State<AppState>,
    user: CurrentUser,
    query: QueryParams,
) -> Result<Json<Cart>> {
    let pay_in = pay_in(&query)?;
    state.store.remove_from_cart(user.id, None).await?;
    Ok(Json(state.store.cart(user.id, pay_in).await?))
}
