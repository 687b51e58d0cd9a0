//! Where edge-cache purges go. The edge-purge consumer turns product and vendor events into
//! cache tags; a [`PurgeSink`] takes them to the edge. [`JournalPurges`] records them in the
//! purge journal every edge host reads (what the origin runs); [`LoggedPurges`] only logs
//! and remembers them (for tests).

use std::future::Future;
use std::sync::{Arc, Mutex};

use crate::error::Error;

/// Purges every cached page carrying any of `tags` (`product:42`, `category:3`, `home` …).
/// Must be idempotent: a purge is repeated when its event is redelivered.
pub trait PurgeSink: Send + Sync + 'static {
    fn purge(&self, tags: Vec<String>) -> impl Future<Output = Result<(), Error>> + Send;
}

/// Records purges in the purge journal (`store::purges`), which every edge host follows and
/// the Cloudflare forwarder sends on.
#[derive(Clone)]
pub struct JournalPurges {
    store: crate::store::Store,
}

impl JournalPurges {
    pub fn new(store: crate::store::Store) -> Self {
        Self { store }
    }
}

impl PurgeSink for JournalPurges {
    async fn purge(&self, tags: Vec<String>) -> Result<(), Error> {
        let selectors = tags
            .iter()
            .map(|tag| linkedall_shared::PurgeSelector::tag(tag))
            .collect::<Result<Vec<_>, _>>()?;
        let seq = self.store.purge(&selectors).await?;
        tracing::info!(?tags, seq, "edge cache purge recorded from an event");
        Ok(())
    }
}

/// Logs and counts purges, and remembers them for tests and the admin view.
#[derive(Clone, Default)]
pub struct LoggedPurges {
    seen: Arc<Mutex<Vec<Vec<String>>>>,
}

impl LoggedPurges {
    /// Every purge so far, oldest first.
    pub fn purges(&self) -> Vec<Vec<String>> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl PurgeSink for LoggedPurges {
    async fn purge(&self, tags: Vec<String>) -> Result<(), Error> {
        for tag in &tags {
            let kind = tag.split(':').next().unwrap_or("other").to_owned();
            metrics::counter!("edge_purge_tags_total", "tag" => kind).increment(1);
        }
        tracing::info!(?tags, "edge cache purge");
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        // Bounded: the newest thousand are plenty to look at.
        if seen.len() >= 1000 {
            seen.remove(0);
        }
        seen.push(tags);
        Ok(())
    }
}
