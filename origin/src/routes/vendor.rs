//! A vendor's side: their products, and the parts of orders they ship and deliver.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use linkedall_shared::{Cursor, Limit, ProductDetail, ProductId, ShippingZone, VendorStorefront};

use super::AppState;
use super::orders::order_id;
use crate::error::{Error, Result};
use crate::negotiate::Format;
use crate::params::QueryParams;
use crate::session::VendorUser;
use axum::response::Response;
use linkedall_store::Error as StoreError;
use linkedall_store::order::Transition;
use linkedall_store::vendor_products::{NewProduct, ProductChanges};

/// The body of `PUT /api/v1/vendor/shop`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShopChanges {
    ships_to: ShippingZone,
}

/// `PUT /api/v1/vendor/shop` with `{"ships_to": "region"}` (`country`, `region`, `africa`):
/// where the signed-in vendor's shop delivers.
pub async fn update_shop(
    State(state): State<AppState>,
    vendor: VendorUser,
    body: std::result::Result<Json<ShopChanges>, JsonRejection>,
) -> Result<StatusCode> {
    let Json(changes) = body?;
    state.store.set_shipping_zone(vendor.vendor_id, changes.ships_to).await?;
    state.catalog_cache.catalog_changed("shop delivery zone changed").await;
    tracing::info!(
        vendor = vendor.vendor_id.get(),
        ships_to = changes.ships_to.as_str(),
        "shop delivery zone changed"
    );
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/vendor/products`
pub async fn create_product(
    State(state): State<AppState>,
    vendor: VendorUser,
    body: std::result::Result<Json<NewProduct>, JsonRejection>,
) -> Result<(StatusCode, Json<ProductDetail>)> {
    let Json(product) = body?;
    let created = state.store.create_product(vendor.vendor_id, &product).await?;
    state.catalog_cache.catalog_changed("product created").await;
    Ok((StatusCode::CREATED, Json(created)))
}

/// `GET /api/v1/vendor/products?cursor=&limit=`: the signed-in vendor's own shop and a page of
/// its products with their stock — what the edge's vendor dashboard lists. (The public
/// storefront has the same shape, but the dashboard must not need to know its vendor id.)
pub async fn products(
    State(state): State<AppState>,
    vendor: VendorUser,
    params: QueryParams,
) -> Result<Json<VendorStorefront>> {
    let limit = params.parsed("limit", Limit::parse)?.unwrap_or_default();
    let cursor = params.parsed("cursor", Cursor::parse)?;
    let storefront = state
        .store
        .own_shop(vendor.vendor_id, cursor, limit)
        .await?
        .ok_or_else(|| Error::NotFound { what: format!("vendor {}", vendor.vendor_id) })?;
    Ok(Json(storefront))
}

/// `PATCH /api/v1/vendor/products/{id}`: own products only (403 for another vendor's).
pub async fn update_product(
    State(state): State<AppState>,
    vendor: VendorUser,
    path: std::result::Result<Path<String>, PathRejection>,
    body: std::result::Result<Json<ProductChanges>, JsonRejection>,
) -> Result<Json<ProductDetail>> {
    let Path(raw) = path?;
    let Json(changes) = body?;
    let id = ProductId::parse(&raw)?;
    let updated = state.store.update_product(vendor.vendor_id, id, &changes).await;
    // Also after a failure past validation: the change may have committed before re-reading
    // the product failed.
    if !matches!(
        updated,
        Err(StoreError::NotFound { .. } | StoreError::Forbidden(_) | StoreError::InvalidParameter { .. })
    ) {
        state.catalog_cache.products_changed(&[id], "product updated").await;
    }
    Ok(Json(updated?))
}

/// `GET /api/v1/vendor/earnings`: what the shop earned per month, in its currency.
pub async fn earnings(
    State(state): State<AppState>,
    vendor: VendorUser,
) -> Result<Json<linkedall_shared::earnings::VendorEarnings>> {
    Ok(Json(state.store.vendor_earnings(vendor.vendor_id).await?))
}

/// `GET /api/v1/vendor/orders`: the newest parts to fulfil.
pub async fn orders(State(state): State<AppState>, vendor: VendorUser, format: Format) -> Result<Response> {
    Ok(format.render(&state.store.vendor_parts(vendor.vendor_id).await?))
}

/// The optional body of `POST /api/v1/vendor/orders/{id}/ship`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shipping {
    #[serde(default)]
    tracking_note: Option<String>,
}

/// `POST /api/v1/vendor/orders/{id}/ship`, with `{"tracking_note": "GIG waybill 4471"}` or no
/// body.
pub async fn ship(
    State(state): State<AppState>,
    vendor: VendorUser,
    path: std::result::Result<Path<String>, PathRejection>,
    format: Format,
    body: axum::body::Bytes,
) -> Result<Response> {
    let shipping: Shipping = if body.iter().all(u8::is_ascii_whitespace) {
        Shipping::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| Error::InvalidBody(e.to_string()))?
    };
    let part = state
        .store
        .ship_order_part(order_id(path)?, vendor.vendor_id, shipping.tracking_note.as_deref())
        .await?;
    Ok(format.render(&part))
}

/// `POST /api/v1/vendor/orders/{id}/deliver`
pub async fn deliver(
    State(state): State<AppState>,
    vendor: VendorUser,
    path: std::result::Result<Path<String>, PathRejection>,
    format: Format,
) -> Result<Response> {
    Ok(format.render(
        &state.store.advance_order_part(order_id(path)?, vendor.vendor_id, Transition::Deliver).await?,
    ))
}

/// `POST /api/v1/vendor/orders/{id}/refused`: the shopper refused the vendor's shipped part at
/// the door (pay-on-delivery orders only): cancelled, its stock back on sale.
pub async fn refused(
    State(state): State<AppState>,
    vendor: VendorUser,
    path: std::result::Result<Path<String>, PathRejection>,
    format: Format,
) -> Result<Response> {
    let order = state.store.refused_at_door(order_id(path)?, vendor.vendor_id).await?;
    state
        .catalog_cache
        .products_changed(&super::orders::order_products(&order), "stock back after a refusal at the door")
        .await;
    let part = order
        .parts
        .into_iter()
        .next()
        .ok_or_else(|| crate::error::Error::Corrupt("a refused order lost its part".into()))?;
    Ok(format.render(&part))
}
