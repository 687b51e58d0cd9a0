//! The cart as a document: lines priced by the origin on every read, in the vendors' own
//! currencies and in the one currency the shopper pays in. The origin answers it in JSON to
//! API clients and in the wire format to the edge.

use serde::{Deserialize, Serialize};

use crate::{Currency, DeliveryChoice, Money, ProductId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cart {
    pub items: Vec<CartLine>,
    /// The currency the cart is priced and paid in: the shopper's.
    pub currency: Currency,
    /// What the whole cart costs in [`Cart::currency`] at today's rates; `None` when some
    /// line's currency has no exchange rate (such a cart cannot be paid until it has one).
    pub total: Option<Money>,
    /// When the exchange rates used were set (RFC 3339); empty when nothing was converted.
    pub rates_as_of: String,
    /// The ways the cart can be delivered to the country the client named (`?to=NG`), each
    /// with its fee for the whole cart (not in [`Cart::total`]); empty when it named none or
    /// a fee could not be converted.
    pub delivery_choices: Vec<DeliveryChoice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub product_id: ProductId,
    pub name: String,
    pub quantity: u32,
    /// The vendor's price, in the vendor's currency.
    pub unit_price: Money,
    /// `unit_price` × `quantity`, in the vendor's currency.
    pub line_total: Money,
    /// The line in the cart's currency ([`crate::FxRates::price_line`]); `None` without a rate.
    pub to_pay: Option<Money>,
    pub in_stock: u32,
    /// Whether the line's shop delivers to the country the cart was priced for (`?to=`);
    /// true when none was named. A line that is not delivered cannot be ordered.
    #[serde(default = "delivered")]
    pub delivers: bool,
    /// False when the line's shop is suspended: its products are off sale, and the line
    /// cannot be ordered until the shop is reinstated.
    #[serde(default = "delivered")]
    pub available: bool,
}

fn delivered() -> bool {
    true
}

impl Cart {
    /// The currencies of lines that could not be priced in the cart's currency.
    pub fn unpriced_currencies(&self) -> Vec<Currency> {
        let mut missing: Vec<Currency> = self
            .items
            .iter()
            .filter(|line| line.to_pay.is_none())
            .map(|line| line.unit_price.currency)
            .collect();
        missing.sort_by_key(|c| c.code());
        missing.dedup();
        missing
    }
}
