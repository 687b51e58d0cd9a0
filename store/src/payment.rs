//! Payments as the store records them: the charge a shopper is sent to complete, what the
//! provider's webhook reported, and the card a charge was paid with (its fingerprint, never
//! its number). Talking to providers is the API's business (`linkedall-origin`'s `payments`).

use linkedall_shared::{Money, PaymentMethod};
use serde::Serialize;

use crate::error::{Error, Result};

/// A charge the shopper is sent to complete.
#[derive(Debug, Clone, Serialize)]
pub struct PaymentSession {
    pub provider: &'static str,
    pub reference: String,
    pub authorization_url: String,
    pub amount: Money,
    pub method: PaymentMethod,
}

/// What a verified webhook reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentOutcome {
    Succeeded {
        reference: String,
        amount_minor: i64,
        /// The ISO 4217 code the provider charged in, compared with the charge's like the amount.
        currency: String,
        /// The card it was paid with, when the provider said (Paystack's `authorization`).
        card: Option<PaymentCard>,
    },
    Failed {
        reference: String,
    },
    Refunded {
        reference: String,
    },
    /// An event we do not act on (acknowledged so the provider stops retrying).
    Ignored {
        event: String,
    },
}

/// Longest fingerprint we accept (Paystack's are `SIG_` and 20 characters).
const MAX_FINGERPRINT: usize = 128;

/// A card's fingerprint: printable ASCII without spaces, at most 128 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CardFingerprint(String);

impl CardFingerprint {
    pub fn parse(raw: &str) -> Result<CardFingerprint> {
        let raw = raw.trim();
        if raw.is_empty() || raw.len() > MAX_FINGERPRINT || !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::InvalidParameter {
                name: "card fingerprint",
                message: format!("1 to {MAX_FINGERPRINT} printable characters"),
            });
        }
        Ok(CardFingerprint(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The card a charge was paid with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentCard {
    pub fingerprint: CardFingerprint,
    /// The last four digits, when the provider said.
    pub last4: Option<String>,
}
