//! Fraud checks on every new order, and on its payment. Each signal adds to a score:
//!
//! - velocity: more than [`FraudRules::orders_per_account`] orders from one account, or
//!   [`FraudRules::orders_per_address`] from one client address, within ten minutes;
//! - an amount far above the account's history (over three standard deviations above its
//!   mean and over twice the mean, with at least three earlier orders in that currency);
//! - a large order (≥ [`FraudRules::large_order_minor`]) from an account younger than a day;
//! - velocity per card, when the order is paid ([`card_velocity`]): the card that paid it
//!   paid for [`FraudRules::accounts_per_card`] accounts' orders, or
//!   [`FraudRules::orders_per_card`] orders, within ten minutes.
//!
//! At or above the threshold the order is held for review: `fraud_observations.held` is set
//! and `order.held_for_review` is emitted, in the transaction that records the check. The card
//! is known only at `payment.completed`, after the order's own check: its points are added to
//! the order's score then (holding an order the order check passed, or one an admin released
//! before the payment). A payment processed before its order's check (a redelivery) is added
//! by that check instead.

pub mod card_velocity;

use futures_util::future::BoxFuture;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Duration, OffsetDateTime};

use crate::consumer::Consumer;
use crate::error::{Error, Result};
use linkedall_events_schema::Envelope;
use linkedall_events_schema::Event;
use linkedall_events_schema::Payload;
use linkedall_events_schema::payloads::{OrderCreated, OrderHeld, PaymentCompleted};
use linkedall_store::fraud_checks::FraudObservation;
use linkedall_store::write_tx::WriteTx;

/// The thresholds of the checks.
#[derive(Debug, Clone)]
pub struct FraudRules {
    pub orders_per_account: i64,
    pub orders_per_address: i64,
    /// Distinct accounts one card may pay for in ten minutes before the order is held.
    pub accounts_per_card: i64,
    /// Orders one card may pay for in ten minutes before it counts against the order.
    pub orders_per_card: i64,
    pub large_order_minor: i64,
    pub hold_at: u32,
}

impl Default for FraudRules {
    fn default() -> Self {
        Self {
            orders_per_account: 3,
            orders_per_address: 5,
            accounts_per_card: 3,
            orders_per_card: 6,
            large_order_minor: 1_000_000,
            hold_at: 70,
        }
    }
}

#[derive(Default)]
pub struct FraudCheck {
    pub rules: FraudRules,
}

/// `time` minus `ago`, as `YYYY-MM-DDTHH:MM:SS` (a prefix of both backends' stored times,
/// so it compares as text).
fn before(time: &str, ago: Duration) -> Result<String> {
    let at = OffsetDateTime::parse(time, &Rfc3339)
        .map_err(|e| Error::Corrupt(format!("event time {time:?} is not RFC 3339: {e}")))?;
    (at - ago)
        .format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"))
        .map_err(|e| Error::Corrupt(e.to_string()))
}

/// The score and its reasons for one order, given what the account and address did before.
pub fn score(rules: &FraudRules, signals: &Signals) -> (u32, Vec<String>) {
    let mut score = 0;
    let mut reasons = Vec::new();
    if signals.recent_by_account >= rules.orders_per_account {
        score += 40;
        reasons.push(format!("{} orders from this account in 10 minutes", signals.recent_by_account + 1));
    }
    if signals.recent_by_address >= rules.orders_per_address {
        score += 30;
        reasons.push(format!("{} orders from this address in 10 minutes", signals.recent_by_address + 1));
    }
    if let Some((mean, deviation)) = signals.history
        && signals.amount_minor as f64 > mean + 3.0 * deviation
        && signals.amount_minor as f64 > 2.0 * mean
    {
        score += 30;
        reasons.push(format!("amount {} far above this account's usual {mean:.0}", signals.amount_minor));
    }
    if signals.new_account && signals.amount_minor >= rules.large_order_minor {
        score += 40;
        reasons.push("a large order from an account opened today".into());
    }
    (score, reasons)
}

/// What the checks look at.
#[derive(Debug, Clone, Default)]
pub struct Signals {
    pub amount_minor: i64,
    pub recent_by_account: i64,
    pub recent_by_address: i64,
    /// Mean and standard deviation of the account's earlier orders, with three or more.
    pub history: Option<(f64, f64)>,
    pub new_account: bool,
}

impl Consumer for FraudCheck {
    fn name(&self) -> &'static str {
        "fraud"
    }

    fn wants(&self, kind: &str) -> bool {
        [OrderCreated::KIND, PaymentCompleted::KIND].contains(&kind)
    }

    fn apply<'a>(&'a self, tx: &'a mut WriteTx, event: &'a Envelope) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            if event.is::<PaymentCompleted>() {
                self.check_payment(tx, event).await
            } else {
                self.check_order(tx, event).await
            }
        })
    }
}

impl FraudCheck {
    /// The checks of a new order.
    async fn check_order(&self, tx: &mut WriteTx, event: &Envelope) -> Result<()> {
        let order: OrderCreated = event.data_as()?;
        let window = before(&event.time, Duration::minutes(10))?;
        let ip = event.clientip.clone();
        let recent_by_account = tx.orders_checked_from_shopper(order.shopper_id, &window).await?;
        let recent_by_address = match &ip {
            Some(ip) => tx.orders_checked_from_address(ip, &window).await?,
            None => 0,
        };
        let amounts = tx.checked_amounts(order.shopper_id, &order.total.currency).await?;
        let history = (amounts.len() >= 3).then(|| {
            let n = amounts.len() as f64;
            let mean = amounts.iter().map(|&a| a as f64).sum::<f64>() / n;
            let variance = amounts.iter().map(|&a| (a as f64 - mean).powi(2)).sum::<f64>() / n;
            (mean, variance.sqrt())
        });
        let day_before = before(&event.time, Duration::days(1))?;
        let opened = tx.account_opened(order.shopper_id).await?;
        let signals = Signals {
            amount_minor: order.total.minor,
            recent_by_account,
            recent_by_address,
            history,
            new_account: opened.is_some_and(|opened| opened >= day_before),
        };
        let (mut score, mut reasons) = score(&self.rules, &signals);
        if let Some(card) = card_velocity::signals_of(tx, order.id).await? {
            let (points, why) = card_velocity::score(&self.rules, card);
            score += points;
            reasons.extend(why);
        }
        let held = score >= self.rules.hold_at;
        tx.record_fraud_observation(&FraudObservation {
            order_id: order.id,
            shopper_id: order.shopper_id,
            client_ip: ip.as_deref(),
            currency: &order.total.currency,
            amount_minor: order.total.minor,
            at: &event.time,
            score: score as i32,
            reasons: &reasons.join("; "),
            held,
        })
        .await?;
        metrics::histogram!("fraud_score").record(f64::from(score));
        if held {
            let payload = OrderHeld { order_id: order.id, shopper_id: order.shopper_id, score, reasons };
            hold(tx, event, &payload).await?;
        }
        Ok(())
    }

    /// Velocity per card, once the order is paid: the card's points join the order's score.
    async fn check_payment(&self, tx: &mut WriteTx, event: &Envelope) -> Result<()> {
        let payment: PaymentCompleted = event.data_as()?;
        let Some(card) = payment.card_fingerprint else {
            metrics::counter!("fraud_card_checks_total", "outcome" => "no_card").increment(1);
            return Ok(());
        };
        let order = payment.order_id;
        let shopper = tx.shopper_of_order(order).await?.ok_or_else(|| {
            Error::Corrupt(format!(
                "payment.completed {} is for order {order}, which does not exist",
                event.id
            ))
        })?;
        tx.record_card_payment(order, shopper, &card, &event.time).await?;
        let signals = card_velocity::signals_of(tx, order).await?.unwrap_or_default();
        metrics::histogram!("fraud_card_accounts").record(signals.accounts as f64);
        let (points, card_reasons) = card_velocity::score(&self.rules, signals);
        if points == 0 {
            metrics::counter!("fraud_card_checks_total", "outcome" => "calm").increment(1);
            return Ok(());
        }
        metrics::counter!("fraud_card_checks_total", "outcome" => "velocity").increment(1);
        let Some(observed) = tx.fraud_score(order).await? else {
            // The order's own check has not run yet; it adds the card's points when it does.
            tracing::info!(order, "card velocity seen before the order's check; the check will count it");
            return Ok(());
        };
        let score = u32::try_from(observed.score).unwrap_or(0) + points;
        let mut reasons: Vec<String> =
            observed.reasons.split("; ").filter(|r| !r.is_empty()).map(str::to_owned).collect();
        reasons.extend(card_reasons);
        tx.rescore_order(order, score as i32, &reasons.join("; ")).await?;
        metrics::histogram!("fraud_score").record(f64::from(score));
        let under_review = observed.held && observed.released_at.is_none();
        if under_review || score < self.rules.hold_at {
            return Ok(());
        }
        tx.hold_order_for_review(order).await?;
        hold(tx, event, &OrderHeld { order_id: order, shopper_id: shopper, score, reasons }).await
    }
}

/// Emits `order.held_for_review` for `held`, caused by `event`.
async fn hold(tx: &mut WriteTx, event: &Envelope, held: &OrderHeld) -> Result<()> {
    let cause = crate::consumer::follow_on_cause(event);
    tx.emit(&Event::about_order(held.order_id, held)?, &cause).await?;
    metrics::counter!("fraud_orders_held_total").increment(1);
    tracing::warn!(order = held.order_id, score = held.score, reasons = ?held.reasons, "order held for fraud review");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_account_placing_a_large_order_quickly_is_held() {
        let rules = FraudRules::default();
        let calm = Signals { amount_minor: 5_000, ..Signals::default() };
        assert_eq!(score(&rules, &calm).0, 0);
        let hurried = Signals {
            amount_minor: 2_000_000,
            recent_by_account: 3,
            new_account: true,
            ..Signals::default()
        };
        let (points, reasons) = score(&rules, &hurried);
        assert!(points >= rules.hold_at, "{points} {reasons:?}");
        assert_eq!(reasons.len(), 2);
    }

    #[test]
    fn an_amount_far_above_the_accounts_history_counts() {
        let rules = FraudRules::default();
        let usual = Signals { amount_minor: 9_000, history: Some((5_000.0, 500.0)), ..Signals::default() };
        assert_eq!(score(&rules, &usual).0, 0, "less than twice the mean");
        let odd = Signals { amount_minor: 50_000, history: Some((5_000.0, 500.0)), ..Signals::default() };
        assert_eq!(score(&rules, &odd).0, 30);
    }

    #[test]
    fn windows_are_text_prefixes_of_stored_times() {
        assert_eq!(
            before("2026-11-25T10:31:07.123456Z", Duration::minutes(10)).unwrap(),
            "2026-11-25T10:21:07"
        );
        assert!("2026-11-25T10:21:07.5Z" >= "2026-11-25T10:21:07");
    }
}
