//! The cart as a document: lines priced by the origin on every read, one total per currency.
//! The origin answers it in JSON to API clients and in the wire format to the edge.

use serde::{Deserialize, Serialize};

use crate::{Money, ProductId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cart {
    pub items: Vec<CartLine>,
    /// One total per currency in the cart (a cart normally holds one).
    pub totals: Vec<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub product_id: ProductId,
    pub name: String,
    pub quantity: u32,
    pub unit_price: Money,
    pub line_total: Money,
    pub in_stock: u32,
}
