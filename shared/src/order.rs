//! Orders as documents: what the origin answers about an order and the edge renders, in JSON
//! for API clients and in the wire format for the edge. The rules that move an order from one
//! state to the next live with the store (`linkedall-store`'s `order` module); this is the
//! shape both sides read.

use serde::{Deserialize, Serialize};

use crate::{Address, DeliveryOption, Money, ProductId, VendorId};

/// Where an order, or one vendor's part of it, stands.
///
/// A newer origin may add states; an older edge reads them as [`OrderState::Unknown`] (the
/// last variant, with no data, so both JSON and the wire format fall back to it) and shows
/// "being updated" instead of failing the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrderState {
    /// Placed, its stock reserved, awaiting payment.
    Created,
    /// Paid; the vendors may ship.
    Confirmed,
    Shipped,
    Delivered,
    /// Stock released; a paid part refunded.
    Cancelled,
    /// A state this build does not know.
    #[serde(other)]
    Unknown,
}

impl OrderState {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Created => "created",
            OrderState::Confirmed => "confirmed",
            OrderState::Shipped => "shipped",
            OrderState::Delivered => "delivered",
            OrderState::Cancelled => "cancelled",
            OrderState::Unknown => "unknown",
        }
    }

    /// Parses a state as the store and JSON spell it; `None` for anything else.
    pub fn parse(value: &str) -> Option<OrderState> {
        Some(match value {
            "created" => OrderState::Created,
            "confirmed" => OrderState::Confirmed,
            "shipped" => OrderState::Shipped,
            "delivered" => OrderState::Delivered,
            "cancelled" => OrderState::Cancelled,
            _ => return None,
        })
    }

    /// Waiting for the shopper to pay (the page offers the payment).
    pub fn awaiting_payment(self) -> bool {
        self == OrderState::Created
    }

    /// The shopper's money was taken and not returned.
    pub fn paid(self) -> bool {
        matches!(self, OrderState::Confirmed | OrderState::Shipped | OrderState::Delivered)
    }

    /// A vendor may ship a part in this state (the store's machine agrees: its tests say so).
    pub fn shippable(self) -> bool {
        self == OrderState::Confirmed
    }

    /// How far along the order is: cancelled when every part is, otherwise the least advanced
    /// of the parts not cancelled (an order is shipped once every live part has shipped).
    pub fn of_parts(parts: impl IntoIterator<Item = OrderState>) -> OrderState {
        use OrderState::*;
        let rank = |state: OrderState| match state {
            Unknown | Created => 0,
            Confirmed => 1,
            Shipped => 2,
            Delivered => 3,
            Cancelled => 4,
        };
        parts.into_iter().filter(|s| *s != Cancelled).min_by_key(|s| rank(*s)).unwrap_or(Cancelled)
    }
}

/// An order with its parts, one per vendor. The whole order is charged in one currency (the
/// shopper's, `total.currency`); each part also says what its vendor is paid, in the vendor's
/// currency, at the exchange rate locked when the order was placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: i64,
    pub state: OrderState,
    /// What the shopper is charged.
    pub total: Money,
    pub parts: Vec<OrderPart>,
    /// When it was placed, RFC 3339 (UTC).
    pub placed_at: String,
    /// Until when an unpaid order holds its stock and its prices and rates (RFC 3339, UTC); an
    /// order not paid by then is cancelled, and buying again prices it afresh.
    pub pay_by: String,
    /// The charged currency's units per US dollar, in millionths, when some part was
    /// converted; `None` when every part was already in the charged currency.
    pub per_usd_micros: Option<u64>,
    /// Paid at the door to the vendors' riders instead of through the shop: confirmed without
    /// a charge, and a shipped part may be refused at the door.
    #[serde(default)]
    pub pay_on_delivery: bool,
}

/// What one vendor sells and ships in an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPart {
    pub order_id: i64,
    pub vendor_id: VendorId,
    pub state: OrderState,
    /// What the shopper pays for this part, its delivery fee included, in the order's currency
    /// (what a cancellation refunds).
    pub subtotal: Money,
    /// What the vendor is paid for this part (the delivery fee included: the vendor ships),
    /// in the vendor's currency.
    pub vendor_subtotal: Money,
    /// The vendor currency's units per US dollar, in millionths, used to convert this part;
    /// `None` when the part was already in the order's currency.
    pub vendor_per_usd_micros: Option<u64>,
    pub items: Vec<OrderItem>,
    /// Where and how the vendor ships it; `None` for an order placed without a delivery (API
    /// clients that arrange it themselves, and orders placed before deliveries existed).
    pub delivery: Option<PartDelivery>,
    /// What the vendor's rider collects at the door, when the order is paid on delivery.
    #[serde(default)]
    pub collect_on_delivery: Option<Money>,
    /// What the vendor said when shipping it (carrier and waybill, how the rider will call).
    #[serde(default)]
    pub tracking_note: Option<String>,
}

/// How one vendor's part reaches the shopper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartDelivery {
    pub option: DeliveryOption,
    /// In the order's currency, included in the part's subtotal.
    pub fee: Money,
    pub days_min: u8,
    pub days_max: u8,
    pub address: Address,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderItem {
    pub product_id: ProductId,
    /// The product's name when the order was read.
    pub name: String,
    pub quantity: u32,
    /// The price per unit the shopper pays, in the order's currency.
    pub unit_price: Money,
    /// The catalog price when the order was placed, in the vendor's currency: from the
    /// catalog, never from the client.
    pub vendor_unit_price: Money,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Currency, wire};

    fn order(state: OrderState) -> Order {
        let price = Money::new(Currency::KES, 250_000);
        let naira = Money::new(Currency::NGN, 3_000_000);
        Order {
            id: 42,
            state,
            total: naira,
            parts: vec![OrderPart {
                order_id: 42,
                vendor_id: VendorId::new(7),
                state,
                subtotal: naira,
                vendor_subtotal: price,
                vendor_per_usd_micros: Some(129_000_000),
                items: vec![OrderItem {
                    product_id: ProductId::new(3),
                    name: "Kitenge skirt".into(),
                    quantity: 1,
                    unit_price: naira,
                    vendor_unit_price: price,
                }],
                delivery: None,
                collect_on_delivery: None,
                tracking_note: None,
            }],
            placed_at: "2026-12-07T10:00:00Z".into(),
            pay_by: "2026-12-07T10:15:00Z".into(),
            per_usd_micros: Some(1_550_000_000),
            pay_on_delivery: false,
        }
    }

    #[test]
    fn orders_travel_as_json_and_on_the_wire() {
        let sent = order(OrderState::Shipped);
        assert_eq!(wire::decode::<Order>(&wire::encode(&sent)).unwrap(), sent);
        let json = serde_json::to_value(&sent).unwrap();
        assert_eq!(json["state"], "shipped");
        assert_eq!(json["parts"][0]["vendor_id"], 7);
        assert_eq!(serde_json::from_value::<Order>(json).unwrap(), sent);
    }

    /// What a newer origin might write: one more state after the ones this build knows.
    #[derive(Serialize)]
    #[serde(rename_all = "lowercase")]
    #[allow(dead_code)]
    enum NewerState {
        Created,
        Confirmed,
        Shipped,
        Delivered,
        Cancelled,
        Returned,
    }

    #[test]
    fn a_state_from_a_newer_origin_reads_as_unknown() {
        let json: OrderState = serde_json::from_str("\"returned\"").unwrap();
        assert_eq!(json, OrderState::Unknown);
        let on_the_wire = wire::encode(&NewerState::Returned);
        assert_eq!(wire::decode::<OrderState>(&on_the_wire).unwrap(), OrderState::Unknown);
        assert_eq!(
            wire::decode::<OrderState>(&wire::encode(&NewerState::Delivered)).unwrap(),
            OrderState::Delivered
        );
    }

    #[test]
    fn an_order_is_as_far_along_as_its_least_advanced_live_part() {
        use OrderState::*;
        assert_eq!(OrderState::of_parts([Shipped, Cancelled, Delivered]), Shipped);
        assert_eq!(OrderState::of_parts([Confirmed, Shipped]), Confirmed);
        assert_eq!(OrderState::of_parts([Delivered, Cancelled]), Delivered);
        assert_eq!(OrderState::of_parts([Cancelled, Cancelled]), Cancelled);
        for state in [Created, Confirmed, Shipped, Delivered, Cancelled] {
            assert_eq!(OrderState::parse(state.as_str()), Some(state));
        }
        assert_eq!(OrderState::parse("unknown"), None);
    }
}
