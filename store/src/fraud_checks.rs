//! What the fraud checks (`linkedall-events`' `consumers/fraud.rs`) read and record: the
//! observation of each order checked (`fraud_observations`: its amount, address, time, score
//! and whether it is held) and the card each paid order was paid with
//! (`fraud_card_payments`), both at their events' times so a late delivery counts in the
//! window it belongs to. Times are compared as text: `YYYY-MM-DDTHH:MM:SS` prefixes of both
//! backends' stored times.

use crate::error::{Error, Result};
use crate::on_conn;
use crate::write_tx::WriteTx;

/// One order's check, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FraudObservation<'a> {
    pub order_id: i64,
    pub shopper_id: i64,
    pub client_ip: Option<&'a str>,
    pub currency: &'a str,
    pub amount_minor: i64,
    /// The order event's time (RFC 3339).
    pub at: &'a str,
    pub score: i32,
    /// The reasons, joined with `; `.
    pub reasons: &'a str,
    pub held: bool,
}

/// An order's recorded score and review state.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FraudScore {
    pub score: i32,
    /// The reasons, joined with `; `.
    pub reasons: String,
    pub held: bool,
    pub released_at: Option<String>,
}

/// The card that paid an order, and when (the payment event's time).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CardPayment {
    pub card_fingerprint: String,
    pub at: String,
}

impl WriteTx {
    /// Orders of `shopper` checked at or after `since`.
    pub async fn orders_checked_from_shopper(&mut self, shopper: i64, since: &str) -> Result<i64> {
        on_conn!(self, conn => sqlx::query_scalar(
            "SELECT count(*) FROM fraud_observations WHERE shopper_id = $1 AND at >= $2",
        )
        .bind(shopper)
        .bind(since)
        .fetch_one(&mut *conn)
        .await
        .map_err(Error::db("checking an order for fraud")))
    }

    /// Orders from the client address `ip` checked at or after `since`.
    pub async fn orders_checked_from_address(&mut self, ip: &str, since: &str) -> Result<i64> {
        on_conn!(self, conn => sqlx::query_scalar(
            "SELECT count(*) FROM fraud_observations WHERE client_ip = $1 AND at >= $2",
        )
        .bind(ip)
        .bind(since)
        .fetch_one(&mut *conn)
        .await
        .map_err(Error::db("checking an order for fraud")))
    }

    /// The amounts of `shopper`'s checked orders in `currency`.
    pub async fn checked_amounts(&mut self, shopper: i64, currency: &str) -> Result<Vec<i64>> {
        on_conn!(self, conn => sqlx::query_scalar(
            "SELECT CAST(amount_minor AS BIGINT) FROM fraud_observations WHERE shopper_id = $1 AND currency = $2",
        )
        .bind(shopper)
        .bind(currency)
        .fetch_all(&mut *conn)
        .await
        .map_err(Error::db("checking an order for fraud")))
    }

    /// When account `shopper` was opened, to the second (`YYYY-MM-DDTHH:MM:SS`, UTC).
    pub async fn account_opened(&mut self, shopper: i64) -> Result<Option<String>> {
        let sql = format!("SELECT {} FROM users WHERE id = $1", self.dialect().utc_second("created_at"));
        on_conn!(self, conn => sqlx::query_scalar(&sql)
            .bind(shopper)
            .fetch_optional(&mut *conn)
            .await
            .map_err(Error::db("checking an order for fraud")))
    }

    /// Records the check of an order.
    pub async fn record_fraud_observation(&mut self, checked: &FraudObservation<'_>) -> Result<()> {
        on_conn!(self, conn => sqlx::query(
            "INSERT INTO fraud_observations (order_id, shopper_id, client_ip, currency, amount_minor, at, score, reasons, held) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(checked.order_id)
        .bind(checked.shopper_id)
        .bind(checked.client_ip)
        .bind(checked.currency)
        .bind(checked.amount_minor)
        .bind(checked.at)
        .bind(checked.score)
        .bind(checked.reasons)
        .bind(checked.held)
        .execute(&mut *conn)
        .await
        .map_err(Error::db("checking an order for fraud"))?
        .rows_affected());
        Ok(())
    }

    /// The shopper who placed order `order`, if it exists.
    pub async fn shopper_of_order(&mut self, order: i64) -> Result<Option<i64>> {
        on_conn!(self, conn => sqlx::query_scalar("SELECT shopper_id FROM orders WHERE id = $1")
            .bind(order)
            .fetch_optional(&mut *conn)
            .await
            .map_err(Error::db("checking a payment's card for fraud")))
    }

    /// The recorded score of order `order`, once its check ran.
    pub async fn fraud_score(&mut self, order: i64) -> Result<Option<FraudScore>> {
        on_conn!(self, conn => sqlx::query_as(
            "SELECT score, reasons, held, released_at FROM fraud_observations WHERE order_id = $1",
        )
        .bind(order)
        .fetch_optional(&mut *conn)
        .await
        .map_err(Error::db("checking a payment's card for fraud")))
    }

    /// Replaces order `order`'s score and reasons (joined with `; `).
    pub async fn rescore_order(&mut self, order: i64, score: i32, reasons: &str) -> Result<()> {
        on_conn!(self, conn => sqlx::query("UPDATE fraud_observations SET score = $2, reasons = $3 WHERE order_id = $1")
            .bind(order)
            .bind(score)
            .bind(reasons)
            .execute(&mut *conn)
            .await
            .map_err(Error::db("checking a payment's card for fraud"))?
            .rows_affected());
        Ok(())
    }

    /// Holds order `order` for review again (forgetting an earlier release).
    pub async fn hold_order_for_review(&mut self, order: i64) -> Result<()> {
        on_conn!(self, conn => sqlx::query(
            "UPDATE fraud_observations SET held = $2, released_at = NULL, released_by = NULL WHERE order_id = $1",
        )
        .bind(order)
        .bind(true)
        .execute(&mut *conn)
        .await
        .map_err(Error::db("checking a payment's card for fraud"))?
        .rows_affected());
        Ok(())
    }

    /// Records that `card` paid order `order` of `shopper` at `at` (once per order).
    pub async fn record_card_payment(
        &mut self,
        order: i64,
        shopper: i64,
        card: &str,
        at: &str,
    ) -> Result<()> {
        on_conn!(self, conn => sqlx::query(
            "INSERT INTO fraud_card_payments (order_id, shopper_id, card_fingerprint, at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (order_id) DO NOTHING",
        )
        .bind(order)
        .bind(shopper)
        .bind(card)
        .bind(at)
        .execute(&mut *conn)
        .await
        .map_err(Error::db("recording the card an order was paid with"))?
        .rows_affected());
        Ok(())
    }

    /// The card that paid order `order`, when known.
    pub async fn card_payment(&mut self, order: i64) -> Result<Option<CardPayment>> {
        on_conn!(self, conn => sqlx::query_as(
            "SELECT card_fingerprint, at FROM fraud_card_payments WHERE order_id = $1",
        )
        .bind(order)
        .fetch_optional(&mut *conn)
        .await
        .map_err(Error::db("counting a card's payments")))
    }

    /// (distinct accounts, orders) that `card` paid for from `from` to `to`, both included.
    pub async fn card_payments_between(&mut self, card: &str, from: &str, to: &str) -> Result<(i64, i64)> {
        on_conn!(self, conn => sqlx::query_as(
            "SELECT count(DISTINCT shopper_id), count(*) FROM fraud_card_payments \
             WHERE card_fingerprint = $1 AND at >= $2 AND at <= $3",
        )
        .bind(card)
        .bind(from)
        .bind(to)
        .fetch_one(&mut *conn)
        .await
        .map_err(Error::db("counting a card's payments")))
    }
}
