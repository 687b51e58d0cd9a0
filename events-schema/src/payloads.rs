//! The payload of every event kind, as Rust types. Consumers read payloads through them
//! ([`Envelope::data_as`](crate::Envelope::data_as)) and the JSON Schemas are generated from
//! them, so the store, the schemas and the consumers cannot drift apart unnoticed.
//!
//! Kinds that share a shape (shipped and delivered, signed in and out, out of and low on
//! stock) get a transparent wrapper each, so every kind has its own type and
//! [`Payload`](crate::Payload) impl.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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

/// `user.password_changed`: a user set a new password through a reset link; every session
/// begun before it ended.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct UserPasswordChanged {
    pub user_id: i64,
    /// How: `reset` (a link sent by email).
    pub how: String,
}

/// `vendor.updated`: a vendor changed where their shop delivers (`country`, `region` or
/// `africa`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct VendorUpdated {
    pub vendor_id: i64,
    pub ships_to: String,
}

/// `vendor.suspended`: an admin suspended a shop; its products left the catalog and the
/// edge cache until it is reinstated.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct VendorSuspended {
    pub vendor_id: i64,
    /// The admin's reason, shown to the vendor.
    pub reason: String,
    /// How many of the shop's products left the catalog.
    pub products: i64,
}

/// `vendor.reinstated`: an admin reinstated a suspended shop; its products are back.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct VendorReinstated {
    pub vendor_id: i64,
    /// How many of the shop's products came back to the catalog.
    pub products: i64,
}

/// `user.login` and `user.logout`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
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
    /// What the shopper pays for the part, in the order's currency.
    pub subtotal: Amount,
    /// What the vendor is paid for it, in the vendor's currency (added compatibly: absent
    /// from events written before orders were paid in one currency, when it was `subtotal`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_subtotal: Option<Amount>,
    pub items: Vec<OrderItem>,
    /// How the part travels (added compatibly: absent from orders placed without a delivery).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<DeliveryFacts>,
}

/// A part's delivery as analytics need it: the option, its fee (inside the part's subtotal)
/// and where it goes to the city — never the receiver's name, phone or directions.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct DeliveryFacts {
    /// `home` or `pickup`.
    pub option: String,
    pub fee: Amount,
    pub country: String,
    pub city: String,
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
#[schemars(inline)]
pub struct PartMoved {
    pub order_id: i64,
    pub vendor_id: i64,
    pub part_state: String,
    pub whole_order: bool,
    /// What the vendor told the shopper when shipping (`order.shipped` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_note: Option<String>,
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
    /// How the shopper pays: `card`, `mobile_money` or `bank_transfer` (added compatibly).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
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

/// What a vendor did to a product's photos, as `product.updated` carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PhotoChange {
    /// The main photo now (the first of the product's photos, the one cards show); `null`
    /// when the product has no photo left.
    pub photo: Option<EventPhoto>,
    /// The content hash of the photo it replaced or removed, if there was one.
    pub previous_hash: Option<String>,
    /// `added`, `replaced`, `removed` or `made_main` (added compatibly with the gallery; absent
    /// from events written when a product had one photo, which were all replacements or
    /// removals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The content hashes of all the product's photos after the change, in order, the main
    /// one first (added compatibly with the gallery, like `action`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gallery: Option<Vec<String>>,
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
#[schemars(inline)]
pub struct StockAlert {
    pub product_id: i64,
    pub vendor_id: i64,
    #[serde(default)]
    pub stock: Option<i64>,
}

/// `review.posted`: a shopper rated and reviewed a product delivered to them, and the product's
/// rating afterwards.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ReviewPosted {
    pub review_id: i64,
    pub product_id: i64,
    pub vendor_id: i64,
    pub author_id: i64,
    /// The order the reviewed product was delivered in.
    pub order_id: i64,
    /// One to five.
    pub stars: u8,
    /// Characters of text written (the text itself stays in the shop's database).
    pub text_chars: u32,
    pub rating_count: u32,
    pub rating_sum: u32,
}

/// `review.answered`: a vendor answered a review of their product, or changed their answer.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ReviewAnswered {
    pub review_id: i64,
    pub product_id: i64,
    pub vendor_id: i64,
    /// False the first time, true when an earlier answer was replaced.
    pub edited: bool,
}

/// `user.login`: a user signed in.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct UserLogin(pub UserSession);

/// `user.logout`: a user signed out.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct UserLogout(pub UserSession);

/// `order.shipped`: a vendor shipped their part of an order; `whole_order` when it was the
/// last part to move.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct OrderShipped(pub PartMoved);

/// `order.delivered`: a vendor's part of an order was delivered; `whole_order` when it was
/// the last part to move.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct OrderDelivered(pub PartMoved);

/// `product.out_of_stock`: a product's stock reached zero.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct OutOfStock(pub StockAlert);

/// `product.low_stock`: a product's stock fell to the low-stock threshold.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct LowStock(pub StockAlert);

crate::payload::payload![
    UserCreated => "user.created", 2,
    UserUpdated => "user.updated", 1,
    UserLogin => "user.login", 1,
    UserLogout => "user.logout", 1,
    UserPasswordChanged => "user.password_changed", 1,
    VendorUpdated => "vendor.updated", 1,
    VendorSuspended => "vendor.suspended", 1,
    VendorReinstated => "vendor.reinstated", 1,
    OrderCreated => "order.created", 1,
    OrderConfirmed => "order.confirmed", 1,
    OrderShipped => "order.shipped", 1,
    OrderDelivered => "order.delivered", 1,
    OrderCancelled => "order.cancelled", 1,
    OrderHeld => "order.held_for_review", 1,
    OrderReleased => "order.released_from_review", 1,
    PaymentInitiated => "payment.initiated", 1,
    PaymentCompleted => "payment.completed", 1,
    PaymentOutcome => "payment.failed", 1,
    PaymentRefunded => "payment.refunded", 1,
    ProductCreated => "product.created", 1,
    ProductUpdated => "product.updated", 1,
    PriceChanged => "product.price_changed", 1,
    OutOfStock => "product.out_of_stock", 1,
    LowStock => "product.low_stock", 1,
    ReviewPosted => "review.posted", 1,
    ReviewAnswered => "review.answered", 1,
];
