//! Checkout and the shopper's side of an order: place (idempotent), read, cancel, pay.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use linkedall_shared::{Address, AddressForm, Currency, DeliveryOption, PaymentMethod, ProductId};
use linkedall_store::orders::Cancelled;
use serde::Deserialize;
use tracing::Instrument;

use super::AppState;
use crate::error::{Error, Result};
use crate::idempotency::{Claim, key_of, request_hash};
use crate::negotiate::Format;
use crate::payments::{PaymentOutcome, PaymentSession};
use crate::session::CurrentUser;
use linkedall_store::cart::{LineRequest, merge};
use linkedall_store::checkout::{Purchase, Quote};
use linkedall_store::order::{Order, OrderState};

/// The body of `POST /api/v1/orders`: empty (or `{}`) to buy the cart, or `items` to buy
/// those lines directly; `currency` to pay in (by default the first line's) and `total_minor`,
/// the total the shopper was shown in it: a different total refuses the order with
/// `quote-changed` and the new total, and nothing is ordered.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckoutRequest {
    items: Option<Vec<LineRequest>>,
    currency: Option<String>,
    total_minor: Option<i64>,
    delivery: Option<DeliveryRequest>,
}

/// `"delivery": {"option": "home", "address": {"name": …, "phone": …, "country": "NG", "city":
/// …, "area": …, "directions": …}}`: where and how every part is delivered, for the fees
/// `GET /api/v1/cart/items?to=NG` quotes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeliveryRequest {
    option: DeliveryOption,
    address: AddressForm,
}

impl DeliveryRequest {
    fn parse(self) -> Result<(DeliveryOption, Address)> {
        let address = self.address.validate().map_err(|problems| Error::InvalidParameter {
            name: "delivery.address",
            message: format!(
                "check {}: a name, a phone number of the country (+234 803 123 4567 or 0803 123 4567), \
                 one of our countries, a city and an area are required",
                problems.iter().map(|p| p.field()).collect::<Vec<_>>().join(", ")
            ),
        })?;
        Ok((self.option, address))
    }
}

/// Parses an order id from the path.
pub(super) fn order_id(path: std::result::Result<Path<String>, PathRejection>) -> Result<i64> {
    let Path(raw) = path?;
    raw.parse::<i64>().ok().filter(|id| *id > 0 && raw.bytes().all(|b| b.is_ascii_digit())).ok_or_else(|| {
        Error::InvalidParameter {
            name: "id",
            message: format!("`{}` is not an order id", super::catalog::truncate(&raw)),
        }
    })
}

/// `POST /api/v1/orders` with an `Idempotency-Key` header.
///
/// The order is placed on a task of its own, so a shopper whose connection drops mid-request
/// still gets a completed key (and their order) when they retry, not a key stuck in flight.
pub async fn place(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let key = key_of(&headers)?;
    let request: CheckoutRequest = if body.iter().all(u8::is_ascii_whitespace) {
        CheckoutRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| Error::InvalidBody(e.to_string()))?
    };
    let purchase = match request.items {
        Some(items) => {
            Purchase::Lines(merge(items.into_iter().map(LineRequest::parse).collect::<Result<Vec<_>, _>>()?)?)
        }
        None => Purchase::Cart,
    };
    let quote = Quote {
        pay_in: request.currency.as_deref().map(str::parse::<Currency>).transpose()?,
        total_minor: request.total_minor,
        delivery: request.delivery.map(DeliveryRequest::parse).transpose()?,
    };
    let claimed = match state.store.claim_idempotency_key(user.id, key, request_hash(&body)).await? {
        Claim::Replay { status, body } => {
            metrics::counter!("idempotent_replays_total").increment(1);
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let mut response = (status, body).into_response();
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
            return Ok(response);
        }
        Claim::New(claimed) => claimed,
    };
    let (store, catalog_cache) = (state.store.clone(), state.catalog_cache.clone());
    // The task outlives a dropped request; it keeps the request's cause for its events.
    let cause = linkedall_events::Cause::current();
    let placed = tokio::spawn(
        cause
            .scope(async move {
                let placed = store.place_order(user.id, &purchase, quote, &claimed).await;
                if let Ok(order) = &placed {
                    catalog_cache.products_changed(&order_products(order), "stock taken by an order").await;
                }
                if placed.is_err()
                    && let Err(error) = store.release_idempotency_key(&claimed).await
                {
                    tracing::warn!(%error, "could not release an idempotency key; it expires in 24 h");
                }
                placed
            })
            .in_current_span(),
    )
    .await
    .map_err(|e| Error::Corrupt(format!("the checkout task failed: {e}")))?;
    let order = placed?;
    tracing::info!(order = order.id, total = %order.total, "order placed");
    let location =
        HeaderValue::from_str(&format!("/api/v1/orders/{}", order.id)).expect("a path is a header value");
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(order)).into_response())
}

/// `GET /api/v1/orders`: the caller's newest orders (everyone's, for an admin).
pub async fn list(State(state): State<AppState>, user: CurrentUser, format: Format) -> Result<Response> {
    Ok(format.render(&state.store.recent_orders(user).await?))
}

/// `GET /api/v1/orders/{id}`: 404 unless it is the caller's (or the caller is an admin, or a
/// vendor with a part in it, who sees only that part).
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    path: std::result::Result<Path<String>, PathRejection>,
    format: Format,
) -> Result<Response> {
    Ok(format.render(&state.store.order_for(order_id(path)?, user).await?))
}

/// `POST /api/v1/orders/{id}/cancel`: by its shopper or an admin, cancels the parts that have
/// not shipped (409 when every part has). The paid amount of those parts is refunded: due in
/// the cancelling transaction, asked of the provider once it committed (never while holding
/// row locks), and retried by the refund sweeper when the provider refuses.
pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    path: std::result::Result<Path<String>, PathRejection>,
) -> Result<Json<Order>> {
    let cancelled = state.store.cancel_order(order_id(path)?, user).await?;
    after_cancel(&state, &cancelled).await;
    Ok(Json(cancelled.order))
}

/// What follows a cancellation's commit: pages showing the released stock refreshed, and the
/// refund asked for when something was paid.
pub(super) async fn after_cancel(state: &AppState, cancelled: &Cancelled) {
    state
        .catalog_cache
        .products_changed(&order_products(&cancelled.order), "stock released by a cancellation")
        .await;
    if cancelled.refund.is_some() {
        request_refunds(state, cancelled.order.id).await;
    }
}

/// Asks the provider for `order`'s refunds due now. A refusal is stored and retried by the
/// refund sweeper; only the store failing to say so is logged here, and the sweeper finds the
/// refund anyway once its lease ends.
pub(super) async fn request_refunds(state: &AppState, order: i64) {
    if let Err(error) =
        crate::refunds::request_order_refunds(&state.store, state.payments.as_ref(), order).await
    {
        tracing::error!(%error, order, "requesting refunds failed; the refund sweeper retries them");
    }
}

/// The products in `order`, whose stock it took or gave back.
pub(super) fn order_products(order: &Order) -> Vec<ProductId> {
    let mut products: Vec<ProductId> =
        order.parts.iter().flat_map(|part| part.items.iter().map(|item| item.product_id)).collect();
    products.sort();
    products.dedup();
    products
}

/// `POST /api/v1/orders/{id}/pay` with an optional `{"method": "mobile_money"}` (`card` by
/// default; `bank_transfer` too): opens the order's one charge for that method (201), or hands
/// back the open one (200). An open charge for another method is abandoned (reported failed,
/// as Paystack abandons one) and a new one opened, so a shopper may change their mind.
pub async fn pay(
    State(state): State<AppState>,
    user: CurrentUser,
    path: std::result::Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<(StatusCode, Json<PaymentSession>)> {
    let id = order_id(path)?;
    let method = if body.iter().all(u8::is_ascii_whitespace) {
        PaymentMethod::default()
    } else {
        serde_json::from_slice::<PayRequest>(&body).map_err(|e| Error::InvalidBody(e.to_string()))?.method
    };
    let order = state.store.own_order(id, user).await?;
    if order.state != OrderState::Created {
        return Err(Error::IllegalTransition {
            what: format!("order {id}"),
            action: "pay for",
            state: order.state.as_str(),
        });
    }
    if let Some(open) = open_charge(&state, id).await? {
        if open.method == method {
            return Ok((StatusCode::OK, Json(open)));
        }
        let abandoned = PaymentOutcome::Failed { reference: open.reference.clone() };
        state.store.apply_payment_outcome(&abandoned).await?;
        metrics::counter!("payments_abandoned_total", "for" => method.as_str()).increment(1);
        tracing::info!(order = id, abandoned = %open.reference, method = method.as_str(), "the shopper chose another way to pay");
    }
    let email = state.store.payer_email(id).await?;
    let session = state.payments.initialize(id, &email, order.total, method).await?;
    if state.store.start_payment(id, &session).await? {
        return Ok((StatusCode::CREATED, Json(session)));
    }
    // Another `pay` opened a charge meanwhile: that one is the order's; this one is never shown.
    metrics::counter!("payments_open_charge_returned_total", "race" => "true").increment(1);
    tracing::info!(order = id, discarded = %session.reference, "a concurrent pay opened the order's charge first");
    let open = open_charge(&state, id).await?.ok_or_else(|| Error::IllegalTransition {
        what: format!("order {id}"),
        action: "pay for",
        state: "changing",
    })?;
    Ok((StatusCode::OK, Json(open)))
}

/// The body of `POST /api/v1/orders/{id}/pay`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PayRequest {
    #[serde(default)]
    method: PaymentMethod,
}

/// `POST /api/v1/orders/{id}/pay-on-delivery`: the order's shopper chooses to pay the vendors'
/// riders at the door: the order is confirmed at once, without a charge (409 unless it awaits
/// payment).
pub async fn pay_on_delivery(
    State(state): State<AppState>,
    user: CurrentUser,
    path: std::result::Result<Path<String>, PathRejection>,
) -> Result<Json<Order>> {
    Ok(Json(state.store.pay_on_delivery(order_id(path)?, user).await?))
}

/// `GET /api/v1/orders/{id}/payment`: the order's open charge (404 when none), for its shopper
/// only: what a payment page shows.
pub async fn open_payment(
    State(state): State<AppState>,
    user: CurrentUser,
    path: std::result::Result<Path<String>, PathRejection>,
) -> Result<Json<PaymentSession>> {
    let id = order_id(path)?;
    state.store.own_order(id, user).await?;
    open_charge(&state, id)
        .await?
        .map(Json)
        .ok_or_else(|| Error::NotFound { what: format!("an open payment of order {id}") })
}

/// The order's open charge as the shopper is sent to complete it.
async fn open_charge(state: &AppState, id: i64) -> Result<Option<PaymentSession>> {
    Ok(state.store.open_payment(id).await?.map(|open| PaymentSession {
        provider: state.payments.name(),
        reference: open.reference,
        authorization_url: open.authorization_url,
        amount: open.amount,
        method: open.method,
    }))
}
