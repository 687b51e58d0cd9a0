//! The catalogue of event types: for each type and schema version, the Rust type of its
//! payload. The JSON Schemas under `origin/schemas/` are generated from these types, and
//! consumers read payloads through them ([`Envelope::data_as`](super::Envelope::data_as)),
//! so the store, the schemas and the consumers cannot drift apart unnoticed.
//!
//! A change that breaks a reader (a required field removed, renamed or retyped) gets a new
//! version: the old type stays here (its schema stays in the repo) and [`upcast`] turns its
//! payloads into the new shape when they are read, so events already in the store and on the
//! bus keep working.

use schemars::{JsonSchema, Schema};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Money as events carry it: an ISO 4217 code and whole minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Amount {
    pub currency: String,
    pub minor: i64,
}

impl From<linkedall_shared::Money> for Amount {
    fn from(money: linkedall_shared::Money) -> Self {
        Amount { currency: money.currency.code().to_owned(), minor: money.minor }
    }
}

/// `user.created` version 1, before accounts said where they came from.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct UserCreatedV1 {
    pub user_id: i64,
    pub role: String,
    pub vendor_id: Option<i64>,
}

/// `user.created` version 2: `source` is `password` (registered here) or `supabase`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct UserCreated {
    pub user_id: i64,
    pub role: String,
    pub vendor_id: Option<i64>,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct UserUpdated {
    pub user_id: i64,
    pub supabase_subject: Option<String>,
}

/// `user.login` and `user.logout`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct UserSession {
    pub user_id: i64,
    pub vendor_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct OrderItem {
    pub product_id: i64,
    pub quantity: u32,
    pub unit_price: Amount,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct OrderPart {
    pub order_id: i64,
    pub vendor_id: i64,
    pub state: String,
    pub subtotal: Amount,
    pub items: Vec<OrderItem>,
}

/// `order.created`: the whole order, split per vendor.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct OrderCreated {
    pub id: i64,
    pub shopper_id: i64,
    pub state: String,
    pub total: Amount,
    pub parts: Vec<OrderPart>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct OrderConfirmed {
    pub order_id: i64,
    pub reference: String,
}

/// `order.shipped` and `order.delivered`: one vendor's part moved; `whole_order` when it was
/// the last part to move.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PartMoved {
    pub order_id: i64,
    pub vendor_id: i64,
    pub part_state: String,
    pub whole_order: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ReleasedStock {
    pub product_id: i64,
    pub quantity: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct OrderCancelled {
    pub order_id: i64,
    pub shopper_id: i64,
    pub from: String,
    pub by: String,
    #[serde(default)]
    pub reason: Option<String>,
    pub released: Vec<ReleasedStock>,
    /// The vendors whose parts were cancelled (empty in events written before orders were
    /// cancelled part by part: every part).
    #[serde(default)]
    pub vendor_ids: Vec<i64>,
    /// The order's state afterwards: `cancelled`, or how far its shipped parts got when only
    /// its unshipped parts were cancelled (absent in older events: `cancelled`).
    #[serde(default)]
    pub order_state: Option<String>,
}

/// `order.held_for_review`: the fraud check scored the order above the threshold.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct OrderHeld {
    pub order_id: i64,
    pub shopper_id: i64,
    pub score: u32,
    pub reasons: Vec<String>,
}

/// `order.released_from_review`: an admin released a held order; its parts may ship.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct OrderReleased {
    pub order_id: i64,
    /// The admin account that released it; 0 when the operators' token did (no account).
    pub released_by: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PaymentInitiated {
    pub order_id: i64,
    pub reference: String,
    pub amount: Amount,
}

/// `payment.failed`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PaymentOutcome {
    pub order_id: i64,
    pub reference: String,
    pub amount_minor: i64,
}

/// `payment.completed`: `card_fingerprint` (added compatibly, absent from older events and for
/// payments not made by card) is the provider's fingerprint of the card paid with.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PaymentCompleted {
    pub order_id: i64,
    pub reference: String,
    pub amount_minor: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_fingerprint: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PaymentRefunded {
    pub order_id: i64,
    pub reference: String,
    pub amount: Amount,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ProductCreated {
    pub product_id: i64,
    pub vendor_id: i64,
    pub category_id: i64,
    pub name: String,
    pub price: Amount,
    pub stock: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ProductUpdated {
    pub product_id: i64,
    pub vendor_id: i64,
    pub name: Option<String>,
    pub description_changed: bool,
    pub price_minor: i64,
    pub stock: i64,
    /// Present only when the update was to the product's photo (an upload or a removal).
    /// Optional, so events written before it existed still read as version 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo_change: Option<PhotoChange>,
}

/// What a vendor did to a product's photo, as `product.updated` carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PhotoChange {
    /// The photo shown now; `null` when the vendor removed it.
    pub photo: Option<EventPhoto>,
    /// The content hash of the photo it replaced or removed, if there was one.
    pub previous_hash: Option<String>,
}

/// A product photo in events: the fields of the shared `Photo` type, the format spelled as
/// the `product_photos.format` column spells it, and the original's media path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EventPhoto {
    /// 32 hex digits of the original's SHA-256: its address (`/media/products/{id}/{hash}.{ext}`).
    pub hash: String,
    /// `jpeg`, `png` or `webp`.
    pub format: String,
    pub width: u32,
    pub height: u32,
    /// Base64 ThumbHash placeholder.
    pub thumbhash: String,
    pub path: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PriceChanged {
    pub product_id: i64,
    pub currency: String,
    pub old_minor: i64,
    pub new_minor: i64,
}

/// `product.out_of_stock` and `product.low_stock`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct StockAlert {
    pub product_id: i64,
    pub vendor_id: i64,
    #[serde(default)]
    pub stock: Option<i64>,
}

/// One type at one schema version.
pub struct EventType {
    pub kind: &'static str,
    pub version: u32,
    /// What the events are for, shown by `GET /api/v1/schemas`.
    pub about: &'static str,
    pub schema: fn() -> Schema,
    /// Whether a payload (already upcast) reads as this version's type.
    pub reads: fn(&Value) -> Result<(), String>,
}

fn schema_of<T: JsonSchema>() -> Schema {
    schemars::schema_for!(T)
}

fn reads_as<T: serde::de::DeserializeOwned>(data: &Value) -> Result<(), String> {
    T::deserialize(data).map(|_| ()).map_err(|e| e.to_string())
}

macro_rules! catalogue {
    ($(($kind:literal, $version:literal, $type:ty, $about:literal)),* $(,)?) => {
        /// Every event type and version the shop has ever written, oldest version first.
        pub const CATALOGUE: &[EventType] = &[
            $(EventType { kind: $kind, version: $version, about: $about, schema: schema_of::<$type>, reads: reads_as::<$type> }),*
        ];
    };
}

catalogue![
    ("user.created", 1, UserCreatedV1, "an account was opened"),
    ("user.created", 2, UserCreated, "an account was opened, by password or Supabase"),
    ("user.updated", 1, UserUpdated, "an account was linked to a Supabase user"),
    ("user.login", 1, UserSession, "a user signed in"),
    ("user.logout", 1, UserSession, "a user signed out"),
    ("order.created", 1, OrderCreated, "a shopper placed an order; its stock is reserved"),
    ("order.confirmed", 1, OrderConfirmed, "the order was paid"),
    ("order.shipped", 1, PartMoved, "a vendor shipped their part of an order"),
    ("order.delivered", 1, PartMoved, "a vendor's part of an order was delivered"),
    ("order.cancelled", 1, OrderCancelled, "an order was cancelled and its stock released"),
    ("order.held_for_review", 1, OrderHeld, "the fraud check holds an order for a person to review"),
    ("order.released_from_review", 1, OrderReleased, "an admin released a held order; its parts may ship"),
    ("payment.initiated", 1, PaymentInitiated, "a charge was started with the payment provider"),
    ("payment.completed", 1, PaymentCompleted, "the provider took the payment"),
    ("payment.failed", 1, PaymentOutcome, "the provider refused the payment"),
    ("payment.refunded", 1, PaymentRefunded, "a paid order was refunded"),
    ("product.created", 1, ProductCreated, "a vendor listed a product"),
    ("product.updated", 1, ProductUpdated, "a vendor changed a product"),
    ("product.price_changed", 1, PriceChanged, "a product's price changed"),
    ("product.out_of_stock", 1, StockAlert, "a product's stock reached zero"),
    ("product.low_stock", 1, StockAlert, "a product's stock fell to the low-stock threshold"),
];

/// The version new events of `kind` are written in; 1 for a type not in the catalogue.
pub fn current_version(kind: &str) -> u32 {
    CATALOGUE.iter().filter(|t| t.kind == kind).map(|t| t.version).max().unwrap_or(1)
}

/// One type at one version, if the catalogue has it.
pub fn find(kind: &str, version: u32) -> Option<&'static EventType> {
    CATALOGUE.iter().find(|t| t.kind == kind && t.version == version)
}

/// Checks that `data`, written as `kind` at `version`, reads as that version's type.
pub fn validate(kind: &str, version: u32, data: &Value) -> Result<(), String> {
    let event_type =
        find(kind, version).ok_or_else(|| format!("{kind} v{version} is not in the catalogue"))?;
    (event_type.reads)(data)
}

/// Turns a payload of `kind` written at `version` into the current version's shape.
pub fn upcast(kind: &str, version: u32, mut data: Value) -> Value {
    if kind == "user.created" && version < 2 {
        // Before version 2 only registration created accounts, unless the row said otherwise.
        if data.get("source").is_none()
            && let Some(object) = data.as_object_mut()
        {
            object.insert("source".into(), Value::from("password"));
        }
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_of_the_issue_is_in_the_catalogue() {
        for kind in [
            "user.created",
            "user.updated",
            "user.login",
            "user.logout",
            "order.created",
            "order.confirmed",
            "order.shipped",
            "order.delivered",
            "order.cancelled",
            "payment.initiated",
            "payment.completed",
            "payment.failed",
            "payment.refunded",
            "product.created",
            "product.updated",
            "product.out_of_stock",
            "product.price_changed",
        ] {
            assert!(find(kind, current_version(kind)).is_some(), "{kind}");
        }
    }

    #[test]
    fn version_1_user_created_events_are_upcast_to_version_2() {
        let old = serde_json::json!({ "user_id": 3, "role": "shopper", "vendor_id": null });
        let read: UserCreated = serde_json::from_value(upcast("user.created", 1, old)).unwrap();
        assert_eq!(read.source, "password");
        assert_eq!(current_version("user.created"), 2);
        let supabase =
            serde_json::json!({ "user_id": 4, "role": "shopper", "vendor_id": null, "source": "supabase" });
        let read: UserCreated = serde_json::from_value(upcast("user.created", 1, supabase)).unwrap();
        assert_eq!(read.source, "supabase");
    }
}
