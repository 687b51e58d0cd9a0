//! The events crate's one error type: what went wrong moving or applying an event. The relay
//! and the consumers log it and retry; the API maps it to problem JSON (`linkedall-origin`'s
//! `error.rs`) where an admin route reads the read models or replays a dead letter.

use linkedall_shared::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{what} was not found")]
    NotFound { what: String },

    /// A request the events can not act on (a dead letter replayed twice, say).
    #[error("{0}")]
    Unprocessable(String),

    /// The bus (NATS JetStream) did not take or give an event: the message says which.
    #[error("event bus error: {0}")]
    EventBus(String),

    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),

    #[error("{0}")]
    InvalidInput(#[from] DomainError),

    /// The store failed (a database error, say): its error says which operation and why.
    #[error(transparent)]
    Store(#[from] linkedall_store::Error),

    /// An event that could not be written or read as its schema says.
    #[error(transparent)]
    Schema(#[from] linkedall_events_schema::SchemaError),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
