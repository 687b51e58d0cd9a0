//! Content negotiation: JSON for public API clients, the versioned postcard wire format for
//! the edge (`Accept: application/x-postcard`).

use std::convert::Infallible;

use axum::body::Bytes;
use axum::extract::FromRequestParts;
use axum::http::{HeaderValue, header, request::Parts};
use axum::response::{IntoResponse, Response};
use linkedall_shared::wire;
use serde::Serialize;

/// The body format a request asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Postcard,
}

impl Format {
    /// Serialises `value` in this format.
    pub fn render<T: Serialize>(self, value: &T) -> Response {
        match self {
            Format::Json => axum::Json(value).into_response(),
            Format::Postcard => {
                let mut response = wire::encode(value).into_response();
                response
                    .headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static(wire::MEDIA_TYPE));
                response
            }
        }
    }
}

impl Format {
    /// `value` encoded in this format, as the body [`Format::render`] would send; the catalog
    /// cache keeps these bytes.
    pub fn encode<T: Serialize>(self, value: &T) -> crate::error::Result<Bytes> {
        match self {
            Format::Json => serde_json::to_vec(value)
                .map(Bytes::from)
                .map_err(|e| crate::error::Error::Corrupt(format!("encoding JSON: {e}"))),
            Format::Postcard => Ok(Bytes::from(wire::encode(value))),
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Postcard => wire::MEDIA_TYPE,
        }
    }

    /// A 200 answer with `body`, already encoded in this format.
    pub fn respond(self, body: Bytes) -> Response {
        let mut response = body.into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(self.content_type()));
        response
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Format {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let wants_postcard = parts
            .headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|media| {
                media.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case(wire::MEDIA_TYPE))
            });
        Ok(if wants_postcard { Format::Postcard } else { Format::Json })
    }
}
