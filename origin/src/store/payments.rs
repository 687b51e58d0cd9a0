//! Payments: recording a started charge, and applying a provider's verified webhook exactly
//! once. Each transition is a compare-and-set on the payment's state, so a webhook delivered
//! twice finds nothing left to change the second time.

use super::Store;
use crate::accounts::Email;
use crate::error::{Error, Result};
use crate::payments::{PaymentOutcome, PaymentSession};

macro_rules! payment_queries {
    ($pool:ty, $conn:ty, $backend:literal) => {
        use crate::error::{Error, Result};
        use crate::events::Event;
        use crate::events::catalogue::{
            Amount, OrderConfirmed, PaymentCompleted, PaymentInitiated, PaymentRefunded,
        };
        use crate::payments::{PaymentOutcome, PaymentSession};
        use crate::store::timing::QueryTimer;

        pub async fn start(pool: &$pool, order: i64, session: &PaymentSession) -> Result<()> {
            let _t = QueryTimer::start($backend, "start_payment");
            let db = || Error::db("starting a payment");
            let mut tx = super::begin_write(pool).await?;
            sqlx::query(
                "INSERT INTO payments (order_id, provider, reference, state, currency, amount_minor) \
                 VALUES ($1, $2, $3, 'initiated', $4, $5)",
            )
            .bind(order)
            .bind(session.provider)
            .bind(&session.reference)
            .bind(session.amount.currency.code())
            .bind(session.amount.minor)
            .execute(&mut *tx)
            .await
            .map_err(db())?;
            let payload = PaymentInitiated {
                order_id: order,
                reference: session.reference.clone(),
                amount: Amount::from(session.amount),
            };
            super::outbox::record(&mut tx, &Event::typed("payment.initiated", format!("order/{order}"), &payload))
                .await?;
            tx.commit().await.map_err(db())
        }

        /// The email address of order `order`'s shopper.
        pub async fn payer_email(pool: &$pool, order: i64) -> Result<Option<String>> {
            let _t = QueryTimer::start($backend, "payer_email");
            sqlx::query_scalar("SELECT u.email FROM orders o JOIN users u ON u.id = o.shopper_id WHERE o.id = $1")
                .bind(order)
                .fetch_optional(pool)
                .await
                .map_err(Error::db("reading the shopper's email"))
        }

        /// Applies `outcome`; `false` when it changed nothing (a replayed webhook).
        pub async fn apply(pool: &$pool, outcome: &PaymentOutcome) -> Result<bool> {
            let _t = QueryTimer::start($backend, "apply_payment_outcome");
            let db = || Error::db("applying a payment outcome");
            let (reference, from, to, kind) = match outcome {
                PaymentOutcome::Succeeded { reference, .. } => (reference, "initiated", "completed", "payment.completed"),
                PaymentOutcome::Failed { reference } => (reference, "initiated", "failed", "payment.failed"),
                PaymentOutcome::Refunded { reference } => (reference, "completed", "refunded", "payment.refunded"),
                PaymentOutcome::Ignored { .. } => return Ok(false),
            };
            let card = match outcome {
                PaymentOutcome::Succeeded { card, .. } => card.as_ref(),
                _ => None,
            };
            let mut tx = super::begin_write(pool).await?;
            // The card is kept only with the charge it paid (a failure or refund keeps the
            // card the payment already had).
            let payment: Option<(i64, String, i64)> = sqlx::query_as(
                "UPDATE payments SET state = $3, \
                 card_fingerprint = COALESCE($4, card_fingerprint), card_last4 = COALESCE($5, card_last4) \
                 WHERE reference = $1 AND state = $2 RETURNING order_id, currency, amount_minor",
            )
            .bind(reference)
            .bind(from)
            .bind(to)
            .bind(card.map(|c| c.fingerprint.as_str()))
            .bind(card.and_then(|c| c.last4.as_deref()))
            .fetch_optional(&mut *tx)
            .await
            .map_err(db())?;
            let Some((order, currency, amount_minor)) = payment else {
                return Ok(false);
            };
            if let PaymentOutcome::Succeeded { amount_minor: paid, .. } = outcome
                && *paid != amount_minor
            {
                return Err(Error::Unprocessable(format!(
                    "payment {reference} was for {amount_minor} minor units, the webhook reports {paid}"
                )));
            }
            let subject = format!("order/{order}");
            let event = match outcome {
                PaymentOutcome::Succeeded { .. } => {
                    let payload = PaymentCompleted {
                        order_id: order,
                        reference: reference.clone(),
                        amount_minor,
                        card_fingerprint: card.map(|c| c.fingerprint.as_str().to_owned()),
                    };
                    Event::typed(kind, subject, &payload)
                }
                PaymentOutcome::Refunded { .. } => {
                    let payload = PaymentRefunded {
                        order_id: order,
                        reference: reference.clone(),
                        amount: Amount { currency, minor: amount_minor },
                    };
                    Event::typed(kind, subject, &payload)
                }
                _ => {
                    let payload = crate::events::catalogue::PaymentOutcome {
                        order_id: order,
                        reference: reference.clone(),
                        amount_minor,
                    };
                    Event::typed(kind, subject, &payload)
                }
            };
            super::outbox::record(&mut tx, &event).await?;
            if let PaymentOutcome::Succeeded { .. } = outcome {
                let confirmed = sqlx::query("UPDATE orders SET state = 'confirmed' WHERE id = $1 AND state = 'created'")
                    .bind(order)
                    .execute(&mut *tx)
                    .await
                    .map_err(db())?
                    .rows_affected();
                if confirmed == 1 {
                    sqlx::query("UPDATE order_parts SET state = 'confirmed' WHERE order_id = $1 AND state = 'created'")
                        .bind(order)
                        .execute(&mut *tx)
                        .await
                        .map_err(db())?;
                    let payload = OrderConfirmed { order_id: order, reference: reference.clone() };
                    super::outbox::record(&mut tx, &Event::typed("order.confirmed", format!("order/{order}"), &payload))
                        .await?;
                } else {
                    // Paid after it expired or was cancelled: the money goes back.
                    tracing::warn!(order, reference = %reference, "payment completed for an order no longer awaiting it");
                }
            }
            tx.commit().await.map_err(db())?;
            Ok(true)
        }
    };
}

pub(crate) use payment_queries;

impl Store {
    /// Who pays for `order`: its shopper's email, which the provider sends the receipt to.
    pub async fn payer_email(&self, order: i64) -> Result<Email> {
        let stored = on_backend!(self, payments::payer_email(order))?
            .ok_or_else(|| Error::NotFound { what: format!("order {order}") })?;
        Email::parse(&stored)
            .map_err(|_| Error::Corrupt(format!("the shopper of order {order} has an invalid email")))
    }

    /// Records a charge started for `order`, with its `payment.initiated` event.
    pub async fn start_payment(&self, order: i64, session: &PaymentSession) -> Result<()> {
        on_backend!(self, payments::start(order, session))
    }

    /// Applies a verified webhook's outcome once; `false` when it was already applied.
    pub async fn apply_payment_outcome(&self, outcome: &PaymentOutcome) -> Result<bool> {
        let changed = on_backend!(self, payments::apply(outcome))?;
        metrics::counter!("payment_webhooks_total", "effect" => if changed { "applied" } else { "no_change" })
            .increment(1);
        Ok(changed)
    }
}
