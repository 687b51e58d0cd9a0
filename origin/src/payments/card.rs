//! The card a charge was paid with, as the provider describes it: Paystack's
//! `data.authorization` carries a `signature` — a fingerprint that is the same for every charge
//! on one card, whoever pays with it — with the card's `last4`, `bin` and `card_type`.
//!
//! We keep the fingerprint (and the last four digits, for a person reviewing an order) so the
//! fraud check can count how many accounts one card pays for. Never a card number: the sandbox
//! derives its fingerprint from a test card number and forgets the number.

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
pub use linkedall_store::payment::{CardFingerprint, PaymentCard};

/// Paystack's `data.authorization`, as far as we read it.
#[derive(Debug, Default, Deserialize)]
pub struct Authorization {
    #[serde(default)]
    signature: Option<String>,
    #[serde(default)]
    last4: Option<String>,
    #[serde(default)]
    bin: Option<String>,
    #[serde(default)]
    card_type: Option<String>,
}

impl Authorization {
    /// The card, when the authorization carries a usable fingerprint. A charge the provider
    /// took is applied even when its card cannot be read (bank transfers have none): the card
    /// is then unknown, and the reason is logged.
    pub fn card(&self) -> Option<PaymentCard> {
        let signature = self.signature.as_deref()?;
        match CardFingerprint::parse(signature) {
            Ok(fingerprint) => {
                tracing::debug!(bin = ?self.bin, card_type = ?self.card_type, "charge paid by card");
                Some(PaymentCard { fingerprint, last4: self.last4.as_deref().and_then(last4) })
            }
            Err(error) => {
                metrics::counter!("payment_cards_unreadable_total").increment(1);
                tracing::warn!(%error, "the webhook's card fingerprint is unusable; the card stays unknown");
                None
            }
        }
    }
}

/// Exactly four digits, or nothing.
fn last4(raw: &str) -> Option<String> {
    (raw.len() == 4 && raw.bytes().all(|b| b.is_ascii_digit())).then(|| raw.to_owned())
}

/// The sandbox's card: a test card number (12 to 19 digits, spaces and dashes allowed) gives
/// the same fingerprint every time, as a real card does with Paystack; without one, each
/// account pays with a card of its own. `secret` keeps sandbox fingerprints from being
/// recomputed from a card number by anyone without it.
pub fn sandbox_card(secret: &[u8], number: Option<&str>, account: i64) -> Result<PaymentCard> {
    let (material, last4) = match number {
        Some(number) => {
            let digits: String = number.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
            if !(12..=19).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::InvalidBody("`card` is a test card number of 12 to 19 digits".into()));
            }
            let last4 = digits[digits.len() - 4..].to_owned();
            (format!("card:{digits}"), Some(last4))
        }
        None => (format!("account:{account}"), None),
    };
    let mut hash = Sha256::new();
    hash.update(secret);
    hash.update(material.as_bytes());
    let digest = hex::encode(hash.finalize());
    Ok(PaymentCard { fingerprint: CardFingerprint::parse(&format!("SIG_sbx{}", &digest[..20]))?, last4 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_test_card_has_one_fingerprint_whoever_pays_with_it() {
        let a = sandbox_card(b"s", Some("4084 0840 8408 4081"), 1).unwrap();
        let b = sandbox_card(b"s", Some("4084-0840-8408-4081"), 2).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.last4.as_deref(), Some("4081"));
        assert!(!a.fingerprint.as_str().contains("4084"), "no card number in the fingerprint");
        let other = sandbox_card(b"s", Some("5060666666666666666"), 1).unwrap();
        assert_ne!(other.fingerprint, a.fingerprint);
        let own = sandbox_card(b"s", None, 1).unwrap();
        assert_eq!(own, sandbox_card(b"s", None, 1).unwrap());
        assert_ne!(own.fingerprint, sandbox_card(b"s", None, 2).unwrap().fingerprint);
        assert!(sandbox_card(b"s", Some("4084"), 1).is_err());
        assert!(sandbox_card(b"s", Some("4084x0840840840"), 1).is_err());
    }

    #[test]
    fn an_unusable_signature_leaves_the_card_unknown() {
        let read = |json: serde_json::Value| serde_json::from_value::<Authorization>(json).unwrap().card();
        let card = read(
            serde_json::json!({ "signature": "SIG_idyuhgd87dUYSHO92D", "last4": "4081", "bin": "408408" }),
        );
        assert_eq!(card.unwrap().fingerprint.as_str(), "SIG_idyuhgd87dUYSHO92D");
        assert_eq!(read(serde_json::json!({ "signature": "  " })), None);
        assert_eq!(read(serde_json::json!({ "signature": "a b" })), None);
        assert_eq!(read(serde_json::json!({ "last4": "4081" })), None);
        let odd = read(serde_json::json!({ "signature": "SIG_x", "last4": "40a1" })).unwrap();
        assert_eq!(odd.last4, None);
    }
}
