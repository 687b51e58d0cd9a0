//! This crate's one error type.

/// An event that could not be written or read as its schema says.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// A payload could not be turned into JSON (a map with non-string keys, a failing
    /// `Serialize`): the event is refused rather than stored as `null`.
    #[error("the payload of {kind} could not be written as JSON: {source}")]
    Unwritable {
        kind: &'static str,
        #[source]
        source: serde_json::Error,
    },

    /// Bytes on the bus that are not a CloudEvent we can read.
    #[error("an event on the bus is not a CloudEvent: {0}")]
    NotACloudEvent(String),

    /// An event whose data does not read as its kind and version's type.
    #[error("{kind} {id} does not match its schema: {reason}")]
    DoesNotMatch { kind: String, id: String, reason: String },
}
