//! Velocity per card: how many accounts, and how many orders, one card paid for within ten
//! minutes of a payment. One card paying for several accounts' orders is the shape of card
//! testing and of stolen cards spread over fresh accounts, which velocity per account or per
//! address does not see.
//!
//! The card is the payment provider's fingerprint (`payment.completed`'s `card_fingerprint`),
//! recorded (`WriteTx::record_card_payment`) at the payment event's time, so a payment delivered late
//! is counted in the window it belongs to.

use time::Duration;

use super::{FraudRules, before};
use crate::error::Result;
use linkedall_store::write_tx::WriteTx;

/// How far back a payment's window reaches.
pub const WINDOW_MINUTES: i64 = 10;

/// What one card did in the window ending at a payment, that payment included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CardSignals {
    /// Distinct accounts whose orders the card paid.
    pub accounts: i64,
    /// Orders the card paid.
    pub orders: i64,
}

/// The points and reasons the card's velocity adds to an order's score.
pub fn score(rules: &FraudRules, signals: CardSignals) -> (u32, Vec<String>) {
    let mut score = 0;
    let mut reasons = Vec::new();
    if signals.accounts >= rules.accounts_per_card {
        score += 70;
        reasons.push(format!(
            "card velocity: one card paid for {} accounts' orders in {WINDOW_MINUTES} minutes",
            signals.accounts
        ));
    }
    if signals.orders >= rules.orders_per_card {
        score += 40;
        reasons.push(format!(
            "card velocity: one card paid for {} orders in {WINDOW_MINUTES} minutes",
            signals.orders
        ));
    }
    (score, reasons)
}

/// What the card that paid `order` did in the window of that payment; `None` when the order
/// was not paid by a known card (yet).
pub async fn signals_of(tx: &mut WriteTx, order: i64) -> Result<Option<CardSignals>> {
    let Some(paid) = tx.card_payment(order).await? else { return Ok(None) };
    let window = before(&paid.at, Duration::minutes(WINDOW_MINUTES))?;
    let (accounts, orders) = tx.card_payments_between(&paid.card_fingerprint, &window, &paid.at).await?;
    Ok(Some(CardSignals { accounts, orders }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_paying_for_three_accounts_alone_reaches_the_hold_threshold() {
        let rules = FraudRules::default();
        assert_eq!(score(&rules, CardSignals { accounts: 2, orders: 2 }).0, 0);
        let (points, reasons) = score(&rules, CardSignals { accounts: 3, orders: 3 });
        assert!(points >= rules.hold_at, "{points}");
        assert!(reasons[0].starts_with("card velocity: one card paid for 3 accounts"), "{reasons:?}");
        let (points, reasons) = score(&rules, CardSignals { accounts: 1, orders: 6 });
        assert_eq!((points, reasons.len()), (40, 1), "one account's many orders is a signal, not a hold");
    }
}
