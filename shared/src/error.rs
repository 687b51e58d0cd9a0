use thiserror::Error;

use crate::Currency;

/// Why a value from outside (a URL, a query string, a byte buffer) was refused.
///
/// Every message is written for the person who sent the value: it says what was wrong and
/// what would be accepted, so the origin and the edge can show it as is.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DomainError {
    #[error("`{value}` is not a valid {kind} id: expected a positive whole number")]
    InvalidId { kind: &'static str, value: String },

    #[error("`{value}` is not a valid limit: expected a whole number from 1 to {max}")]
    InvalidLimit { value: String, max: u32 },

    #[error("`{value}` is not a valid cursor: use the `next_cursor` value of the previous page")]
    InvalidCursor { value: String },

    #[error("`{value}` is not a currency we trade in: expected one of {expected}")]
    UnknownCurrency { value: String, expected: String },

    #[error("{0}")]
    StockSheet(#[from] crate::stock_sheet::SheetError),

    #[error("amount {minor} is out of range for money")]
    AmountOutOfRange { minor: i128 },

    #[error("a price of {minor} minor units is out of range: expected 0 to {} ({max})", max.minor)]
    PriceOutOfRange { minor: i64, max: crate::Money },

    #[error("cannot combine {left} with {right}: amounts in different currencies")]
    CurrencyMismatch { left: Currency, right: Currency },

    #[error(
        "wire format version {found} is not understood by this build (it reads version {expected}); \
         deploy matching edge and origin versions"
    )]
    WireVersion { expected: u8, found: u8 },

    #[error("the payload is empty: expected a wire format version byte followed by postcard data")]
    WireEmpty,

    #[error("invalid {what}: {why}")]
    Invalid { what: &'static str, why: String },

    #[error("the payload could not be decoded: {0}")]
    WireDecode(String),
}
