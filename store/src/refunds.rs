//! Refunds owed to shoppers, kept from the moment one is decided (in the transaction that
//! cancels a paid part, or that applies a charge for an order no longer awaiting it) until the
//! provider took it. A refund is `due` until the provider accepts the request, `requested`
//! after, `completed` when the provider's webhook says so, and `failed` when the provider
//! refused it the refund sweeper's most attempts: then it waits in the admins' queue.
//!
//! Asking the provider happens outside any transaction (the API's refund sweeper); a refund is
//! claimed first (its attempt counted and its next attempt pushed out by a lease), so two
//! origins, or a route and the retry sweeper, never ask for the same refund at once.

use linkedall_shared::Money;
use serde::Serialize;

use super::Store;
use crate::conn::on_pool;
use crate::error::{Error, Result};
use crate::ledger::{self, Entry, Movement};
use crate::on_conn;
use crate::rows::amount;
use crate::timing::QueryTimer;
use crate::write_tx::WriteTx;

/// A refund to ask the provider for.
#[derive(Debug, Clone)]
pub struct DueRefund {
    pub id: i64,
    pub order_id: i64,
    pub payment_reference: String,
    pub amount: Money,
    /// Attempts so far, this one included.
    pub attempts: u32,
}

/// A refund the provider kept refusing, for an admin to settle.
#[derive(Debug, Clone, Serialize)]
pub struct FailedRefund {
    pub id: i64,
    pub order_id: i64,
    pub payment_reference: String,
    pub amount: Money,
    pub reason: String,
    pub attempts: u32,
    pub last_error: Option<String>,
}

/// A refund row as `RETURNING id, order_id, payment_reference, currency, amount_minor,
/// attempts` gives it.
type RefundRow = (i64, i64, String, String, i64, i64);

fn due_refund((id, order_id, payment_reference, currency, minor, attempts): RefundRow) -> Result<DueRefund> {
    Ok(DueRefund {
        id,
        order_id,
        payment_reference,
        amount: amount(&currency, minor)?,
        attempts: u32::try_from(attempts).unwrap_or(0),
    })
}

/// Records that `amount` of charge `reference` goes back to the shopper of `order`, due now,
/// inside the caller's transaction; the refund's id.
pub(crate) async fn record_due(
    tx: &mut WriteTx,
    order: i64,
    reference: &str,
    amount: Money,
    reason: &str,
) -> Result<i64> {
    let _t = QueryTimer::start(tx.dialect().as_str(), "record_refund_due");
    let id: i64 = on_conn!(&mut *tx, conn => sqlx::query_scalar(
        "INSERT INTO refunds (order_id, payment_reference, currency, amount_minor, reason, state) \
         VALUES ($1, $2, $3, $4, $5, 'due') RETURNING id",
    )
    .bind(order)
    .bind(reference)
    .bind(amount.currency.code())
    .bind(amount.minor)
    .bind(reason)
    .fetch_one(&mut *conn)
    .await
    .map_err(Error::db("recording a refund"))?);
    let entry = Entry::new(order, Movement::RefundDue, amount).payment(reference).refund(id);
    ledger::record(tx, &entry).await?;
    metrics::counter!("refunds_due_total").increment(1);
    Ok(id)
}

/// Claims up to `limit` refunds due at `now` (unix seconds), of `order` only when given:
/// counts the attempt and leaves the next one to `now + lease`.
async fn claim_due(
    store: &Store,
    order: Option<i64>,
    now: i64,
    lease: i64,
    limit: i64,
) -> Result<Vec<DueRefund>> {
    let dialect = store.dialect();
    let _t = QueryTimer::start(dialect.as_str(), "claim_due_refunds");
    let claim = format!(
        "UPDATE refunds SET attempts = attempts + 1, next_attempt_at = $3 \
         WHERE state = 'due' AND id IN (SELECT id FROM refunds WHERE state = 'due' AND next_attempt_at <= $2 \
         AND (CAST($1 AS BIGINT) IS NULL OR order_id = $1) ORDER BY id LIMIT $4 {}) \
         RETURNING id, order_id, payment_reference, currency, amount_minor, attempts",
        dialect.skip_locked()
    );
    let rows: Vec<RefundRow> = on_pool!(store, pool => sqlx::query_as(&claim)
        .bind(order)
        .bind(now)
        .bind(now.saturating_add(lease))
        .bind(limit)
        .fetch_all(pool)
        .await
        .map_err(Error::db("claiming refunds due"))?);
    rows.into_iter().map(due_refund).collect()
}

/// The provider accepted refund `id`'s request.
async fn requested(store: &Store, id: i64) -> Result<bool> {
    let _t = QueryTimer::start(store.dialect().as_str(), "refund_requested");
    let mut tx = WriteTx::begin(store).await?;
    let row: Option<RefundRow> = on_conn!(&mut tx, conn => sqlx::query_as(
        "UPDATE refunds SET state = 'requested', last_error = NULL WHERE id = $1 AND state = 'due' \
         RETURNING id, order_id, payment_reference, currency, amount_minor, attempts",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(Error::db("recording a refund request"))?);
    let Some(refund) = row.map(due_refund).transpose()? else {
        tx.rollback().await?;
        return Ok(false);
    };
    let entry = Entry::new(refund.order_id, Movement::RefundRequested, refund.amount)
        .payment(&refund.payment_reference)
        .refund(refund.id);
    ledger::record(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(true)
}

/// The provider refused refund `id`: retry from `retry_at`, or, without one, hand it to the
/// admins.
async fn attempt_failed(store: &Store, id: i64, error: &str, retry_at: Option<i64>) -> Result<()> {
    let _t = QueryTimer::start(store.dialect().as_str(), "refund_attempt_failed");
    on_pool!(store, pool => sqlx::query(
        "UPDATE refunds SET last_error = $2, \
         state = CASE WHEN CAST($3 AS BIGINT) IS NULL THEN 'failed' ELSE state END, \
         next_attempt_at = COALESCE(CAST($3 AS BIGINT), next_attempt_at) \
         WHERE id = $1 AND state = 'due'",
    )
    .bind(id)
    .bind(error)
    .bind(retry_at)
    .execute(pool)
    .await
    .map_err(Error::db("recording a refused refund"))?
    .rows_affected());
    Ok(())
}

/// The provider processed the oldest requested refund of charge `reference`, inside the
/// caller's transaction: (refund id, order, amount), or `None` when none awaits. The charge is
/// `refunded` once its refunds add up to all of it.
pub(crate) async fn complete(tx: &mut WriteTx, reference: &str) -> Result<Option<(i64, i64, Money)>> {
    let _t = QueryTimer::start(tx.dialect().as_str(), "complete_refund");
    let db = || Error::db("completing a refund");
    let row: Option<RefundRow> = on_conn!(&mut *tx, conn => sqlx::query_as(
        "UPDATE refunds SET state = 'completed' WHERE id = \
         (SELECT id FROM refunds WHERE payment_reference = $1 AND state = 'requested' ORDER BY id LIMIT 1) \
         AND state = 'requested' \
         RETURNING id, order_id, payment_reference, currency, amount_minor, attempts",
    )
    .bind(reference)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db())?);
    let Some(refund) = row.map(due_refund).transpose()? else {
        return Ok(None);
    };
    let entry = Entry::new(refund.order_id, Movement::RefundCompleted, refund.amount)
        .payment(reference)
        .refund(refund.id);
    ledger::record(tx, &entry).await?;
    on_conn!(&mut *tx, conn => sqlx::query(
        "UPDATE payments SET state = 'refunded' WHERE reference = $1 AND state = 'completed' AND amount_minor <= \
         (SELECT COALESCE(SUM(amount_minor), 0) FROM refunds WHERE payment_reference = $1 AND state = 'completed')",
    )
    .bind(reference)
    .execute(&mut *conn)
    .await
    .map_err(db())?
    .rows_affected());
    Ok(Some((refund.id, refund.order_id, refund.amount)))
}

/// A refused refund's row: id, order, charge, currency, amount, reason, attempts, last error.
type FailedRow = (i64, i64, String, String, i64, String, i64, Option<String>);

/// Refunds waiting for an admin, oldest first.
async fn failed(store: &Store, limit: i64) -> Result<Vec<FailedRefund>> {
    let _t = QueryTimer::start(store.dialect().as_str(), "failed_refunds");
    let rows: Vec<FailedRow> = on_pool!(store, pool => sqlx::query_as(
        "SELECT id, order_id, payment_reference, currency, amount_minor, reason, attempts, last_error \
         FROM refunds WHERE state = 'failed' ORDER BY id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(Error::db("listing failed refunds"))?);
    rows.into_iter()
        .map(|(id, order_id, payment_reference, currency, minor, reason, attempts, last_error)| {
            Ok(FailedRefund {
                id,
                order_id,
                payment_reference,
                amount: amount(&currency, minor)?,
                reason,
                attempts: u32::try_from(attempts).unwrap_or(0),
                last_error,
            })
        })
        .collect()
}

impl Store {
    /// Claims the refunds due at `now` (of `order` only, when given), at most `limit`, each
    /// leased for `lease` seconds to whoever asks the provider.
    pub async fn claim_due_refunds(
        &self,
        order: Option<i64>,
        now: i64,
        lease: i64,
        limit: i64,
    ) -> Result<Vec<DueRefund>> {
        claim_due(self, order, now, lease, limit).await
    }

    /// Records that the provider accepted refund `id`'s request.
    pub async fn refund_requested(&self, id: i64) -> Result<bool> {
        requested(self, id).await
    }

    /// Records that the provider refused refund `id`: retried from `retry_at`, or queued for
    /// an admin without one.
    pub async fn refund_attempt_failed(&self, id: i64, error: &str, retry_at: Option<i64>) -> Result<()> {
        attempt_failed(self, id, error, retry_at).await
    }

    /// Refunds the provider kept refusing, oldest first (at most 500).
    pub async fn failed_refunds(&self) -> Result<Vec<FailedRefund>> {
        failed(self, 500).await
    }
}
