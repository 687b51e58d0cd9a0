//! The origin's one error type, and its one mapping to HTTP: an RFC 9457
//! `application/problem+json` body whose `detail` tells the caller what to change.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use linkedall_shared::DomainError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{what} was not found")]
    NotFound { what: String },

    #[error("{0}")]
    InvalidInput(#[from] DomainError),

    #[error("invalid `{name}` parameter: {message}")]
    InvalidParameter { name: &'static str, message: String },

    #[error("the route {path} does not exist")]
    NoSuchRoute { path: String },

    #[error("method {method} is not allowed here")]
    MethodNotAllowed { method: String },

    #[error("missing `{name}` header: {why}")]
    MissingHeader { name: &'static str, why: &'static str },

    #[error("invalid request body: {0}")]
    InvalidBody(String),

    #[error("{0}")]
    UnsupportedMediaType(&'static str),

    #[error("sign in first: {0}")]
    Unauthenticated(&'static str),

    #[error("email or password is wrong")]
    WrongCredentials,

    #[error("{0}")]
    Forbidden(String),

    #[error("too many attempts from this address; retry in {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },

    /// Every password-hashing permit stayed taken for the whole wait (see `accounts`).
    #[error("too many sign-ins at once; retry shortly")]
    HashingBusy,

    #[error("an account with this email already exists; sign in instead")]
    EmailTaken,

    #[error("only {available} of product {product} ({name}) left; lower the quantity or remove it")]
    InsufficientStock { product: i64, name: String, available: i64 },

    #[error("cannot {action} {what}: it is {state}")]
    IllegalTransition { what: String, action: &'static str, state: &'static str },

    #[error("a request with this Idempotency-Key is still being processed; retry shortly")]
    IdempotencyKeyInFlight,

    #[error("this Idempotency-Key was used with a different request body; use a new key for a new request")]
    IdempotencyKeyReused,

    #[error("{0}")]
    Unprocessable(String),

    /// A payment webhook whose amount or currency is not the charge's: not applied.
    #[error("{0}")]
    PaymentMismatch(String),

    #[error("the upload is larger than the {} MB allowed; send a smaller photo", limit_bytes / 1_000_000)]
    PayloadTooLarge { limit_bytes: u64 },

    /// A photo refused (format, size, damage) or that could not be processed.
    #[error("{0}")]
    Photo(#[from] linkedall_images::ImageError),

    /// The photo object store failed: the message says which operation and why.
    #[error("media storage error: {0}")]
    Media(String),

    #[error("the webhook signature does not match its body")]
    BadSignature,

    #[error("database error during {during}: {source}")]
    Database {
        during: &'static str,
        #[source]
        source: sqlx::Error,
    },

    #[error("session cache error during {during}: {source}")]
    Cache {
        during: &'static str,
        #[source]
        source: redis::RedisError,
    },

    #[error("the Supabase key set could not be fetched: {0}")]
    KeySet(String),

    /// The payment provider did not answer, or refused: the message says which call and why.
    #[error("payment provider error: {0}")]
    PaymentProvider(String),

    /// Another service we call (Cloudflare's API) failed: the message says which and why.
    #[error("{0}")]
    Upstream(String),
    /// The event bus (NATS JetStream) did not take or give an event: the message says which.
    #[error("event bus error: {0}")]
    EventBus(String),

    #[error("could not apply database migrations: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),

    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),

    /// An event that could not be written or read as its schema says.
    #[error(transparent)]
    Event(#[from] linkedall_events_schema::SchemaError),

    #[error("invalid configuration: {0}")]
    Config(String),

    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<linkedall_store::Error> for Error {
    /// The store's failures in the API's terms: each kind keeps its status and problem type.
    fn from(error: linkedall_store::Error) -> Self {
        use linkedall_store::Error as Store;
        match error {
            Store::NotFound { what } => Error::NotFound { what },
            Store::InvalidInput(e) => Error::InvalidInput(e),
            Store::InvalidParameter { name, message } => Error::InvalidParameter { name, message },
            Store::Forbidden(why) => Error::Forbidden(why),
            Store::Unauthenticated(why) => Error::Unauthenticated(why),
            Store::EmailTaken => Error::EmailTaken,
            Store::InsufficientStock { product, name, available } => {
                Error::InsufficientStock { product, name, available }
            }
            Store::IllegalTransition { what, action, state } => {
                Error::IllegalTransition { what, action, state }
            }
            Store::IdempotencyKeyInFlight => Error::IdempotencyKeyInFlight,
            Store::IdempotencyKeyReused => Error::IdempotencyKeyReused,
            Store::Unprocessable(why) => Error::Unprocessable(why),
            Store::PaymentMismatch(why) => Error::PaymentMismatch(why),
            Store::Database { during, source } => Error::Database { during, source },
            Store::Migration(e) => Error::Migration(e),
            Store::Corrupt(why) => Error::Corrupt(why),
            Store::Config(why) => Error::Config(why),
            Store::Io(e) => Error::Io(e),
            Store::Event(e) => Error::Event(e),
        }
    }
}

impl From<linkedall_events::Error> for Error {
    /// The events' failures in the API's terms (admin routes read and replay events).
    fn from(error: linkedall_events::Error) -> Self {
        use linkedall_events::Error as Events;
        match error {
            Events::NotFound { what } => Error::NotFound { what },
            Events::Unprocessable(why) => Error::Unprocessable(why),
            Events::EventBus(why) => Error::EventBus(why),
            Events::Corrupt(why) => Error::Corrupt(why),
            Events::InvalidInput(e) => Error::InvalidInput(e),
            Events::Store(e) => Error::from(e),
            Events::Schema(e) => Error::Event(e),
        }
    }
}

impl Error {
    /// Wraps a database error with the operation that raised it.
    pub fn db(during: &'static str) -> impl FnOnce(sqlx::Error) -> Error {
        move |source| Error::Database { during, source }
    }

    /// Wraps a Redis error with the operation that raised it.
    pub fn cache(during: &'static str) -> impl FnOnce(redis::RedisError) -> Error {
        move |source| Error::Cache { during, source }
    }

    fn status(&self) -> StatusCode {
        match self {
            Error::NotFound { .. } | Error::NoSuchRoute { .. } => StatusCode::NOT_FOUND,
            Error::InvalidInput(_)
            | Error::InvalidParameter { .. }
            | Error::MissingHeader { .. }
            | Error::InvalidBody(_) => StatusCode::BAD_REQUEST,
            Error::Unauthenticated(_) | Error::WrongCredentials | Error::BadSignature => {
                StatusCode::UNAUTHORIZED
            }
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::EmailTaken
            | Error::InsufficientStock { .. }
            | Error::IllegalTransition { .. }
            | Error::IdempotencyKeyInFlight
            | Error::PaymentMismatch(_) => StatusCode::CONFLICT,
            Error::IdempotencyKeyReused | Error::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Error::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Error::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::Photo(linkedall_images::ImageError::UnsupportedFormat { .. }) => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            Error::Photo(photo) if photo.is_input_error() => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Database { source: sqlx::Error::PoolTimedOut, .. }
            | Error::Cache { .. }
            | Error::KeySet(_)
            | Error::HashingBusy
            | Error::EventBus(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::PaymentProvider(_) | Error::Upstream(_) => StatusCode::BAD_GATEWAY,
            Error::Database { .. }
            | Error::Migration(_)
            | Error::Corrupt(_)
            | Error::Event(_)
            | Error::Config(_)
            | Error::Photo(_)
            | Error::Media(_)
            | Error::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem type: a stable, documented slug per kind of failure.
    fn kind(&self) -> &'static str {
        match self {
            Error::NotFound { .. } => "not-found",
            Error::InvalidInput(_) | Error::InvalidParameter { .. } => "invalid-parameter",
            Error::MissingHeader { .. } => "missing-header",
            Error::InvalidBody(_) => "invalid-body",
            Error::UnsupportedMediaType(_) => "unsupported-media-type",
            Error::Unauthenticated(_) => "unauthenticated",
            Error::WrongCredentials => "wrong-credentials",
            Error::Forbidden(_) => "forbidden",
            Error::TooManyAttempts { .. } => "too-many-attempts",
            Error::HashingBusy => "busy",
            Error::EmailTaken => "email-taken",
            Error::InsufficientStock { .. } => "insufficient-stock",
            Error::IllegalTransition { .. } => "illegal-transition",
            Error::IdempotencyKeyInFlight => "idempotency-key-in-flight",
            Error::IdempotencyKeyReused => "idempotency-key-reused",
            Error::Unprocessable(_) => "unprocessable",
            Error::PaymentMismatch(_) => "payment-mismatch",
            Error::BadSignature => "bad-signature",
            Error::NoSuchRoute { .. } => "no-such-route",
            Error::MethodNotAllowed { .. } => "method-not-allowed",
            Error::Database { source: sqlx::Error::PoolTimedOut, .. } => "overloaded",
            Error::Cache { .. } | Error::KeySet(_) | Error::EventBus(_) => "unavailable",
            Error::PaymentProvider(_) => "payment-provider",
            Error::Upstream(_) => "upstream",
            Error::PayloadTooLarge { .. } => "payload-too-large",
            Error::Photo(photo) if photo.is_input_error() => match photo {
                linkedall_images::ImageError::Empty => "photo-empty",
                linkedall_images::ImageError::UnsupportedFormat { .. } => "photo-unsupported-format",
                linkedall_images::ImageError::Polyglot { .. } => "photo-polyglot",
                linkedall_images::ImageError::TooLarge { .. } => "photo-too-large",
                linkedall_images::ImageError::MemoryLimit { .. } => "photo-memory-limit",
                _ => "photo-malformed",
            },
            _ => "internal",
        }
    }
}

/// RFC 9457 problem details.
#[derive(Debug, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        let detail = if status.is_server_error() {
            // Internal details go to the log, not to the caller.
            tracing::error!(error = %self, "request failed");
            match status {
                StatusCode::SERVICE_UNAVAILABLE => {
                    "The shop is busy right now. Please retry in a few seconds.".to_owned()
                }
                StatusCode::BAD_GATEWAY => "The payment provider could not take this request right now. \
                                            Nothing was charged; please retry in a minute."
                    .to_owned(),
                _ => "Something went wrong on our side. Please retry; if it keeps happening, \
                      contact support with the x-request-id of this response."
                    .to_owned(),
            }
        } else {
            self.to_string()
        };
        let problem = Problem {
            kind: format!("/problems/{}", self.kind()),
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail,
        };
        let mut response = (status, axum::Json(problem)).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        }
        if let Error::TooManyAttempts { retry_after_secs } = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        if let Error::Unauthenticated(_) = self {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<axum::extract::rejection::PathRejection> for Error {
    fn from(rejection: axum::extract::rejection::PathRejection) -> Self {
        Error::InvalidParameter { name: "path", message: rejection.body_text() }
    }
}

impl From<axum::extract::rejection::JsonRejection> for Error {
    fn from(rejection: axum::extract::rejection::JsonRejection) -> Self {
        Error::InvalidBody(rejection.body_text())
    }
}
