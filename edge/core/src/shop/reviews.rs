//! Rating a product of a delivered order — the form, reached from the order page's "Rate this
//! product", and its submission, after which the shopper is back on the order with their
//! review shown — and a vendor answering a review from the dashboard.
//!
//! The origin decides who may review (only the shopper a part was delivered to, once) and who
//! may answer (the product's vendor); the form checks the stars and the length first, so the
//! common mistakes are said in the page's language without a round trip.

use askama::Template;
use bytes::Bytes;
use http::{Method, Response};
use linkedall_shared::review::{MAX_ANSWER_CHARS, MAX_REVIEW_CHARS};
use linkedall_shared::{OrderState, Review};
use serde::Serialize;

use super::documents::Order;
use super::visit::{Failure, Visit};
use crate::host::Host;
use crate::pages::Layout;
use crate::review_words::ReviewWords;
use crate::words::fill;

/// One of the five radio buttons.
pub struct StarChoice {
    pub value: u8,
    /// `★★★`, for the eye only: the label says it in words.
    pub stars: String,
    pub label: &'static str,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "shop/review.html")]
pub struct ReviewForm {
    pub layout: Layout,
    pub says: &'static ReviewWords,
    pub heading: String,
    pub action: String,
    pub order_path: String,
    pub choices: Vec<StarChoice>,
    pub text: String,
    pub max_chars: usize,
    pub message: Option<String>,
}

/// `POST /api/v1/products/{id}/reviews`
#[derive(Serialize)]
struct ReviewRequest<'a> {
    stars: u8,
    text: &'a str,
}

/// `PUT /api/v1/vendor/reviews/{id}/answer`
#[derive(Serialize)]
struct AnswerRequest<'a> {
    text: &'a str,
}

/// The name of `product` in `order` and whether its part was delivered; `None` when the order
/// holds no such product.
fn item_of(order: &Order, product: i64) -> Option<(String, bool)> {
    order.parts.iter().find_map(|part| {
        part.items
            .iter()
            .find(|item| item.product_id.get() == product)
            .map(|item| (item.name.clone(), part.state == OrderState::Delivered))
    })
}

fn form_page<H: Host>(
    visit: &Visit<'_, H>,
    order_id: i64,
    product_id: i64,
    name: &str,
    stars: Option<u8>,
    text: &str,
    message: Option<String>,
) -> ReviewForm {
    let says = ReviewWords::of(visit.locale.language);
    let heading = fill(says.form_title, name);
    let mut layout = Layout::for_locale(format!("{heading} — Linked All"), &visit.locale);
    layout.noindex = true;
    ReviewForm {
        layout,
        says,
        heading,
        action: format!("/orders/{order_id}/review/{product_id}"),
        order_path: format!("/orders/{order_id}"),
        choices: (1..=5u8)
            .map(|value| StarChoice {
                value,
                stars: "★".repeat(usize::from(value)),
                label: says.star_choices[usize::from(value) - 1],
                checked: stars == Some(value),
            })
            .collect(),
        text: text.to_owned(),
        max_chars: MAX_REVIEW_CHARS,
        message,
    }
}

/// The order and the reviewed product's name, or the page that says why there is no form: not
/// in this order (404), not delivered yet (403), already reviewed (back to the order).
async fn reviewable<H: Host>(
    visit: &Visit<'_, H>,
    order_id: i64,
    product_id: i64,
) -> Result<String, Response<Bytes>> {
    let says = ReviewWords::of(visit.locale.language);
    let order = visit.get::<Order>(&format!("/api/v1/orders/{order_id}")).await.map_err(|f| visit.fail(f))?;
    let Some((name, delivered)) = item_of(&order, product_id) else {
        return Err(visit.refused(404, visit.words().refused_missing.into()));
    };
    if !delivered {
        return Err(visit.refused(403, says.not_delivered.into()));
    }
    let reviews = visit
        .get::<Vec<Review>>(&format!("/api/v1/orders/{order_id}/reviews"))
        .await
        .map_err(|f| visit.fail(f))?;
    if reviews.iter().any(|review| review.product_id.get() == product_id) {
        return Err(visit.redirect(&format!("/orders/{order_id}")));
    }
    Ok(name)
}

/// `GET /orders/{id}/review/{product}`
pub async fn form<H: Host>(visit: &Visit<'_, H>, order_id: i64, product_id: i64) -> Response<Bytes> {
    match reviewable(visit, order_id, product_id).await {
        Ok(name) => visit.page(200, &form_page(visit, order_id, product_id, &name, None, "", None)),
        Err(answer) => answer,
    }
}

/// `POST /orders/{id}/review/{product}`: posted, the shopper goes back to the order, where
/// the review now shows; a mistake or a refusal is said on the form, which keeps what they
/// wrote.
pub async fn post<H: Host>(visit: &Visit<'_, H>, order_id: i64, product_id: i64) -> Response<Bytes> {
    let says = ReviewWords::of(visit.locale.language);
    let stars = visit.field("stars").and_then(|s| s.parse::<u8>().ok()).filter(|s| (1..=5).contains(s));
    let text = visit.field("text").unwrap_or_default().trim();
    let mistake = match stars {
        None => Some(says.choose_stars),
        Some(_) if text.chars().count() > MAX_REVIEW_CHARS => Some(says.too_long),
        Some(_) => None,
    };
    let refusal = match (mistake, stars) {
        (None, Some(stars)) => {
            let request = ReviewRequest { stars, text };
            match visit
                .post::<Review>(&format!("/api/v1/products/{product_id}/reviews"), Some(&request), None)
                .await
            {
                Ok(_) => return visit.redirect(&format!("/orders/{order_id}?reviewed={product_id}")),
                Err(Failure::Refused { status, .. }) => (
                    status,
                    match status {
                        403 => says.not_delivered,
                        409 => says.already_reviewed,
                        _ if text.chars().count() > MAX_REVIEW_CHARS => says.too_long,
                        _ => says.choose_stars,
                    },
                ),
                Err(failure) => return visit.fail(failure),
            }
        }
        (mistake, _) => (422, mistake.unwrap_or(says.choose_stars)),
    };
    metrics::counter!("edge_review_forms_refused_total", "status" => refusal.0.to_string()).increment(1);
    let name = match reviewable(visit, order_id, product_id).await {
        Ok(name) => name,
        Err(answer) => return answer,
    };
    let page = form_page(visit, order_id, product_id, &name, stars, text, Some(refusal.1.to_owned()));
    visit.page(refusal.0, &page)
}

/// `POST /vendor/reviews/{id}/answer`: saved, back to the dashboard's reviews, which show it.
pub async fn answer<H: Host>(visit: &Visit<'_, H>, review_id: i64) -> Response<Bytes> {
    let says = ReviewWords::of(visit.locale.language);
    let text = visit.field("answer").unwrap_or_default().trim();
    if text.is_empty() || text.chars().count() > MAX_ANSWER_CHARS {
        return super::vendor::dashboard(visit, Some((422, says.answer_empty.into()))).await;
    }
    let path = format!("/api/v1/vendor/reviews/{review_id}/answer");
    match visit.send_json::<Review>(Method::PUT, &path, &AnswerRequest { text }).await {
        Ok(_) => visit.redirect("/vendor?answered=1#reviews"),
        Err(Failure::Refused { status, message }) if status != 403 => {
            super::vendor::dashboard(visit, Some((status, message))).await
        }
        Err(failure) => super::vendor::refuse_non_vendor(visit, failure),
    }
}
