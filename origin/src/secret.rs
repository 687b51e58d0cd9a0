//! A secret setting (signing key, API key, token): its value is read only where it is used,
//! through [`Secret::expose`], and `Debug` and `Display` print `[redacted]`, so a settings
//! struct can be logged, or end up in a panic message, without handing the secret out.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

/// A secret value; printing it shows `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// 256 random bits, hex-encoded: a real secret for one test or one run, never a default.
    pub fn random() -> Secret {
        let bytes: [u8; 32] = rand::random();
        Secret(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The value, for the one place that needs it (signing, an `Authorization` header).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Empty or only whitespace: as good as unset.
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }
}

/// Compares a presented token with the expected one in time that depends only on their
/// lengths, so a guesser learns nothing from how long a refusal took.
pub fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len() && given.iter().zip(expected).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether the request carries `expected` as its `Authorization: Bearer` token (compared with
/// [`same_secret`]).
pub fn bears_token(headers: &axum::http::HeaderMap, expected: &str) -> bool {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .is_some_and(|given| same_secret(given.as_bytes(), expected.as_bytes()))
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl FromStr for Secret {
    type Err = Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Secret::new(value))
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}
