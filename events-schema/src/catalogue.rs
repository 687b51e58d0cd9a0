//! The catalogue of event types: for each type and schema version, the Rust type of its
//! payload ([`payloads`](crate::payloads)). The JSON Schemas under `events-schema/schemas/` are generated from these types, and
//! consumers read payloads through them ([`Envelope::data_as`](crate::Envelope::data_as)),
//! so the store, the schemas and the consumers cannot drift apart unnoticed.
//!
//! A change that breaks a reader (a required field removed, renamed or retyped) gets a new
//! version: the old type stays here (its schema stays in the repo) and [`upcast`] turns its
//! payloads into the new shape when they are read, so events already in the store and on the
//! bus keep working.

use schemars::{JsonSchema, Schema};
use serde_json::Value;

use crate::Payload;
use crate::payloads::*;

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
    (
        old: [$(($kind:literal, $version:literal, $old:ty, $old_about:literal)),* $(,)?],
        current: [$(($type:ty, $about:literal)),* $(,)?] $(,)?
    ) => {
        /// Every event type and version the shop has ever written, oldest version first. The
        /// current versions take their kind and version from their [`Payload`] impl.
        pub const CATALOGUE: &[EventType] = &[
            $(EventType { kind: $kind, version: $version, about: $old_about, schema: schema_of::<$old>, reads: reads_as::<$old> },)*
            $(EventType {
                kind: <$type as Payload>::KIND,
                version: <$type as Payload>::VERSION,
                about: $about,
                schema: schema_of::<$type>,
                reads: reads_as::<$type>,
            }),*
        ];
    };
}

catalogue![
    old: [("user.created", 1, UserCreatedV1, "an account was opened")],
    current: [
        (UserCreated, "an account was opened, by password or Supabase"),
        (UserUpdated, "an account was linked to a Supabase user"),
        (UserLogin, "a user signed in"),
        (UserLogout, "a user signed out"),
        (UserPasswordChanged, "a user set a new password with a reset link; earlier sessions ended"),
        (VendorUpdated, "a vendor changed where their shop delivers"),
        (VendorSuspended, "an admin suspended a shop; its products left the catalog"),
        (VendorReinstated, "an admin reinstated a suspended shop; its products are back"),
        (OrderCreated, "a shopper placed an order; its stock is reserved"),
        (OrderConfirmed, "the order was paid"),
        (OrderShipped, "a vendor shipped their part of an order"),
        (OrderDelivered, "a vendor's part of an order was delivered"),
        (OrderCancelled, "an order was cancelled and its stock released"),
        (OrderHeld, "the fraud check holds an order for a person to review"),
        (OrderReleased, "an admin released a held order; its parts may ship"),
        (PaymentInitiated, "a charge was started with the payment provider"),
        (PaymentCompleted, "the provider took the payment"),
        (PaymentOutcome, "the provider refused the payment"),
        (PaymentRefunded, "a paid order was refunded"),
        (ProductCreated, "a vendor listed a product"),
        (ProductUpdated, "a vendor changed a product"),
        (PriceChanged, "a product's price changed"),
        (OutOfStock, "a product's stock reached zero"),
        (LowStock, "a product's stock fell to the low-stock threshold"),
        (ReviewPosted, "a shopper reviewed a product delivered to them"),
        (ReviewAnswered, "a vendor answered a review of their product"),
    ],
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
    if kind == UserCreated::KIND && version < 2 {
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
            "user.password_changed",
            "vendor.updated",
            "vendor.suspended",
            "vendor.reinstated",
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
            "review.posted",
            "review.answered",
        ] {
            assert!(find(kind, current_version(kind)).is_some(), "{kind}");
        }
    }

    #[test]
    fn each_kind_has_one_version_per_number_and_its_newest_is_current() {
        for (i, a) in CATALOGUE.iter().enumerate() {
            for b in &CATALOGUE[i + 1..] {
                assert!(!(a.kind == b.kind && a.version == b.version), "{} v{} twice", a.kind, a.version);
                if a.kind == b.kind {
                    assert!(a.version < b.version, "{}: oldest version first", a.kind);
                }
            }
        }
        assert_eq!(current_version(OrderShipped::KIND), OrderShipped::VERSION);
    }

    #[test]
    fn version_1_user_created_events_are_upcast_to_version_2() {
        let old = serde_json::json!({ "user_id": 3, "role": "shopper", "vendor_id": null });
        let read: UserCreated = serde_json::from_value(upcast("user.created", 1, old)).unwrap();
        assert_eq!(read.source, "password");
        assert_eq!(current_version("user.created"), 2);
        assert_eq!(UserCreated::VERSION, 2);
        let supabase =
            serde_json::json!({ "user_id": 4, "role": "shopper", "vendor_id": null, "source": "supabase" });
        let read: UserCreated = serde_json::from_value(upcast("user.created", 1, supabase)).unwrap();
        assert_eq!(read.source, "supabase");
    }
}
