//! The ledger: every movement of money, one row each, written by the transaction that makes
//! the state change causing it (a charge confirming an order, a part cancelled, a refund
//! requested…), so the ledger and the orders can never tell different stories.
//!
//! Amounts are minor units of the order's currency and never negative; the [`Movement`] says
//! which way the money goes. What the shop still holds for an order is
//! `captured − refund due − owed to vendors + owed reversed` ([`Balances::held`]).

use std::collections::BTreeMap;

use linkedall_shared::{Money, VendorId};

use super::Store;
use crate::conn::on_pool;
use crate::error::{Error, Result};
use crate::on_conn;
use crate::timing::QueryTimer;
use crate::write_tx::WriteTx;

/// One kind of movement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Movement {
    /// The provider took the shopper's money for the order.
    ChargeCaptured,
    /// A paid part's subtotal is owed to its vendor.
    VendorOwed,
    /// A cancelled part's subtotal is no longer owed to its vendor.
    VendorOwedReversed,
    /// Money decided to go back to the shopper.
    RefundDue,
    /// The provider accepted the refund request.
    RefundRequested,
    /// The provider reported the refund processed.
    RefundCompleted,
}

impl Movement {
    pub fn as_str(self) -> &'static str {
        match self {
            Movement::ChargeCaptured => "charge_captured",
            Movement::VendorOwed => "vendor_owed",
            Movement::VendorOwedReversed => "vendor_owed_reversed",
            Movement::RefundDue => "refund_due",
            Movement::RefundRequested => "refund_requested",
            Movement::RefundCompleted => "refund_completed",
        }
    }

    pub fn from_column(value: &str) -> Result<Movement> {
        Ok(match value {
            "charge_captured" => Movement::ChargeCaptured,
            "vendor_owed" => Movement::VendorOwed,
            "vendor_owed_reversed" => Movement::VendorOwedReversed,
            "refund_due" => Movement::RefundDue,
            "refund_requested" => Movement::RefundRequested,
            "refund_completed" => Movement::RefundCompleted,
            other => return Err(crate::Error::Corrupt(format!("unknown ledger movement {other:?}"))),
        })
    }
}

/// A ledger row to write.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub order_id: i64,
    pub movement: Movement,
    pub amount: Money,
    pub vendor: Option<VendorId>,
    pub part_id: Option<i64>,
    pub payment_reference: Option<&'a str>,
    pub refund_id: Option<i64>,
}

impl<'a> Entry<'a> {
    pub fn new(order_id: i64, movement: Movement, amount: Money) -> Entry<'a> {
        Entry {
            order_id,
            movement,
            amount,
            vendor: None,
            part_id: None,
            payment_reference: None,
            refund_id: None,
        }
    }

    pub fn part(mut self, part_id: i64, vendor: VendorId) -> Entry<'a> {
        self.part_id = Some(part_id);
        self.vendor = Some(vendor);
        self
    }

    pub fn payment(mut self, reference: &'a str) -> Entry<'a> {
        self.payment_reference = Some(reference);
        self
    }

    pub fn refund(mut self, refund_id: i64) -> Entry<'a> {
        self.refund_id = Some(refund_id);
        self
    }
}

/// One order's sums per movement, in its currency's minor units.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Balances(pub BTreeMap<Movement, i64>);

impl Balances {
    pub fn of(&self, movement: Movement) -> i64 {
        self.0.get(&movement).copied().unwrap_or(0)
    }

    /// Owed to vendors now: what paid parts owe, less what cancellations took back.
    pub fn owed_to_vendors(&self) -> i64 {
        self.of(Movement::VendorOwed) - self.of(Movement::VendorOwedReversed)
    }

    /// What the shop holds that is neither owed to a vendor nor going back to the shopper.
    pub fn held(&self) -> i64 {
        self.of(Movement::ChargeCaptured) - self.of(Movement::RefundDue) - self.owed_to_vendors()
    }
}

/// Writes `entry` inside the caller's transaction.
pub(crate) async fn record(tx: &mut WriteTx, entry: &Entry<'_>) -> Result<()> {
    let _t = QueryTimer::start(tx.dialect().as_str(), "ledger_record");
    on_conn!(tx, conn => sqlx::query(
        "INSERT INTO ledger_entries \
         (order_id, kind, vendor_id, part_id, payment_reference, refund_id, currency, amount_minor) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(entry.order_id)
    .bind(entry.movement.as_str())
    .bind(entry.vendor.map(|v| v.get()))
    .bind(entry.part_id)
    .bind(entry.payment_reference)
    .bind(entry.refund_id)
    .bind(entry.amount.currency.code())
    .bind(entry.amount.minor)
    .execute(&mut *conn)
    .await
    .map_err(Error::db("writing a ledger entry"))?
    .rows_affected());
    metrics::counter!("ledger_entries_total", "kind" => entry.movement.as_str()).increment(1);
    Ok(())
}

/// Each order's sums per movement.
async fn balances(store: &Store) -> Result<BTreeMap<i64, Balances>> {
    let _t = QueryTimer::start(store.dialect().as_str(), "ledger_balances");
    let rows: Vec<(i64, String, i64)> = on_pool!(store, pool => sqlx::query_as(
        "SELECT order_id, kind, CAST(SUM(amount_minor) AS BIGINT) FROM ledger_entries GROUP BY order_id, kind",
    )
    .fetch_all(pool)
    .await
    .map_err(Error::db("summing the ledger"))?);
    let mut balances: BTreeMap<i64, Balances> = BTreeMap::new();
    for (order, kind, sum) in rows {
        balances.entry(order).or_default().0.insert(Movement::from_column(&kind)?, sum);
    }
    Ok(balances)
}

impl Store {
    /// Every order's ledger sums (for the accounts and the property tests that check them).
    pub async fn ledger_balances(&self) -> Result<BTreeMap<i64, Balances>> {
        balances(self).await
    }
}
