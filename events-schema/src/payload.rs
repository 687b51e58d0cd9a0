//! The link from a payload's Rust type to the kind and version it is written as.

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A payload type that new events are written in: the current version of its kind.
///
/// Older versions' types stay in [`payloads`](crate::payloads) for reading (see
/// [`catalogue::upcast`](crate::catalogue::upcast)) but do not implement this trait, so
/// nothing can write them any more.
pub trait Payload: Serialize + DeserializeOwned + JsonSchema {
    /// The CloudEvents `type`: `order.created`.
    const KIND: &'static str;
    /// The schema version new events of [`KIND`](Self::KIND) are written in.
    const VERSION: u32;
}

/// Declares which kind and version a payload type is written as.
macro_rules! payload {
    ($($type:ty => $kind:literal, $version:literal),* $(,)?) => {
        $(impl $crate::Payload for $type {
            const KIND: &'static str = $kind;
            const VERSION: u32 = $version;
        })*
    };
}
pub(crate) use payload;
