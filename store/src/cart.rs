//! The server-side cart: what a shopper means to buy, priced from the catalog on every read.

use linkedall_shared::ProductId;
pub use linkedall_shared::cart::{Cart, CartLine};
use serde::Deserialize;

use crate::error::{Error, Result};

/// Most units of one product in one cart line or order line.
pub const MAX_QUANTITY: u32 = 99;

/// Most different products in one cart or one order. With [`MAX_QUANTITY`] and the highest
/// price ([`linkedall_shared::Currency::max_price_minor`]) this bounds every total.
pub const MAX_LINES: usize = 100;

/// A product and how many of it, as a client asks: never a price.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct LineRequest {
    pub product_id: i64,
    pub quantity: u32,
}

/// A valid line: a real-looking product id and 1 to [`MAX_QUANTITY`] units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub product: ProductId,
    pub quantity: u32,
}

impl LineRequest {
    pub fn parse(self) -> Result<Line> {
        let product = ProductId::parse(&self.product_id.to_string())?;
        if !(1..=MAX_QUANTITY).contains(&self.quantity) {
            return Err(Error::InvalidParameter {
                name: "quantity",
                message: format!("expected a whole number from 1 to {MAX_QUANTITY}"),
            });
        }
        Ok(Line { product, quantity: self.quantity })
    }
}

/// Lines sorted by product with duplicates merged: the order in which stock rows are locked,
/// so two checkouts of the same products can never deadlock.
pub fn merge(lines: impl IntoIterator<Item = Line>) -> Result<Vec<Line>> {
    let mut merged: Vec<Line> = Vec::new();
    let mut lines: Vec<Line> = lines.into_iter().collect();
    lines.sort_by_key(|l| l.product);
    for line in lines {
        match merged.last_mut() {
            Some(last) if last.product == line.product => {
                last.quantity += line.quantity;
                if last.quantity > MAX_QUANTITY {
                    return Err(Error::InvalidParameter {
                        name: "quantity",
                        message: format!("at most {MAX_QUANTITY} units of product {}", line.product),
                    });
                }
            }
            _ => merged.push(line),
        }
    }
    if merged.len() > MAX_LINES {
        return Err(Error::InvalidParameter {
            name: "items",
            message: format!("{} different products; at most {MAX_LINES} in one order", merged.len()),
        });
    }
    Ok(merged)
}
