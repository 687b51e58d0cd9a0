//! The store's one error type. It says what went wrong in the shop's terms; the API maps each
//! kind to an HTTP status (`linkedall-origin`'s `error.rs`), the relay and consumers log it.

use linkedall_shared::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{what} was not found")]
    NotFound { what: String },

    #[error("{0}")]
    InvalidInput(#[from] DomainError),

    #[error("invalid `{name}` parameter: {message}")]
    InvalidParameter { name: &'static str, message: String },

    /// Who asked may not (a Supabase account without a usable email, another vendor's product).
    #[error("{0}")]
    Forbidden(String),

    #[error("sign in first: {0}")]
    Unauthenticated(&'static str),

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

    /// A stock sheet with a mistake on `lines` lines (the first on line `first`): nothing
    /// was changed.
    #[error(
        "the stock sheet has {lines} line(s) with a mistake, the first on line {first}; preview it to see them"
    )]
    StockSheetHasProblems { lines: u32, first: u32 },

    /// Only a shopper who received a product may review it.
    #[error("product {product} was not delivered to you: only shoppers who received it may review it")]
    NotDeliveredToYou { product: i64 },

    #[error("you already reviewed product {product}: a shopper reviews a product once")]
    AlreadyReviewed { product: i64 },

    /// A rating outside one to five stars, a text too long, an empty answer.
    #[error("{0}")]
    InvalidReview(String),

    /// A line's currency cannot be converted to the one the shopper pays in.
    #[error("there is no exchange rate from {from} to {to}; this product cannot be paid in {to} for now")]
    NoExchangeRate { from: linkedall_shared::Currency, to: linkedall_shared::Currency },

    /// The total the shopper was shown is no longer the price (a price or an exchange rate
    /// changed): nothing was ordered, and `total` is the new quote.
    #[error(
        "prices or exchange rates changed since the checkout was shown: the total is now {total}; confirm it and order again"
    )]
    QuoteChanged { total: linkedall_shared::Money },

    /// A shop asked to deliver where it does not (see [`linkedall_shared::ShippingZone`]):
    /// nothing was ordered or added.
    #[error("{shop} does not deliver to {}", linkedall_shared::Market::of_country(country).name)]
    DoesNotDeliver { shop: String, country: &'static str },

    /// A product has as many photos as it may: one must go before another is added.
    #[error("product {product} has {limit} photos, the most a product may have: remove one first")]
    TooManyPhotos { product: i64, limit: usize },

    /// The photo uploaded is already one of the product's photos.
    #[error("this photo is already one of product {product}'s photos")]
    PhotoAlreadyThere { product: i64 },

    /// A product of a shop an admin suspended: it cannot be added to a cart or ordered.
    #[error("{shop} is suspended: its products cannot be bought for now")]
    ShopSuspended { shop: String },

    /// A password reset link that is unknown, used already or expired.
    #[error("this password reset link has expired or was used already; ask for a new one")]
    ResetLinkInvalid,

    /// A payment webhook whose amount or currency is not the charge's: not applied.
    #[error("{0}")]
    PaymentMismatch(String),

    #[error("database error during {during}: {source}")]
    Database {
        during: &'static str,
        #[source]
        source: sqlx::Error,
    },

    #[error("could not apply database migrations: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),

    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),

    #[error("invalid configuration: {0}")]
    Config(String),

    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),

    /// An event that could not be written or read as its schema says.
    #[error(transparent)]
    Event(#[from] linkedall_events_schema::SchemaError),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// True when the database could not give a connection in time: the shop is busy, and the
    /// caller may retry shortly (the API answers 503 with `Retry-After`).
    pub fn is_overload(&self) -> bool {
        matches!(self, Error::Database { source: sqlx::Error::PoolTimedOut, .. })
    }

    /// Wraps a database error with the operation that raised it.
    pub fn db(during: &'static str) -> impl FnOnce(sqlx::Error) -> Error {
        move |source| Error::Database { during, source }
    }
}
