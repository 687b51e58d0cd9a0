//! The signed-in user's cart. Clients send product ids and quantities; prices always come
//! from the catalog. Every answer prices the cart in one currency, `?currency=NGN` (the
//! shopper's), or the first line's when the client names none; `?to=NG` adds the ways it can
//! be delivered to that country, with their fees.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::response::Response;
use linkedall_shared::{Currency, Market, ProductId};
use linkedall_store::cart::{Cart, LineRequest, merge};
use serde::Deserialize;

use super::AppState;
use crate::error::Result;
use crate::negotiate::Format;
use crate::params::QueryParams;
use crate::session::CurrentUser;

/// The `currency` the client wants the cart priced in, if it names one.
pub(super) fn pay_in(query: &QueryParams) -> Result<Option<Currency>> {
    query.parsed("currency", str::parse::<Currency>)
}

/// The market `?to=` names, if any: one of ours, or a 400.
fn deliver_to(query: &QueryParams) -> Result<Option<&'static Market>> {
    query.parsed("to", |code: &str| {
        Market::find(code).ok_or_else(|| crate::error::Error::InvalidParameter {
            name: "to",
            message: "expected the two-letter code of a country we deliver to (NG, KE, CI…)".into(),
        })
    })
}

/// `GET /api/v1/cart/items[?currency=NGN][&to=NG]`
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    query: QueryParams,
    format: Format,
) -> Result<Response> {
    Ok(format.render(&state.store.cart(user.id, pay_in(&query)?, deliver_to(&query)?).await?))
}

/// The body of `POST /api/v1/cart/guest`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuestCart {
    items: Vec<LineRequest>,
}

/// `POST /api/v1/cart/guest[?currency=NGN]` with `{"items": [{"product_id": 7, "quantity": 2}]}`:
/// lines priced as a cart, for a shopper who has not signed in yet (the edge keeps their lines
/// in a cookie and moves them into their own cart when they sign in). Anyone may ask; unknown
/// products are left out.
pub async fn guest(
    State(state): State<AppState>,
    query: QueryParams,
    format: Format,
    body: std::result::Result<Json<GuestCart>, JsonRejection>,
) -> Result<Response> {
    let pay_in = pay_in(&query)?;
    let Json(request) = body?;
    let lines = merge(request.items.into_iter().map(LineRequest::parse).collect::<Result<Vec<_>, _>>()?)?;
    Ok(format.render(&state.store.guest_cart(&lines, pay_in).await?))
}

/// `POST /api/v1/cart/items[?to=NG]` with `{"product_id": 7, "quantity": 2}`: adds units;
/// with `to`, only when the product's shop delivers there (422 `/problems/does-not-deliver`).
pub async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    query: QueryParams,
    body: std::result::Result<Json<LineRequest>, JsonRejection>,
) -> Result<Json<Cart>> {
    let pay_in = pay_in(&query)?;
    let Json(line) = body?;
    let to = deliver_to(&query)?;
    state.store.add_to_cart(user.id, line.parse()?, to).await?;
    Ok(Json(state.store.cart(user.id, pay_in, to).await?))
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
    Ok(Json(state.store.cart(user.id, pay_in, None).await?))
}

/// `DELETE /api/v1/cart/items`: empties the cart.
pub async fn clear(
    State(state): State<AppState>,
    user: CurrentUser,
    query: QueryParams,
) -> Result<Json<Cart>> {
    let pay_in = pay_in(&query)?;
    state.store.remove_from_cart(user.id, None).await?;
    Ok(Json(state.store.cart(user.id, pay_in, None).await?))
}
