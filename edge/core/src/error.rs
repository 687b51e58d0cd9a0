//! The edge's one error type: why a page could not be rendered, and what the shopper sees.

use linkedall_shared::DomainError;

use crate::host::OriginError;

#[derive(Debug, thiserror::Error)]
pub enum EdgeError {
    /// The thing asked for does not exist (unknown product, category, vendor, asset).
    #[error("{0}")]
    NotFound(String),

    /// The origin refused the request as malformed (e.g. search text it will not take); the
    /// shopper can fix it, so this is their 400, not our 502.
    #[error("{0}")]
    BadRequest(String),

    /// No answer from the origin.
    #[error(transparent)]
    Origin(#[from] OriginError),

    /// The origin answered with a server error.
    #[error("the origin answered {status}")]
    OriginStatus { status: u16 },

    /// The origin's bytes could not be read (e.g. a newer wire format version).
    #[error("could not read the origin's answer: {0}")]
    Wire(#[from] DomainError),

    /// A JSON answer of the origin's account, cart or order API that the edge cannot read.
    #[error("could not read the origin's JSON answer: {0}")]
    Json(String),

    #[error("could not render the page: {0}")]
    Render(#[from] askama::Error),
}

impl EdgeError {
    /// The status code the shopper receives.
    pub fn status(&self) -> u16 {
        // 503 (with Retry-After) when nothing answered: retrying soon may well work. 502 when
        // the origin answered something unusable: a deploy or bug, not a blip.
        match self {
            EdgeError::NotFound(_) => 404,
            EdgeError::BadRequest(_) => 400,
            EdgeError::Origin(_) => 503,
            EdgeError::OriginStatus { .. } | EdgeError::Wire(_) | EdgeError::Json(_) => 502,
            EdgeError::Render(_) => 500,
        }
    }
}
