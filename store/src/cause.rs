//! The cause of an event: which request (trace), from which address and country. It is set
//! once per request by `observe` and read where the outbox row is written, deep inside a store
//! transaction, so no store method needs another parameter to carry it.

use std::future::Future;

tokio::task_local! {
    static CAUSE: Cause;
}

/// What the outbox row remembers about the request that caused the change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cause {
    /// W3C `traceparent` of the request (or of the event a consumer was handling).
    pub traceparent: Option<String>,
    /// The client's address, for fraud checks (velocity per address).
    pub client_ip: Option<String>,
    /// ISO country the edge saw the shopper in (`x-linkedall-country`), for analytics.
    pub country: Option<String>,
}

impl Cause {
    /// Runs `work` with `self` as the cause of every event it writes.
    pub async fn scope<F: Future>(self, work: F) -> F::Output {
        CAUSE.scope(self, work).await
    }

    /// The cause in effect, or none (a background job outside any request).
    pub fn current() -> Cause {
        CAUSE.try_with(Clone::clone).unwrap_or_default()
    }
}
