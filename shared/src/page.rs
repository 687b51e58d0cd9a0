//! Keyset pagination: a page is "the next `limit` rows after this cursor", never an OFFSET,
//! so page 40,000 of a million-product category costs what page 1 costs.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{DomainError, ProductId};

/// How many items a page holds: 1 to [`Limit::MAX`], [`Limit::DEFAULT`] when unspecified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Limit(u32);

impl Limit {
    pub const DEFAULT: Limit = Limit(24);
    pub const MAX: u32 = 100;

    pub fn parse(value: &str) -> Result<Self, DomainError> {
        let invalid = || DomainError::InvalidLimit { value: crate::ids::truncate(value), max: Self::MAX };
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        match value.parse::<u32>() {
            Ok(n) if (1..=Self::MAX).contains(&n) => Ok(Limit(n)),
            _ => Err(invalid()),
        }
    }

    pub const fn get(self) -> u32 {
        self.0
    }
}

impl Default for Limit {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Where the next page starts: the last product of the previous page. Clients treat it as
/// opaque text and hand back the `next_cursor` they were given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cursor(ProductId);

impl Cursor {
    pub const fn after(last: ProductId) -> Self {
        Self(last)
    }

    pub fn parse(value: &str) -> Result<Self, DomainError> {
        ProductId::parse(value)
            .map(Cursor)
            .map_err(|_| DomainError::InvalidCursor { value: crate::ids::truncate(value) })
    }

    pub const fn last_product(self) -> ProductId {
        self.0
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_outside_one_to_max_are_refused_with_the_range() {
        assert_eq!(Limit::parse("1").unwrap().get(), 1);
        assert_eq!(Limit::parse("100").unwrap().get(), 100);
        for bad in ["0", "101", "-5", "99999999999999999999", "ten", ""] {
            let msg = Limit::parse(bad).unwrap_err().to_string();
            assert!(msg.contains("1 to 100"), "{bad}: {msg}");
        }
    }

    #[test]
    fn cursors_round_trip_and_junk_is_refused() {
        let cursor = Cursor::after(ProductId::new(77));
        assert_eq!(Cursor::parse(&cursor.to_string()).unwrap(), cursor);
        assert!(matches!(Cursor::parse("' OR 1=1 --"), Err(DomainError::InvalidCursor { .. })));
    }
}
