//! Orders as shoppers and vendors see them, and the one place that decides which state
//! changes are legal.
//!
//! ```text
//! created ──pay──▶ confirmed ──ship──▶ shipped ──deliver──▶ delivered
//!    │                 │
//!    └────cancel───────┴──▶ cancelled   (stock released, payment refunded)
//! ```
//! The same machine drives a whole order and each vendor's part of it: a vendor ships their
//! part, and the order is shipped once every part is.

use linkedall_shared::{Money, ProductId, VendorId};
use serde::Serialize;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OrderState {
    Created,
    Confirmed,
    Shipped,
    Delivered,
    Cancelled,
}

/// Something that moves an order (or part) from one state to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Confirm,
    Ship,
    Deliver,
    Cancel,
}

impl Transition {
    pub fn verb(self) -> &'static str {
        match self {
            Transition::Confirm => "confirm",
            Transition::Ship => "ship",
            Transition::Deliver => "deliver",
            Transition::Cancel => "cancel",
        }
    }

    /// The outbox event type written when an order makes this transition.
    pub fn event(self) -> &'static str {
        match self {
            Transition::Confirm => "order.confirmed",
            Transition::Ship => "order.shipped",
            Transition::Deliver => "order.delivered",
            Transition::Cancel => "order.cancelled",
        }
    }
}

impl OrderState {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Created => "created",
            OrderState::Confirmed => "confirmed",
            OrderState::Shipped => "shipped",
            OrderState::Delivered => "delivered",
            OrderState::Cancelled => "cancelled",
        }
    }

    pub fn from_column(value: &str) -> Result<OrderState> {
        Ok(match value {
            "created" => OrderState::Created,
            "confirmed" => OrderState::Confirmed,
            "shipped" => OrderState::Shipped,
            "delivered" => OrderState::Delivered,
            "cancelled" => OrderState::Cancelled,
            other => return Err(Error::Corrupt(format!("unknown order state {other:?}"))),
        })
    }

    /// The state after `transition`, or a 409 naming the current state. `what` names the
    /// order or part in the message ("order 42").
    pub fn apply(self, transition: Transition, what: impl FnOnce() -> String) -> Result<OrderState> {
        use OrderState::*;
        match (self, transition) {
            (Created, Transition::Confirm) => Ok(Confirmed),
            (Confirmed, Transition::Ship) => Ok(Shipped),
            (Shipped, Transition::Deliver) => Ok(Delivered),
            (Created | Confirmed, Transition::Cancel) => Ok(Cancelled),
            (state, transition) => Err(Error::IllegalTransition {
                what: what(),
                action: transition.verb(),
                state: state.as_str(),
            }),
        }
    }
}

/// An order with its parts, one per vendor.
#[derive(Debug, Clone, Serialize)]
pub struct Order {
    pub id: i64,
    pub state: OrderState,
    pub total: Money,
    pub parts: Vec<OrderPart>,
}

/// What one vendor sells and ships in an order.
#[derive(Debug, Clone, Serialize)]
pub struct OrderPart {
    pub order_id: i64,
    pub vendor_id: VendorId,
    pub state: OrderState,
    pub subtotal: Money,
    pub items: Vec<OrderItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrderItem {
    pub product_id: ProductId,
    pub quantity: u32,
    /// The price when the order was placed, from the catalog, never from the client.
    pub unit_price: Money,
}

#[cfg(test)]
mod tests {
    use super::OrderState::*;
    use super::Transition::*;
    use super::*;

    #[test]
    fn only_the_documented_transitions_are_legal() {
        let states = [Created, Confirmed, Shipped, Delivered, Cancelled];
        let transitions = [Confirm, Ship, Deliver, Cancel];
        let legal = [
            (Created, Confirm, Confirmed),
            (Confirmed, Ship, Shipped),
            (Shipped, Deliver, Delivered),
            (Created, Cancel, Cancelled),
            (Confirmed, Cancel, Cancelled),
        ];
        for state in states {
            for transition in transitions {
                let expected = legal.iter().find(|(s, t, _)| *s == state && *t == transition).map(|l| l.2);
                match (state.apply(transition, || "order 1".into()), expected) {
                    (Ok(next), Some(want)) => assert_eq!(next, want),
                    (Err(Error::IllegalTransition { state: s, .. }), None) => assert_eq!(s, state.as_str()),
                    (got, want) => panic!("{state:?} {transition:?}: got {got:?}, want {want:?}"),
                }
            }
        }
    }
}
