//! What the events left for an admin to decide: orders the fraud check held (release one so
//! its vendors may ship it, or cancel it and refund what was paid) and dead letters — events a reader could not handle (look at what
//! went wrong, replay one after fixing its cause) — shown with how far each reader is behind
//! ([`super::admin_readers`]).

use askama::Template;
use bytes::Bytes;
use http::Response;
use serde::Deserialize;

use super::admin::{AdminFrame, frame, layout, refuse_non_admin};
use super::admin_readers::{self, ReaderRow};
use super::visit::{Failure, Visit};
use crate::admin_words::AdminWords;
use crate::host::Host;
use crate::pages::Layout;
use crate::route::DeadLetterId;
use crate::words::fill;

/// `GET /api/v1/admin/orders/held`
#[derive(Debug, Deserialize)]
struct HeldOrders {
    held: Vec<HeldOrder>,
}

#[derive(Debug, Deserialize)]
struct HeldOrder {
    order_id: i64,
    score: i32,
    reasons: Vec<String>,
    held_at: String,
}

/// `GET /api/v1/admin/dead-letters`
#[derive(Debug, Deserialize)]
struct DeadLetters {
    dead_letters: Vec<DeadLetter>,
}

#[derive(Debug, Deserialize)]
struct DeadLetter {
    id: String,
    consumer: String,
    event_id: String,
    event_type: String,
    error: String,
    deliveries: i32,
    created_at: String,
}

/// `POST /api/v1/admin/dead-letters/{id}/replay`
#[derive(Debug, Deserialize)]
struct Replayed {
    outcome: String,
}

pub struct HeldRow {
    pub order_id: i64,
    /// "Order 42" in the page's language.
    pub label: String,
    pub score: i32,
    /// The fraud check's reasons, as it wrote them.
    pub reasons: Vec<String>,
    pub held_at: String,
    pub release_label: String,
    pub cancel_label: String,
}

#[derive(Template)]
#[template(path = "shop/admin_held.html")]
pub struct HeldPage {
    pub layout: Layout,
    pub frame: AdminFrame,
    pub orders: Vec<HeldRow>,
    pub message: Option<String>,
}

pub struct LetterRow {
    pub id: String,
    pub consumer: String,
    pub event_type: String,
    pub event_id: String,
    pub error: String,
    pub deliveries: i32,
    pub created_at: String,
    pub replay_label: String,
}

#[derive(Template)]
#[template(path = "shop/admin_letters.html")]
pub struct LettersPage {
    pub layout: Layout,
    pub frame: AdminFrame,
    pub letters: Vec<LetterRow>,
    /// How far each event reader is behind; `None` when the origin could not say.
    pub readers: Option<Vec<ReaderRow>>,
    pub message: Option<String>,
    pub success: bool,
}

/// `2026-12-07T03:04:05.123Z` → `2026-12-07 03:04` (UTC): the same in every language.
fn minute(timestamp: &str) -> String {
    timestamp.chars().take(16).map(|c| if c == 'T' { ' ' } else { c }).collect()
}

/// `GET /admin/held-orders` (`?released=N` after a release).
pub async fn held<H: Host>(visit: &Visit<'_, H>, message: Option<(u16, String)>) -> Response<Bytes> {
    let frame = match frame(visit, "/admin/held-orders").await {
        Ok(frame) => frame,
        Err(refused) => return refused,
    };
    let held = match visit.get::<HeldOrders>("/api/v1/admin/orders/held").await {
        Ok(held) => held.held,
        Err(failure) => return refuse_non_admin(visit, failure),
    };
    let says = frame.says;
    let decided = |name: &str| visit.query(name).and_then(|id| id.parse::<i64>().ok());
    let (status, message) = match message {
        Some((status, text)) => (status, Some(text)),
        None => (
            200,
            decided("released")
                .map(|id| fill(says.released, id))
                .or_else(|| decided("cancelled").map(|id| fill(says.cancelled_held, id))),
        ),
    };
    let page = HeldPage {
        layout: layout(visit, says.held_orders),
        orders: held
            .into_iter()
            .map(|order| HeldRow {
                order_id: order.order_id,
                label: fill(visit.words().order_label, order.order_id),
                score: order.score,
                reasons: order.reasons,
                held_at: minute(&order.held_at),
                release_label: fill(says.release_label, order.order_id),
                cancel_label: fill(says.cancel_held_label, order.order_id),
            })
            .collect(),
        message,
        frame,
    };
    visit.page(status, &page)
}

/// `POST /admin/held-orders/{id}/release`
pub async fn release<H: Host>(visit: &Visit<'_, H>, order_id: i64) -> Response<Bytes> {
    decide(visit, order_id, "release", "released").await
}

/// `POST /admin/held-orders/{id}/cancel`: cancelled, its stock released and any payment refunded.
pub async fn cancel<H: Host>(visit: &Visit<'_, H>, order_id: i64) -> Response<Bytes> {
    decide(visit, order_id, "cancel", "cancelled").await
}

/// Asks the origin to `action` held order `order_id`; back to the list saying `done`.
async fn decide<H: Host>(visit: &Visit<'_, H>, order_id: i64, action: &str, done: &str) -> Response<Bytes> {
    let path = format!("/api/v1/admin/orders/{order_id}/{action}");
    match visit.post::<serde_json::Value>(&path, None::<&()>, None).await {
        Ok(_) => visit.redirect(&format!("/admin/held-orders?{done}={order_id}")),
        Err(Failure::Refused { status, message }) if status != 403 => {
            held(visit, Some((status, message))).await
        }
        Err(failure) => refuse_non_admin(visit, failure),
    }
}

/// `GET /admin/dead-letters` (`?replayed=applied|duplicate` after a replay).
pub async fn letters<H: Host>(visit: &Visit<'_, H>, message: Option<(u16, String)>) -> Response<Bytes> {
    let frame = match frame(visit, "/admin/dead-letters").await {
        Ok(frame) => frame,
        Err(refused) => return refused,
    };
    let letters = match visit.get::<DeadLetters>("/api/v1/admin/dead-letters").await {
        Ok(letters) => letters.dead_letters,
        Err(failure) => return refuse_non_admin(visit, failure),
    };
    let readers = admin_readers::rows(visit, frame.ops).await;
    let says = frame.says;
    let replayed = match visit.query("replayed").as_deref() {
        Some("applied") => Some(says.replayed_applied),
        Some("duplicate") => Some(says.replayed_duplicate),
        _ => None,
    };
    let (status, success, message) = match message {
        Some((status, text)) => (status, false, Some(text)),
        None => (200, replayed.is_some(), replayed.map(str::to_owned)),
    };
    let page = LettersPage {
        layout: layout(visit, says.dead_letters),
        letters: letters
            .into_iter()
            .filter(|letter| DeadLetterId::parse(&letter.id).is_some())
            .map(|letter| LetterRow {
                replay_label: fill(&fill(says.replay_label, &letter.event_type), &letter.consumer),
                id: letter.id,
                consumer: letter.consumer,
                event_type: letter.event_type,
                event_id: letter.event_id,
                error: letter.error,
                deliveries: letter.deliveries,
                created_at: minute(&letter.created_at),
            })
            .collect(),
        readers,
        message,
        success,
        frame,
    };
    visit.page(status, &page)
}

/// `POST /admin/dead-letters/{id}/replay`: a replay that fails again is said on the page (the
/// letter stays, with its new error).
pub async fn replay<H: Host>(visit: &Visit<'_, H>, id: DeadLetterId) -> Response<Bytes> {
    let says = AdminWords::of(visit.locale.language);
    let path = format!("/api/v1/admin/dead-letters/{id}/replay");
    match visit.post::<Replayed>(&path, None::<&()>, None).await {
        Ok(replayed) => {
            let outcome = if replayed.outcome == "duplicate" { "duplicate" } else { "applied" };
            visit.redirect(&format!("/admin/dead-letters?replayed={outcome}"))
        }
        Err(Failure::Refused { status: 422, .. }) => {
            letters(visit, Some((422, says.replay_failed.into()))).await
        }
        Err(Failure::Refused { status, message }) if status != 403 => {
            letters(visit, Some((status, message))).await
        }
        Err(failure) => refuse_non_admin(visit, failure),
    }
}
