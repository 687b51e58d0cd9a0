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
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps a database error with the operation that raised it.
    pub fn db(during: &'static str) -> impl FnOnce(sqlx::Error) -> Error {
        move |source| Error::Database { during, source }
    }

    fn status(&self) -> StatusCode {
        match self {
            Error::NotFound { .. } | Error::NoSuchRoute { .. } => StatusCode::NOT_FOUND,
            Error::InvalidInput(_) | Error::InvalidParameter { .. } => StatusCode::BAD_REQUEST,
            Error::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Error::Database { source: sqlx::Error::PoolTimedOut, .. } => StatusCode::SERVICE_UNAVAILABLE,
            Error::Database { .. }
            | Error::Migration(_)
            | Error::Corrupt(_)
            | Error::Config(_)
            | Error::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem type: a stable, documented slug per kind of failure.
    fn kind(&self) -> &'static str {
        match self {
            Error::NotFound { .. } => "not-found",
            Error::InvalidInput(_) | Error::InvalidParameter { .. } => "invalid-parameter",
            Error::NoSuchRoute { .. } => "no-such-route",
            Error::MethodNotAllowed { .. } => "method-not-allowed",
            Error::Database { source: sqlx::Error::PoolTimedOut, .. } => "overloaded",
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
        response
    }
}

impl From<axum::extract::rejection::PathRejection> for Error {
    fn from(rejection: axum::extract::rejection::PathRejection) -> Self {
        Error::InvalidParameter { name: "path", message: rejection.body_text() }
    }
}
