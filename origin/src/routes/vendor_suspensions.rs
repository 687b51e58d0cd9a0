//! Suspending and reinstating shops (admins), and a vendor reading their own shop's standing.
//! The store writes the change, its event and its purges in one transaction
//! (`linkedall_store::vendor_suspensions`); these handlers parse, ask it, drop the origin's
//! encoded catalog answers (every listing, and each of the shop's products) and count. Admin writes reach the audit trail through its
//! middleware, like every admin route.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use linkedall_shared::VendorId;
use linkedall_store::vendor_suspensions::{MAX_LISTED, StandingFilter, VendorStanding};
use serde_json::{Value, json};

use super::AppState;
use super::admin::Admin;
use crate::error::{Error, Result};
use crate::params::QueryParams;
use crate::session::VendorUser;

/// The body of `POST /api/v1/admin/vendors/{id}/suspend`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suspension {
    reason: String,
}

fn vendor_id(path: std::result::Result<Path<String>, PathRejection>) -> Result<VendorId> {
    let Path(raw) = path?;
    Ok(VendorId::parse(&raw)?)
}

/// `GET /api/v1/admin/vendors[?q=words&state=all|active|suspended&limit=N]`: shops whose name
/// or city holds the words (or whose id they are), by id, with their standing (admins).
pub async fn list(State(state): State<AppState>, _admin: Admin, params: QueryParams) -> Result<Json<Value>> {
    let filter = params.parsed("state", StandingFilter::parse)?.unwrap_or_default();
    let limit = params
        .parsed("limit", |raw| {
            raw.parse::<i64>().ok().filter(|n| (1..=MAX_LISTED).contains(n)).ok_or_else(|| {
                Error::InvalidParameter { name: "limit", message: format!("expected 1 to {MAX_LISTED}") }
            })
        })?
        .unwrap_or(50);
    let words = params.get("q").map(|q| q.chars().take(100).collect::<String>());
    let vendors = state.store.vendor_standings(words.as_deref(), filter, limit).await?;
    Ok(Json(json!({ "vendors": vendors })))
}

/// `POST /api/v1/admin/vendors/{id}/suspend` `{"reason": "…"}`: the shop's products leave the
/// catalog and every edge's cache; `vendor.suspended` is written. 404 for no such shop, 409
/// when it is suspended already, 400 without a reason.
pub async fn suspend(
    State(state): State<AppState>,
    admin: Admin,
    path: std::result::Result<Path<String>, PathRejection>,
    body: std::result::Result<Json<Suspension>, JsonRejection>,
) -> Result<Json<VendorStanding>> {
    let vendor = vendor_id(path)?;
    let Json(suspension) = body?;
    let changed = state.store.suspend_vendor(vendor, &suspension.reason).await.inspect_err(|error| {
        tracing::info!(vendor = vendor.get(), %error, "shop suspension refused");
    })?;
    state.catalog_cache.products_changed(&changed.products, "shop suspended").await;
    let standing = changed.standing;
    metrics::counter!("vendor_suspensions_total", "action" => "suspend").increment(1);
    tracing::info!(
        vendor = vendor.get(),
        products = standing.products,
        by = admin.kind(),
        user_id = admin.account_id(),
        "shop suspended"
    );
    Ok(Json(standing))
}

/// `POST /api/v1/admin/vendors/{id}/reinstate`: the shop's products are back in the catalog;
/// `vendor.reinstated` is written. 404 for no such shop, 409 when it is not suspended.
pub async fn reinstate(
    State(state): State<AppState>,
    admin: Admin,
    path: std::result::Result<Path<String>, PathRejection>,
) -> Result<Json<VendorStanding>> {
    let vendor = vendor_id(path)?;
    let changed = state.store.reinstate_vendor(vendor).await.inspect_err(|error| {
        tracing::info!(vendor = vendor.get(), %error, "shop reinstatement refused");
    })?;
    state.catalog_cache.products_changed(&changed.products, "shop reinstated").await;
    let standing = changed.standing;
    metrics::counter!("vendor_suspensions_total", "action" => "reinstate").increment(1);
    tracing::info!(
        vendor = vendor.get(),
        products = standing.products,
        by = admin.kind(),
        user_id = admin.account_id(),
        "shop reinstated"
    );
    Ok(Json(standing))
}

/// `GET /api/v1/vendor/standing`: the signed-in vendor's own shop — whether it is suspended,
/// since when and why — for their dashboard.
pub async fn own(State(state): State<AppState>, vendor: VendorUser) -> Result<Json<VendorStanding>> {
    let standing = state
        .store
        .vendor_standing(vendor.vendor_id)
        .await?
        .ok_or_else(|| Error::NotFound { what: format!("shop {}", vendor.vendor_id) })?;
    Ok(Json(standing))
}
