//! The origin's one error type, and its one mapping to HTTP: an RFC 9457
//! `application/problem+json` body whose `detail` tells the caller what to change.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use linkedall_events::Error as EventsError;
use linkedall_shared::DomainError;
use linkedall_store::Error as StoreError;
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

    #[error("cannot {action} {what}: it is {state}")]
    IllegalTransition { what: String, action: &'static str, state: &'static str },

    #[error("{0}")]
    Unprocessable(String),

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

    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),

    #[error("invalid configuration: {0}")]
    Config(String),

    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),

    /// The store refused or failed: its error says why, in the shop's terms, and keeps its
    /// status here (see [`Error::status`]).
    #[error(transparent)]
    Store(#[from] linkedall_store::Error),

    /// The events failed (an admin reading a read model or replaying a dead letter).
    #[error(transparent)]
    Events(linkedall_events::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<linkedall_events::Error> for Error {
    /// A store failure met by the events is the store's, wherever it surfaced.
    fn from(error: linkedall_events::Error) -> Self {
        match error {
            linkedall_events::Error::Store(store) => Error::Store(store),
            other => Error::Events(other),
        }
    }
}

impl Error {
    /// Wraps a Redis error with the operation that raised it.
    pub fn cache(during: &'static str) -> impl FnOnce(redis::RedisError) -> Error {
        move |source| Error::Cache { during, source }
    }

    fn status(&self) -> StatusCode {
        match self {
            Error::Store(
                StoreError::InvalidInput(DomainError::StockSheet(_))
                | StoreError::StockSheetHasProblems { .. },
            ) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::NotFound { .. }
            | Error::NoSuchRoute { .. }
            | Error::Store(StoreError::NotFound { .. })
            | Error::Events(EventsError::NotFound { .. }) => StatusCode::NOT_FOUND,
            Error::InvalidInput(_)
            | Error::InvalidParameter { .. }
            | Error::MissingHeader { .. }
            | Error::InvalidBody(_)
            | Error::Store(
                StoreError::InvalidInput(_)
                | StoreError::InvalidParameter { .. }
                | StoreError::ResetLinkInvalid,
            )
            | Error::Events(EventsError::InvalidInput(_)) => StatusCode::BAD_REQUEST,
            Error::Unauthenticated(_)
            | Error::WrongCredentials
            | Error::BadSignature
            | Error::Store(StoreError::Unauthenticated(_)) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_)
            | Error::Store(StoreError::Forbidden(_) | StoreError::NotDeliveredToYou { .. }) => {
                StatusCode::FORBIDDEN
            }
            Error::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::IllegalTransition { .. }
            | Error::Store(
                StoreError::EmailTaken
                | StoreError::InsufficientStock { .. }
                | StoreError::IllegalTransition { .. }
                | StoreError::IdempotencyKeyInFlight
                | StoreError::PaymentMismatch(_)
                | StoreError::QuoteChanged { .. }
                | StoreError::AlreadyReviewed { .. }
                | StoreError::TooManyPhotos { .. }
                | StoreError::PhotoAlreadyThere { .. }
                | StoreError::ShopSuspended { .. },
            ) => StatusCode::CONFLICT,
            Error::Unprocessable(_)
            | Error::Store(
                StoreError::IdempotencyKeyReused
                | StoreError::Unprocessable(_)
                | StoreError::NoExchangeRate { .. }
                | StoreError::DoesNotDeliver { .. }
                | StoreError::InvalidReview(_),
            )
            | Error::Events(EventsError::Unprocessable(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Error::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Error::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::Photo(linkedall_images::ImageError::UnsupportedFormat { .. }) => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            Error::Photo(photo) if photo.is_input_error() => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Store(store) if store.is_overload() => StatusCode::SERVICE_UNAVAILABLE,
            Error::Cache { .. }
            | Error::KeySet(_)
            | Error::HashingBusy
            | Error::EventBus(_)
            | Error::Events(EventsError::EventBus(_)) => StatusCode::SERVICE_UNAVAILABLE,
            Error::PaymentProvider(_) | Error::Upstream(_) => StatusCode::BAD_GATEWAY,
            Error::Store(_)
            | Error::Events(_)
            | Error::Corrupt(_)
            | Error::Config(_)
            | Error::Photo(_)
            | Error::Media(_)
            | Error::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem type: a stable, documented slug per kind of failure.
    fn kind(&self) -> &'static str {
        match self {
            Error::Store(StoreError::InvalidInput(DomainError::StockSheet(sheet))) => sheet.kind(),
            Error::Store(StoreError::StockSheetHasProblems { .. }) => "stock-sheet-has-mistakes",
            Error::NotFound { .. }
            | Error::Store(StoreError::NotFound { .. })
            | Error::Events(EventsError::NotFound { .. }) => "not-found",
            Error::InvalidInput(_)
            | Error::InvalidParameter { .. }
            | Error::Store(StoreError::InvalidInput(_) | StoreError::InvalidParameter { .. })
            | Error::Events(EventsError::InvalidInput(_)) => "invalid-parameter",
            Error::MissingHeader { .. } => "missing-header",
            Error::InvalidBody(_) => "invalid-body",
            Error::UnsupportedMediaType(_) => "unsupported-media-type",
            Error::Unauthenticated(_) | Error::Store(StoreError::Unauthenticated(_)) => "unauthenticated",
            Error::WrongCredentials => "wrong-credentials",
            Error::Forbidden(_) | Error::Store(StoreError::Forbidden(_)) => "forbidden",
            Error::TooManyAttempts { .. } => "too-many-attempts",
            Error::HashingBusy => "busy",
            Error::Store(StoreError::EmailTaken) => "email-taken",
            Error::Store(StoreError::InsufficientStock { .. }) => "insufficient-stock",
            Error::IllegalTransition { .. } | Error::Store(StoreError::IllegalTransition { .. }) => {
                "illegal-transition"
            }
            Error::Store(StoreError::IdempotencyKeyInFlight) => "idempotency-key-in-flight",
            Error::Store(StoreError::IdempotencyKeyReused) => "idempotency-key-reused",
            Error::Unprocessable(_)
            | Error::Store(StoreError::Unprocessable(_))
            | Error::Events(EventsError::Unprocessable(_)) => "unprocessable",
            Error::Store(StoreError::PaymentMismatch(_)) => "payment-mismatch",
            Error::Store(StoreError::QuoteChanged { .. }) => "quote-changed",
            Error::Store(StoreError::NoExchangeRate { .. }) => "no-exchange-rate",
            Error::Store(StoreError::DoesNotDeliver { .. }) => "does-not-deliver",
            Error::Store(StoreError::ShopSuspended { .. }) => "shop-suspended",
            Error::Store(StoreError::ResetLinkInvalid) => "reset-link-invalid",
            Error::Store(StoreError::NotDeliveredToYou { .. }) => "not-delivered-to-you",
            Error::Store(StoreError::AlreadyReviewed { .. }) => "already-reviewed",
            Error::Store(StoreError::InvalidReview(_)) => "invalid-review",
            Error::Store(StoreError::TooManyPhotos { .. }) => "too-many-photos",
            Error::Store(StoreError::PhotoAlreadyThere { .. }) => "photo-already-there",
            Error::BadSignature => "bad-signature",
            Error::NoSuchRoute { .. } => "no-such-route",
            Error::MethodNotAllowed { .. } => "method-not-allowed",
            Error::Store(store) if store.is_overload() => "overloaded",
            Error::Cache { .. }
            | Error::KeySet(_)
            | Error::EventBus(_)
            | Error::Events(EventsError::EventBus(_)) => "unavailable",
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
