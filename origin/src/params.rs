//! Query-string parsing that answers bad input with our problem details rather than a
//! framework's plain-text rejection.

use axum::extract::{FromRequestParts, RawQuery};
use axum::http::request::Parts;

use crate::error::Error;

/// The decoded query string. Repeated keys keep their first value.
#[derive(Debug, Default)]
pub struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    pub fn parse(raw: Option<&str>) -> Self {
        Self(form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect())
    }

    /// The value of `name`, `None` when absent or empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
    }

    /// Every pair, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Parses `name` with `parse` when present.
    pub fn parsed<T, E: Into<Error>>(
        &self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, Error> {
        self.get(name).map(parse).transpose().map_err(Into::into)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let RawQuery(raw) = RawQuery::from_request_parts(parts, state).await.unwrap_or(RawQuery(None));
        Ok(QueryParams::parse(raw.as_deref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_value_wins_and_empty_counts_as_absent() {
        let q = QueryParams::parse(Some("q=phone%20case&limit=&q=other&cursor=12"));
        assert_eq!(q.get("q"), Some("phone case"));
        assert_eq!(q.get("limit"), None);
        assert_eq!(q.get("cursor"), Some("12"));
        assert_eq!(q.get("missing"), None);
    }
}
