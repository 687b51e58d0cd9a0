//! What a vendor earned, month by month, in their shop's currency: the parts of orders they
//! delivered, and those paid for and on their way (shipped or still to ship). Unpaid and
//! cancelled parts are not earnings. A part counts in the month its order was placed.

use serde::{Deserialize, Serialize};

use crate::{Currency, Money};

/// The months a vendor's earnings page shows, newest first.
pub const EARNINGS_MONTHS: u32 = 12;

/// One month of a vendor's sales.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarningsMonth {
    /// `2026-12`.
    pub month: String,
    /// Parts of orders placed with the vendor that month (paid, not cancelled).
    pub orders: u32,
    /// What the vendor earned from the parts delivered, delivery fees included.
    pub delivered: Money,
    /// What the parts paid for and not yet delivered will bring.
    pub on_the_way: Money,
}

/// `GET /api/v1/vendor/earnings`: the last [`EARNINGS_MONTHS`] months with sales, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorEarnings {
    pub currency: Currency,
    pub months: Vec<EarningsMonth>,
}
