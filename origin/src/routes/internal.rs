//! The routes for the shop's own machinery, not for shoppers: `/metrics` (Prometheus) and the
//! purge feed the edges read (`/api/v1/cache/purges`). One rule for both:
//!
//! - with a token configured (`LINKEDALL_METRICS_TOKEN`, `LINKEDALL_PURGE_FEED_TOKEN`), the
//!   reader presents it as `Authorization: Bearer …` (401 otherwise);
//! - without one, only this machine and the trusted edges themselves may read (403 otherwise).
//!   A shopper cannot pass as the edge: the edge names the shopper in `x-linkedall-client-ip`
//!   on every request it forwards, and reads the feed for itself without that header.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::AppState;
use crate::client_address::{ClientAddress, TrustedEdges};
use crate::error::{Error, Result};
use crate::secret::{Secret, bears_token};

/// The tokens the internal routes ask for; `None`: this machine and trusted edges only.
#[derive(Debug, Clone, Default)]
pub struct InternalTokens {
    metrics: Option<Arc<str>>,
    purge_feed: Option<Arc<str>>,
}

impl InternalTokens {
    pub fn new(metrics: Option<&Secret>, purge_feed: Option<&Secret>) -> InternalTokens {
        let token =
            |secret: Option<&Secret>| secret.filter(|s| !s.is_blank()).map(|s| Arc::from(s.expose().trim()));
        InternalTokens { metrics: token(metrics), purge_feed: token(purge_feed) }
    }
}

/// Someone allowed to read `/metrics`.
pub struct MetricsReader;

/// Someone allowed to read the purge feed: an edge, or an operator on this machine.
pub struct PurgeFeedReader;

impl FromRequestParts<AppState> for MetricsReader {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        admit_metrics_reader(parts, &state.internal_tokens, &state.trusted_edges).map(|()| MetricsReader)
    }
}

impl FromRequestParts<AppState> for PurgeFeedReader {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        admit(parts, &state.trusted_edges, state.internal_tokens.purge_feed.as_deref(), "purge_feed")
            .map(|()| PurgeFeedReader)
    }
}

/// Whether the request in `parts` may read `/metrics` (the API's, or a background role's).
pub fn admit_metrics_reader(parts: &Parts, tokens: &InternalTokens, trusted: &TrustedEdges) -> Result<()> {
    admit(parts, trusted, tokens.metrics.as_deref(), "metrics")
}

fn admit(parts: &Parts, trusted: &TrustedEdges, token: Option<&str>, route: &'static str) -> Result<()> {
    let refused = |reason: &'static str| {
        metrics::counter!("internal_route_refusals_total", "route" => route, "reason" => reason).increment(1);
        tracing::warn!(target: "security", action = "internal-route", outcome = "failure", route, reason, "internal route refused");
    };
    match token {
        Some(token) => {
            if bears_token(&parts.headers, token) {
                return Ok(());
            }
            refused("token");
            Err(Error::Unauthenticated("this route needs its bearer token"))
        }
        None => {
            let ClientAddress(caller) = ClientAddress::of(&parts.headers, &parts.extensions);
            if caller.is_loopback() || trusted.contains(caller) {
                return Ok(());
            }
            refused("address");
            Err(Error::Forbidden("this route is for the shop's own machines".into()))
        }
    }
}
