//! Payment providers. The origin starts a charge through a [`PaymentProvider`], and learns
//! its outcome from the provider's webhook, whose signature is checked before anything else.
//!
//! The real provider is Paystack ([`paystack::PaystackProvider`], chosen with
//! `LINKEDALL_PAYMENT_PROVIDER=paystack`); [`SandboxProvider`] behaves like it on the wire
//! (references, `charge.success` / `charge.failed` / `refund.processed` webhooks signed with
//! `x-paystack-signature` = hex HMAC-SHA512 of the raw body) without calling out, and serves
//! the demo and the tests.

pub mod card;
pub mod paystack;

use std::future::Future;
use std::pin::Pin;

use hmac::{Hmac, Mac};
use linkedall_shared::{Money, PaymentMethod};
use serde::Deserialize;
use sha2::Sha512;

use crate::accounts::Email;
use crate::error::{Error, Result};
pub use linkedall_store::payment::{CardFingerprint, PaymentCard, PaymentOutcome, PaymentSession};

pub const SIGNATURE_HEADER: &str = "x-paystack-signature";

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub trait PaymentProvider: Send + Sync {
    fn name(&self) -> &'static str;

    /// Starts a charge of `amount` for `order` by `method`, paid by the shopper at `email`
    /// (Paystack sends the receipt there and needs it to open its checkout page).
    fn initialize(
        &self,
        order: i64,
        email: &Email,
        amount: Money,
        method: PaymentMethod,
    ) -> BoxFuture<'_, Result<PaymentSession>>;

    /// Asks for `amount` of a completed charge back. The outcome arrives as a webhook too.
    fn refund(&self, reference: &str, amount: Money) -> BoxFuture<'_, Result<()>>;

    /// True when `signature` is this provider's signature of `body`.
    fn verify_signature(&self, body: &[u8], signature: &str) -> bool;

    /// The sandbox, when this provider is it (its payment page exists only then).
    fn sandbox(&self) -> Option<&SandboxProvider> {
        None
    }
}

#[derive(Deserialize)]
struct Webhook {
    event: String,
    data: WebhookData,
}

#[derive(Deserialize)]
struct WebhookData {
    #[serde(default)]
    reference: Option<String>,
    #[serde(default)]
    transaction_reference: Option<String>,
    #[serde(default)]
    amount: Option<i64>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    authorization: Option<card::Authorization>,
}

/// Parses a Paystack-shaped webhook body (only after its signature was verified).
pub fn parse_webhook(body: &[u8]) -> Result<PaymentOutcome> {
    let hook: Webhook =
        serde_json::from_slice(body).map_err(|e| Error::InvalidBody(format!("webhook body: {e}")))?;
    let reference = || {
        hook.data
            .transaction_reference
            .clone()
            .or_else(|| hook.data.reference.clone())
            .ok_or_else(|| Error::InvalidBody("webhook data has no reference".into()))
    };
    Ok(match hook.event.as_str() {
        "charge.success" => PaymentOutcome::Succeeded {
            reference: reference()?,
            amount_minor: hook
                .data
                .amount
                .ok_or_else(|| Error::InvalidBody("webhook has no amount".into()))?,
            currency: hook
                .data
                .currency
                .as_deref()
                .map(|c| c.trim().to_ascii_uppercase())
                .filter(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
                .ok_or_else(|| Error::InvalidBody("webhook has no currency (an ISO 4217 code)".into()))?,
            card: hook.data.authorization.as_ref().and_then(card::Authorization::card),
        },
        "charge.failed" => PaymentOutcome::Failed { reference: reference()? },
        "refund.processed" => PaymentOutcome::Refunded { reference: reference()? },
        other => PaymentOutcome::Ignored { event: other.chars().take(64).collect() },
    })
}

/// Hex HMAC-SHA512 of `body` under `secret`, as Paystack signs its webhooks.
pub fn paystack_signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha512>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Constant-time check of a hex HMAC-SHA512 signature.
fn signature_matches(secret: &[u8], body: &[u8], signature: &str) -> bool {
    let Ok(expected) = hex::decode(signature.trim()) else {
        return false;
    };
    let mut mac = Hmac::<Sha512>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

/// A provider that never leaves the process: references are random, the "payment page" is the
/// demo's own, and the webhook secret is configured like Paystack's secret key.
pub struct SandboxProvider {
    secret: Vec<u8>,
}

impl SandboxProvider {
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        Self { secret: secret.into() }
    }

    /// The card a sandbox payment is made with: the test card `number` given on the payment
    /// page, or else a card of the paying `account`'s own (see [`card::sandbox_card`]).
    pub fn card(&self, number: Option<&str>, account: i64) -> Result<PaymentCard> {
        card::sandbox_card(&self.secret, number, account)
    }
}

impl PaymentProvider for SandboxProvider {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    fn initialize(
        &self,
        order: i64,
        _email: &Email,
        amount: Money,
        method: PaymentMethod,
    ) -> BoxFuture<'_, Result<PaymentSession>> {
        Box::pin(async move {
            let reference = format!("sbx_{order}_{}", uuid::Uuid::new_v4().simple());
            Ok(PaymentSession {
                provider: self.name(),
                // The edge's test-mode payment page for this order.
                authorization_url: format!("/orders/{order}/sandbox"),
                reference,
                amount,
                method,
            })
        })
    }

    fn refund(&self, _reference: &str, _amount: Money) -> BoxFuture<'_, Result<()>> {
        Box::pin(async { Ok(()) })
    }

    fn verify_signature(&self, body: &[u8], signature: &str) -> bool {
        signature_matches(&self.secret, body, signature)
    }

    fn sandbox(&self) -> Option<&SandboxProvider> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_secrets_signature_of_these_exact_bytes_verifies() {
        let provider = SandboxProvider::new("whsec");
        let body = br#"{"event":"charge.success","data":{"reference":"r1","amount":100,"currency":"ngn"}}"#;
        let signature = paystack_signature(b"whsec", body);
        assert_eq!(signature.len(), 128);
        assert!(provider.verify_signature(body, &signature));
        assert!(!provider.verify_signature(b"{}", &signature));
        assert!(!provider.verify_signature(body, &paystack_signature(b"other", body)));
        assert!(!provider.verify_signature(body, "zz"));
        assert!(
            parse_webhook(br#"{"event":"charge.success","data":{"reference":"r1","amount":100}}"#).is_err()
        );
        assert_eq!(
            parse_webhook(body).unwrap(),
            PaymentOutcome::Succeeded {
                reference: "r1".into(),
                amount_minor: 100,
                currency: "NGN".into(),
                card: None
            }
        );
        let paid_by_card = br#"{"event":"charge.success","data":{"reference":"r2","amount":5,"currency":"NGN",
            "authorization":{"signature":"SIG_idyuhgd87dUYSHO92D","last4":"4081","bin":"408408","card_type":"visa"}}}"#;
        let PaymentOutcome::Succeeded { card: Some(card), .. } = parse_webhook(paid_by_card).unwrap() else {
            panic!("the card is read from the authorization");
        };
        assert_eq!(
            (card.fingerprint.as_str(), card.last4.as_deref()),
            ("SIG_idyuhgd87dUYSHO92D", Some("4081"))
        );
    }
}
