//! Typed ids, so a product id can never be passed where a vendor id is expected, and so that
//! parsing a path segment is the only way to get one from outside.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::DomainError;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// Wraps a value read from our own database. Values from outside go through `parse`.
            pub const fn new(value: i64) -> Self {
                Self(value)
            }

            pub const fn get(self) -> i64 {
                self.0
            }

            /// Parses an id from untrusted text: digits only, greater than zero, fits in i64.
            pub fn parse(value: &str) -> Result<Self, DomainError> {
                let invalid = || DomainError::InvalidId { kind: $kind, value: truncate(value) };
                if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(invalid());
                }
                match value.parse::<i64>() {
                    Ok(n) if n > 0 => Ok(Self(n)),
                    _ => Err(invalid()),
                }
            }
        }

        impl FromStr for $name {
            type Err = DomainError;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::parse(value)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A product on sale by one vendor.
    ProductId,
    "product"
);
id_type!(
    /// A shop selling on the marketplace.
    VendorId,
    "vendor"
);
id_type!(
    /// A catalog category such as phones or groceries.
    CategoryId,
    "category"
);

/// Echoing a megabyte of hostile input back in an error message helps nobody.
pub(crate) fn truncate(value: &str) -> String {
    const MAX: usize = 64;
    if value.len() <= MAX {
        return value.to_owned();
    }
    let mut end = MAX;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &value[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positive_digits_parse() {
        assert_eq!(ProductId::parse("42").unwrap().get(), 42);
        assert_eq!(VendorId::parse("9223372036854775807").unwrap().get(), i64::MAX);
    }

    #[test]
    fn zero_negative_signed_and_junk_are_refused_with_the_kind_named() {
        for bad in
            ["0", "-1", "+1", "1.5", "", " 1", "1e3", "abc", "9223372036854775808", "1; DROP TABLE products"]
        {
            let err = ProductId::parse(bad).unwrap_err();
            assert!(err.to_string().contains("product id"), "{bad}: {err}");
        }
    }

    #[test]
    fn long_input_is_truncated_in_the_message() {
        let long = "x".repeat(10_000);
        let msg = CategoryId::parse(&long).unwrap_err().to_string();
        assert!(msg.len() < 200, "{msg}");
    }
}
