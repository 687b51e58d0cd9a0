//! Payments: recording a started charge (at most one open per order), and applying a
//! provider's verified webhook exactly once. Each transition is a compare-and-set on the
//! payment's state, so a webhook delivered twice finds nothing left to change the second time.
//!
//! A charge that completes moves money, and the ledger says where, in the same transaction:
//! captured, then owed to each vendor per part when it confirms the order — or, when the order
//! is no longer awaiting payment (cancelled, expired, paid already), due straight back to the
//! shopper as a refund the provider is then asked for (the API's refund sweeper).

use linkedall_events_schema::Event;
use linkedall_events_schema::payloads::{
    self, Amount, OrderConfirmed, PaymentCompleted, PaymentInitiated, PaymentRefunded,
};
use linkedall_shared::{Money, PaymentMethod, VendorId};

use super::Store;
use crate::account::Email;
use crate::cause::Cause;
use crate::conn::on_pool;
use crate::error::{Error, Result};
use crate::ledger::{self, Entry, Movement};
use crate::on_conn;
use crate::order::{Lifecycle, MoneyEffect, OrderState, Transition};
use crate::payment::{PaymentCard, PaymentOutcome, PaymentSession};
use crate::refunds;
use crate::rows::amount;
use crate::timing::QueryTimer;
use crate::write_tx::WriteTx;

/// A charge still waiting for the shopper: what a second `pay` hands back.
#[derive(Debug, Clone)]
pub struct OpenCharge {
    pub provider: String,
    pub reference: String,
    pub authorization_url: String,
    pub amount: linkedall_shared::Money,
    pub method: PaymentMethod,
}

/// Records a started charge; `false` when another charge of the order is open already (one
/// open charge per order: a unique index decides between concurrent `pay`s).
async fn start(store: &Store, order: i64, session: &PaymentSession) -> Result<bool> {
    let _t = QueryTimer::start(store.dialect().as_str(), "start_payment");
    let db = || Error::db("starting a payment");
    let mut tx = WriteTx::begin(store).await?;
    let inserted = on_conn!(&mut tx, conn => sqlx::query(
        "INSERT INTO payments (order_id, provider, reference, state, currency, amount_minor, authorization_url, method) \
         VALUES ($1, $2, $3, 'initiated', $4, $5, $6, $7)",
    )
    .bind(order)
    .bind(session.provider)
    .bind(&session.reference)
    .bind(session.amount.currency.code())
    .bind(session.amount.minor)
    .bind(&session.authorization_url)
    .bind(session.method.as_str())
    .execute(&mut *conn)
    .await
    .map(|done| done.rows_affected()));
    match inserted {
        Ok(_) => {}
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            tx.rollback().await?;
            return Ok(false);
        }
        Err(e) => return Err(db()(e)),
    }
    let payload = PaymentInitiated {
        order_id: order,
        reference: session.reference.clone(),
        amount: Amount::from(session.amount),
        method: Some(session.method.as_str().into()),
    };
    tx.emit(&Event::about_order(order, &payload)?, &Cause::current()).await?;
    tx.commit().await?;
    Ok(true)
}

/// The open charge of `order`, if any.
async fn open(store: &Store, order: i64) -> Result<Option<OpenCharge>> {
    let _t = QueryTimer::start(store.dialect().as_str(), "open_payment");
    type Row = (String, String, Option<String>, String, i64, Option<String>);
    let row: Option<Row> = on_pool!(store, pool => sqlx::query_as(
        "SELECT provider, reference, authorization_url, currency, amount_minor, method FROM payments \
         WHERE order_id = $1 AND state = 'initiated'",
    )
    .bind(order)
    .fetch_optional(pool)
    .await
    .map_err(Error::db("reading the open payment"))?);
    row.map(|(provider, reference, url, currency, minor, method)| {
        Ok(OpenCharge {
            provider,
            reference,
            authorization_url: url.unwrap_or_default(),
            amount: amount(&currency, minor)?,
            // Charges opened before methods were recorded were card payments.
            method: method.as_deref().and_then(PaymentMethod::parse).unwrap_or_default(),
        })
    })
    .transpose()
}

/// The email address of order `order`'s shopper.
async fn stored_payer_email(store: &Store, order: i64) -> Result<Option<String>> {
    let _t = QueryTimer::start(store.dialect().as_str(), "payer_email");
    on_pool!(store, pool => sqlx::query_scalar(
        "SELECT u.email FROM orders o JOIN users u ON u.id = o.shopper_id WHERE o.id = $1",
    )
    .bind(order)
    .fetch_optional(pool)
    .await
    .map_err(Error::db("reading the shopper's email")))
}

/// Applies `outcome`; the order it changed, or `None` when it changed nothing (a replayed
/// webhook, an unknown reference).
async fn apply(store: &Store, outcome: &PaymentOutcome) -> Result<Option<i64>> {
    let _t = QueryTimer::start(store.dialect().as_str(), "apply_payment_outcome");
    let mut tx = WriteTx::begin(store).await?;
    let applied = match outcome {
        PaymentOutcome::Succeeded { reference, amount_minor, currency, card } => {
            succeeded(&mut tx, reference, *amount_minor, currency, card.as_ref()).await?
        }
        PaymentOutcome::Failed { reference } => failed(&mut tx, reference).await?,
        PaymentOutcome::Refunded { reference } => match refunds::complete(&mut tx, reference).await? {
            Some((_, order, refunded)) => {
                let payload = PaymentRefunded {
                    order_id: order,
                    reference: reference.clone(),
                    amount: Amount::from(refunded),
                };
                tx.emit(&Event::about_order(order, &payload)?, &Cause::current()).await?;
                Some(order)
            }
            None => None,
        },
        PaymentOutcome::Ignored { .. } => None,
    };
    if applied.is_some() {
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    Ok(applied)
}

/// Charge `reference` completed: checked against what was charged, marked completed (once), and
/// its money moved ([`captured`]). The order it changed, if any.
async fn succeeded(
    tx: &mut WriteTx,
    reference: &str,
    amount_minor: i64,
    currency: &str,
    card: Option<&PaymentCard>,
) -> Result<Option<i64>> {
    let dialect = tx.dialect();
    let db = || Error::db("applying a payment outcome");
    let charge: Option<(i64, String, i64)> = on_conn!(&mut *tx, conn => sqlx::query_as(
        "SELECT order_id, currency, amount_minor FROM payments WHERE reference = $1",
    )
    .bind(reference)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db())?);
    let Some((order, charged_currency, charged)) = charge else {
        tracing::warn!(reference = %reference, "a charge we never started completed");
        return Ok(None);
    };
    if amount_minor != charged || currency != charged_currency {
        metrics::counter!("payment_webhooks_total", "effect" => "mismatch").increment(1);
        tracing::warn!(order, reference = %reference, charged, charged_currency = %charged_currency,
            reported = amount_minor, reported_currency = %currency, "payment webhook does not match its charge");
        return Err(Error::PaymentMismatch(format!(
            "payment {reference} was for {charged} minor units of {charged_currency}, \
             the webhook reports {amount_minor} of {currency}"
        )));
    }
    // The order row first, as every transition of an order takes it.
    let lock_order = format!("SELECT state FROM orders WHERE id = $1 {}", dialect.for_update());
    let order_state: String = on_conn!(&mut *tx, conn => sqlx::query_scalar(&lock_order)
        .bind(order)
        .fetch_one(&mut *conn)
        .await
        .map_err(db())?);
    // A charge reported failed and then taken after all is money taken.
    let completed = on_conn!(&mut *tx, conn => sqlx::query(
        "UPDATE payments SET state = 'completed', \
         card_fingerprint = COALESCE($2, card_fingerprint), card_last4 = COALESCE($3, card_last4) \
         WHERE reference = $1 AND state IN ('initiated', 'failed')",
    )
    .bind(reference)
    .bind(card.map(|c| c.fingerprint.as_str()))
    .bind(card.and_then(|c| c.last4.as_deref()))
    .execute(&mut *conn)
    .await
    .map_err(db())?
    .rows_affected());
    if completed == 0 {
        return Ok(None);
    }
    captured(tx, order, &order_state, reference, amount(&charged_currency, charged)?).await?;
    let payload = PaymentCompleted {
        order_id: order,
        reference: reference.to_owned(),
        amount_minor: charged,
        card_fingerprint: card.map(|c| c.fingerprint.as_str().to_owned()),
    };
    tx.emit(&Event::about_order(order, &payload)?, &Cause::current()).await?;
    Ok(Some(order))
}

/// Charge `reference` failed (once, while it was open): the order it concerns, if any.
async fn failed(tx: &mut WriteTx, reference: &str) -> Result<Option<i64>> {
    let failed: Option<(i64, i64)> = on_conn!(&mut *tx, conn => sqlx::query_as(
        "UPDATE payments SET state = 'failed' WHERE reference = $1 AND state = 'initiated' \
         RETURNING order_id, amount_minor",
    )
    .bind(reference)
    .fetch_optional(&mut *conn)
    .await
    .map_err(Error::db("applying a payment outcome"))?);
    let Some((order, amount_minor)) = failed else {
        return Ok(None);
    };
    let payload = payloads::PaymentOutcome { order_id: order, reference: reference.to_owned(), amount_minor };
    tx.emit(&Event::about_order(order, &payload)?, &Cause::current()).await?;
    Ok(Some(order))
}

/// Where the money of a completed charge goes, in the ledger: captured; then owed to each
/// vendor per part when it confirms the order, or due straight back to the shopper when the
/// order no longer awaits it.
async fn captured(
    tx: &mut WriteTx,
    order: i64,
    order_state: &str,
    reference: &str,
    charged: Money,
) -> Result<()> {
    let db = || Error::db("applying a payment outcome");
    ledger::record(tx, &Entry::new(order, Movement::ChargeCaptured, charged).payment(reference)).await?;
    if OrderState::from_column(order_state)? != OrderState::Created {
        metrics::counter!("payments_refunded_late_total").increment(1);
        tracing::warn!(order, reference = %reference, order_state,
            "payment completed for an order no longer awaiting it; it is refunded");
        refunds::record_due(tx, order, reference, charged, "paid after the order stopped awaiting payment")
            .await?;
        return Ok(());
    }
    on_conn!(&mut *tx, conn => sqlx::query(
        "UPDATE orders SET state = 'confirmed', paid_by = $2 WHERE id = $1 AND state = 'created'",
    )
    .bind(order)
    .bind(reference)
    .execute(&mut *conn)
    .await
    .map_err(db())?
    .rows_affected());
    let parts: Vec<(i64, i64, String, i64)> = on_conn!(&mut *tx, conn => sqlx::query_as(
        "SELECT id, vendor_id, state, subtotal_minor FROM order_parts WHERE order_id = $1 ORDER BY vendor_id",
    )
    .bind(order)
    .fetch_all(&mut *conn)
    .await
    .map_err(db())?);
    for (part, vendor, state, subtotal) in parts {
        let step = OrderState::from_column(&state)?
            .step(Transition::Confirm, || format!("part {part} of order {order}"))?;
        on_conn!(&mut *tx, conn => sqlx::query("UPDATE order_parts SET state = $2 WHERE id = $1")
            .bind(part)
            .bind(step.next.as_str())
            .execute(&mut *conn)
            .await
            .map_err(db())?
            .rows_affected());
        if step.money == MoneyEffect::OweVendor {
            let owed = Entry::new(order, Movement::VendorOwed, amount(charged.currency.code(), subtotal)?)
                .part(part, VendorId::new(vendor))
                .payment(reference);
            ledger::record(tx, &owed).await?;
        }
    }
    let payload = OrderConfirmed { order_id: order, reference: reference.to_owned() };
    tx.emit(&Event::about_order(order, &payload)?, &Cause::current()).await
}

impl Store {
    /// Who pays for `order`: its shopper's email, which the provider sends the receipt to.
    pub async fn payer_email(&self, order: i64) -> Result<Email> {
        let stored = stored_payer_email(self, order)
            .await?
            .ok_or_else(|| Error::NotFound { what: format!("order {order}") })?;
        Email::parse(&stored)
            .map_err(|_| Error::Corrupt(format!("the shopper of order {order} has an invalid email")))
    }

    /// Records a charge started for `order`, with its `payment.initiated` event; `false` when
    /// another charge of the order is open (this one is then never shown to the shopper).
    pub async fn start_payment(&self, order: i64, session: &PaymentSession) -> Result<bool> {
        start(self, order, session).await
    }

    /// The charge of `order` still waiting for the shopper, if any.
    pub async fn open_payment(&self, order: i64) -> Result<Option<OpenCharge>> {
        open(self, order).await
    }

    /// Applies a verified webhook's outcome once: the order it changed, or `None` when it was
    /// applied already (or names no charge of ours).
    pub async fn apply_payment_outcome(&self, outcome: &PaymentOutcome) -> Result<Option<i64>> {
        let changed = apply(self, outcome).await?;
        metrics::counter!("payment_webhooks_total", "effect" => if changed.is_some() { "applied" } else { "no_change" })
            .increment(1);
        Ok(changed)
    }
}
