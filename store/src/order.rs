//! Orders as shoppers and vendors see them, and the one place that decides which state
//! changes are legal.
//!
//! ```text
//! created ──pay──▶ confirmed ──ship──▶ shipped ──deliver──▶ delivered
//!    │                 │
//!    └────cancel───────┴──▶ cancelled   (stock released; a paid part refunded)
//!                               ▲
//!         shipped ──refuse──────┘   (paid on delivery, refused at the door: stock released)
//! ```
//! The machine moves each vendor's part of an order, and says what each move does to stock
//! and money ([`Step`]): paying owes each part's subtotal to its vendor; cancelling a paid part
//! refunds exactly that part and takes back what its vendor was owed; a shipped or delivered
//! part cannot be cancelled (getting shipped goods back is a return, approved by an admin, not
//! a cancellation). The order's own state follows from its parts' ([`OrderState::of_parts`]),
//! and cancelling an order cancels the parts that still can be ([`cancel_parts`]). The
//! documents themselves ([`Order`], [`OrderState`]) are shared with the edge.

pub use linkedall_shared::order::{Order, OrderItem, OrderPart, OrderState};

use crate::error::{Error, Result};

/// Something that moves an order (or part) from one state to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Confirm,
    Ship,
    Deliver,
    Cancel,
    /// A shipped part paid on delivery that the shopper refused at the door.
    Refuse,
}

impl Transition {
    pub fn verb(self) -> &'static str {
        match self {
            Transition::Confirm => "confirm",
            Transition::Ship => "ship",
            Transition::Deliver => "deliver",
            Transition::Cancel => "cancel",
            Transition::Refuse => "mark refused at the door",
        }
    }
}

/// The order state machine: every state × transition decided here, on the shared
/// [`OrderState`] the documents carry.
pub trait Lifecycle: Sized {
    /// Parses the `orders.state` / `order_parts.state` column.
    fn from_column(value: &str) -> Result<Self>;

    /// The state after `transition`, or a 409 naming the current state. `what` names the
    /// order or part in the message ("order 42").
    fn apply(self, transition: Transition, what: impl FnOnce() -> String) -> Result<OrderState>;

    /// What `transition` does to a part in this state: its next state, and what happens to
    /// its stock and its money.
    fn step(self, transition: Transition, what: impl FnOnce() -> String) -> Result<Step>;
}

impl Lifecycle for OrderState {
    fn from_column(value: &str) -> Result<OrderState> {
        OrderState::parse(value).ok_or_else(|| Error::Corrupt(format!("unknown order state {value:?}")))
    }

    fn apply(self, transition: Transition, what: impl FnOnce() -> String) -> Result<OrderState> {
        self.step(transition, what).map(|step| step.next)
    }

    fn step(self, transition: Transition, what: impl FnOnce() -> String) -> Result<Step> {
        use OrderState::*;
        let step = |next, stock, money| Ok(Step { next, stock, money });
        match (self, transition) {
            (Created, Transition::Confirm) => step(Confirmed, StockEffect::Keep, MoneyEffect::OweVendor),
            (Confirmed, Transition::Ship) => step(Shipped, StockEffect::Keep, MoneyEffect::Nothing),
            (Shipped, Transition::Deliver) => step(Delivered, StockEffect::Keep, MoneyEffect::Nothing),
            (Created, Transition::Cancel) => step(Cancelled, StockEffect::Release, MoneyEffect::Nothing),
            (Confirmed, Transition::Cancel) => {
                step(Cancelled, StockEffect::Release, MoneyEffect::RefundShopper)
            }
            // Only a part paid on delivery can be refused (the store checks): nothing was paid.
            (Shipped, Transition::Refuse) => step(Cancelled, StockEffect::Release, MoneyEffect::Nothing),
            // Shipped goods come back through a return an admin approves, never a cancel.
            (Created, Transition::Ship | Transition::Deliver | Transition::Refuse)
            | (Confirmed, Transition::Confirm | Transition::Deliver | Transition::Refuse)
            | (Shipped, Transition::Confirm | Transition::Ship | Transition::Cancel)
            | (Delivered | Cancelled | Unknown, _) => Err(Error::IllegalTransition {
                what: what(),
                action: transition.verb(),
                state: self.as_str(),
            }),
        }
    }
}

/// What one transition of a part does, beyond its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub next: OrderState,
    pub stock: StockEffect,
    pub money: MoneyEffect,
}

/// What happens to a part's reserved units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockEffect {
    /// They stay taken (sold, or reserved for a payment to come).
    Keep,
    /// They go back on sale.
    Release,
}

/// What a transition writes in the ledger for a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyEffect {
    Nothing,
    /// The part was paid for: its subtotal is owed to its vendor.
    OweVendor,
    /// A paid part was cancelled: its subtotal goes back to the shopper and is no longer owed
    /// to the vendor.
    RefundShopper,
}

/// What cancelling order `order` does to each of its parts (states in `parts`): the step of
/// each part it cancels, `None` for a part it leaves alone (shipped, delivered, or cancelled
/// already). A 409 naming the order's state when it cancels nothing.
pub fn cancel_parts(order: i64, parts: &[OrderState]) -> Result<Vec<Option<Step>>> {
    let steps: Vec<Option<Step>> =
        parts.iter().map(|state| state.step(Transition::Cancel, String::new).ok()).collect();
    if steps.iter().all(Option::is_none) {
        return Err(Error::IllegalTransition {
            what: format!("order {order}"),
            action: Transition::Cancel.verb(),
            state: OrderState::of_parts(parts.iter().copied()).as_str(),
        });
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::OrderState::*;
    use super::Transition::*;
    use super::*;

    #[test]
    fn every_transition_says_what_it_does_to_stock_and_money() {
        use super::MoneyEffect::*;
        use super::StockEffect::*;
        let effects = [
            (Created, Confirm, Keep, OweVendor),
            (Confirmed, Ship, Keep, Nothing),
            (Shipped, Deliver, Keep, Nothing),
            (Created, Cancel, Release, Nothing),
            (Confirmed, Cancel, Release, RefundShopper),
            (Shipped, Refuse, Release, Nothing),
        ];
        for state in [Created, Confirmed, Shipped, Delivered, Cancelled] {
            for transition in [Confirm, Ship, Deliver, Cancel, Refuse] {
                let want = effects.iter().find(|e| e.0 == state && e.1 == transition);
                match (state.step(transition, || "part".into()), want) {
                    (Ok(step), Some(&(_, _, stock, money))) => {
                        assert_eq!((step.stock, step.money), (stock, money))
                    }
                    (Err(_), None) => {}
                    (got, want) => panic!("{state:?} {transition:?}: got {got:?}, want {want:?}"),
                }
            }
        }
    }

    #[test]
    fn the_documents_hints_agree_with_the_machine() {
        for state in [Created, Confirmed, Shipped, Delivered, Cancelled, Unknown] {
            let can = |transition| state.step(transition, String::new).is_ok();
            assert_eq!(state.awaiting_payment(), can(Confirm), "{state:?}");
            assert_eq!(state.shippable(), can(Ship), "{state:?}");
        }
        assert!(OrderState::from_column("returned").is_err(), "the store never reads an unknown state");
    }

    #[test]
    fn a_cancel_takes_the_unshipped_parts_or_is_refused() {
        let steps = cancel_parts(1, &[Shipped, Confirmed, Cancelled, Created]).unwrap();
        let cancelled: Vec<bool> = steps.iter().map(Option::is_some).collect();
        assert_eq!(cancelled, vec![false, true, false, true]);
        assert_eq!(steps[1].map(|s| s.money), Some(MoneyEffect::RefundShopper));
        assert!(matches!(
            cancel_parts(1, &[Shipped, Delivered]),
            Err(Error::IllegalTransition { state: "shipped", .. })
        ));
        assert!(matches!(
            cancel_parts(1, &[Cancelled, Delivered]),
            Err(Error::IllegalTransition { state: "delivered", .. })
        ));
    }

    #[test]
    fn only_the_documented_transitions_are_legal() {
        let states = [Created, Confirmed, Shipped, Delivered, Cancelled];
        let transitions = [Confirm, Ship, Deliver, Cancel, Refuse];
        let legal = [
            (Created, Confirm, Confirmed),
            (Confirmed, Ship, Shipped),
            (Shipped, Deliver, Delivered),
            (Created, Cancel, Cancelled),
            (Confirmed, Cancel, Cancelled),
            (Shipped, Refuse, Cancelled),
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
