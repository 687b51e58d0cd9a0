//! The sandbox payment provider's page, served by the edge when the origin's provider is the
//! sandbox (the demo and the tests): a clear test-mode label, the amount, what paying by the
//! chosen method would ask of the shopper (a prompt on their mobile money phone, a transfer to
//! a given account and reference, a test card number), and three buttons — approve the
//! payment, make it fail, cancel — so that every path of a payment can be walked in a browser.
//! Approving and failing go through the origin's sandbox routes, which report the outcome
//! exactly as a provider's signed webhook would.

use askama::Template;
use bytes::Bytes;
use http::Response;
use serde::Serialize;

use super::documents::{Order, PaymentMethod, PaymentSession};
use super::orders::method_label;
use super::visit::{Failure, Visit};
use crate::amounts::amount;
use crate::host::Host;
use crate::origin::encode;
use crate::pages::Layout;
use crate::words::fill;

/// The test card a sandbox card payment is made with, unless the shopper types another.
const TEST_CARD: &str = "4084 0840 8408 4081";

#[derive(Template)]
#[template(path = "shop/sandbox.html")]
pub struct SandboxPage {
    pub layout: Layout,
    pub order: i64,
    /// "Pay ₦20,500.00".
    pub heading: String,
    pub method: &'static str,
    pub reference: String,
    /// What paying this way asks of the shopper.
    pub instructions: String,
    /// A card payment asks for a (test) card number.
    pub card: Option<&'static str>,
}

/// `GET /orders/{id}/sandbox`: the open charge's test-mode page.
pub async fn show<H: Host>(visit: &Visit<'_, H>, id: i64) -> Response<Bytes> {
    let session = match visit.get::<PaymentSession>(&format!("/api/v1/orders/{id}/payment")).await {
        Ok(session) => session,
        // Nothing open (paid meanwhile, failed, cancelled): the order page says where it stands.
        Err(Failure::Refused { .. }) => return visit.redirect(&format!("/orders/{id}")),
        Err(failure) => return visit.fail(failure),
    };
    let (words, language) = (visit.words(), visit.locale.language);
    let instructions = match session.method {
        PaymentMethod::Card => String::new(),
        PaymentMethod::MobileMoney => words.momo_prompt.into(),
        PaymentMethod::BankTransfer => fill(words.transfer_prompt, &session.reference),
    };
    let page = SandboxPage {
        layout: Layout::for_locale(format!("{} — Linked All", words.test_mode), &visit.locale),
        order: id,
        heading: fill(words.pay_amount, amount(session.amount, language)),
        method: method_label(session.method, words),
        reference: session.reference,
        instructions,
        card: (session.method == PaymentMethod::Card).then_some(TEST_CARD),
    };
    visit.page(200, &page)
}

/// The card a sandbox card payment names.
#[derive(Serialize)]
struct Approval<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    card: Option<&'a str>,
}

/// `POST /orders/{id}/sandbox`: `action` = `approve`, `fail` or `cancel` for the charge
/// `reference`; back to the order page, which says what happened.
pub async fn answer<H: Host>(visit: &Visit<'_, H>, id: i64) -> Response<Bytes> {
    let Some(reference) = visit.field("reference").filter(|r| is_reference(r)) else {
        return visit.redirect(&format!("/orders/{id}"));
    };
    let path = format!("/api/v1/payments/sandbox/{}", encode(reference));
    let (outcome, landing) = match visit.field("action") {
        Some("approve") => {
            let card = visit.field("card").map(str::trim).filter(|c| !c.is_empty());
            (visit.post::<Order>(&path, Some(&Approval { card }), None).await, "")
        }
        Some("fail") => {
            (visit.post::<Order>(&format!("{path}/fail"), None::<&()>, None).await, "?payment=failed")
        }
        _ => (visit.post::<Order>(&format!("{path}/fail"), None::<&()>, None).await, "?payment=cancelled"),
    };
    match outcome {
        Ok(_) => visit.redirect(&format!("/orders/{id}{landing}")),
        Err(Failure::Refused { status, message }) => {
            super::orders::show(visit, id, Some((status, message))).await
        }
        Err(failure) => visit.fail(failure),
    }
}

/// A sandbox reference as the origin makes them: `sbx_` and visible ASCII.
fn is_reference(reference: &str) -> bool {
    reference.starts_with("sbx_")
        && reference.len() <= 100
        && reference.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}
