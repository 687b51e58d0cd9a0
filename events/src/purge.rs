//! Where edge-cache purges go. The edge-purge consumer turns product and vendor events into
//! cache tags; a [`PurgeSink`] takes them to the edge. [`JournalPurges`] records them in the
//! purge journal every edge host reads (what the origin runs); [`LoggedPurges`] only logs
//! and remembers them (for tests).
//!
//! A sink writes through the consumer's own transaction ([`WriteTx`]), never a connection of
//! its own: on SQLite (one writer) a second connection waits for the consumer's transaction,
//! which waits for it — every product event stalled all writes until the busy timeout and
//! ended as a dead letter.

use std::future::Future;
use std::sync::{Arc, Mutex};

use crate::error::Error;
use linkedall_store::write_tx::WriteTx;

/// Purges every cached page carrying any of `tags` (`product:42`, `category:3`, `home` …).
/// Must be idempotent: a purge is repeated when its event is redelivered. Writes to the
/// database go through `tx`, the consumer's transaction, so they commit with the event.
pub trait PurgeSink: Send + Sync + 'static {
    fn purge(&self, tx: &mut WriteTx, tags: Vec<String>) -> impl Future<Output = Result<(), Error>> + Send;
}

/// Records purges in the purge journal (`store::purges`), which every edge host follows and
/// the Cloudflare forwarder sends on, in the consumer's transaction.
#[derive(Clone, Copy, Default)]
pub struct JournalPurges;

impl PurgeSink for JournalPurges {
    async fn purge(&self, tx: &mut WriteTx, tags: Vec<String>) -> Result<(), Error> {
        let selectors = tags
            .iter()
            .map(|tag| linkedall_shared::PurgeSelector::tag(tag))
            .collect::<Result<Vec<_>, _>>()?;
        tx.record_purges(&selectors).await?;
        tracing::info!(?tags, "edge cache purge recorded from an event");
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
    async fn purge(&self, _tx: &mut WriteTx, tags: Vec<String>) -> Result<(), Error> {
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
