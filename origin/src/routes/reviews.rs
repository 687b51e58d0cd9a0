//! Reviews: a shopper reviews a product delivered to them (once), anyone reads a product's
//! reviews, a shopper reads their reviews of an order's products, and a vendor reads and
//! answers the reviews of their own products. A new review or answer changes the product's
//! pages (its rating on every card, its reviews on its page): the store records their purge in
//! the write's transaction, and the origin's catalog cache is told after the commit.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use linkedall_shared::{ProductId, Review, Stars};
use serde::Deserialize;

use super::AppState;
use super::orders::order_id;
use crate::error::{Error, Result};
use crate::negotiate::Format;
use crate::params::QueryParams;
use crate::session::{CurrentUser, VendorUser};
use linkedall_store::Error as StoreError;
use linkedall_store::reviews::MAX_REVIEWS_PER_PAGE;

/// `{"stars": 1-5, "text": "…"}`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    stars: i64,
    #[serde(default)]
    text: String,
}

/// `{"text": "…"}`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    text: String,
}

fn product_id(path: std::result::Result<Path<String>, PathRejection>) -> Result<ProductId> {
    let Path(raw) = path?;
    Ok(ProductId::parse(&raw)?)
}

fn review_id(path: std::result::Result<Path<String>, PathRejection>) -> Result<i64> {
    let Path(raw) = path?;
    raw.parse::<i64>().ok().filter(|id| *id > 0 && raw.bytes().all(|b| b.is_ascii_digit())).ok_or_else(|| {
        Error::InvalidParameter {
            name: "id",
            message: format!("`{}` is not a review id", super::catalog::truncate(&raw)),
        }
    })
}

/// `?before=&limit=`: where a page starts and how many it holds (10 by default).
fn page(params: &QueryParams) -> Result<(Option<i64>, usize)> {
    let before = params.parsed("before", |raw| {
        raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| Error::InvalidParameter {
            name: "before",
            message: "use the `next_before` value of the previous page".into(),
        })
    })?;
    let limit = params.parsed("limit", |raw| {
        raw.parse::<usize>().ok().filter(|n| (1..=MAX_REVIEWS_PER_PAGE).contains(n)).ok_or_else(|| {
            Error::InvalidParameter {
                name: "limit",
                message: format!("expected a whole number from 1 to {MAX_REVIEWS_PER_PAGE}"),
            }
        })
    })?;
    Ok((before, limit.unwrap_or(10)))
}

/// `POST /api/v1/products/{id}/reviews`: 201 with the review; 403 when the product was not
/// delivered to the shopper, 409 when they already reviewed it, 422 for a rating outside 1–5
/// or a text over 2,000 characters.
pub async fn post(
    State(state): State<AppState>,
    user: CurrentUser,
    path: std::result::Result<Path<String>, PathRejection>,
    body: std::result::Result<Json<ReviewRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Review>)> {
    let product = product_id(path)?;
    let Json(request) = body?;
    let stars = u8::try_from(request.stars)
        .ok()
        .and_then(|s| Stars::new(s).ok())
        .ok_or_else(|| StoreError::InvalidReview(format!("{} stars: rate from 1 to 5", request.stars)))?;
    let review = state.store.post_review(user.id, product, stars, &request.text).await?;
    state.catalog_cache.products_changed(&[product], "review posted").await;
    Ok((StatusCode::CREATED, Json(review)))
}

/// `GET /api/v1/products/{id}/reviews?before=&limit=`: newest first.
pub async fn of_product(
    State(state): State<AppState>,
    path: std::result::Result<Path<String>, PathRejection>,
    params: QueryParams,
    format: Format,
) -> Result<Response> {
    let product = product_id(path)?;
    let (before, limit) = page(&params)?;
    Ok(format.render(&state.store.product_reviews(product, before, limit).await?))
}

/// `GET /api/v1/orders/{id}/reviews`: the signed-in shopper's reviews of the order's products
/// (what the order page shows beside each item).
pub async fn of_order(
    State(state): State<AppState>,
    user: CurrentUser,
    path: std::result::Result<Path<String>, PathRejection>,
    format: Format,
) -> Result<Response> {
    Ok(format.render(&state.store.order_reviews(user.id, order_id(path)?).await?))
}

/// `GET /api/v1/vendor/reviews?before=&limit=`: the reviews of the vendor's products, newest
/// first.
pub async fn of_vendor(
    State(state): State<AppState>,
    vendor: VendorUser,
    params: QueryParams,
    format: Format,
) -> Result<Response> {
    let (before, limit) = page(&params)?;
    Ok(format.render(&state.store.vendor_reviews(vendor.vendor_id, before, limit).await?))
}

/// `PUT /api/v1/vendor/reviews/{id}/answer`: the vendor's answer (1 to 1,000 characters),
/// replacing any earlier one; 403 for a review of another vendor's product.
pub async fn answer(
    State(state): State<AppState>,
    vendor: VendorUser,
    path: std::result::Result<Path<String>, PathRejection>,
    body: std::result::Result<Json<AnswerRequest>, JsonRejection>,
) -> Result<Json<Review>> {
    let id = review_id(path)?;
    let Json(request) = body?;
    let review = state.store.answer_review(vendor.vendor_id, id, &request.text).await?;
    state.catalog_cache.products_changed(&[review.product_id], "review answered").await;
    Ok(Json(review))
}
