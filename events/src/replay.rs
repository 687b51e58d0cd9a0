//! Event sourcing: the outbox keeps every event in commit order (`seq`), so the read models
//! (order history, vendor sales, order analytics) can be rebuilt from it alone — after a bug
//! fix in a projection, or to check that the live projections are right.
//!
//! `origin replay` empties the read models and applies every event through the same
//! consumers that keep them live (so processed ids are recorded too, and the live consumers
//! skip what the replay applied). With `--snapshot-every N` it saves the read models every N
//! events; `--from-snapshot` starts from the newest snapshot instead of from nothing.

use serde::Serialize;

use crate::consumer::process;
use crate::consumers::read_models;
use crate::error::Result;
use linkedall_store::Store;

pub use linkedall_store::read_models::ReadModels;

/// Events read per query while replaying.
const PAGE: i64 = 500;

#[derive(Debug, Clone, Copy, Default)]
pub struct ReplayOptions {
    /// Start from the newest snapshot rather than from nothing.
    pub from_snapshot: bool,
    /// Save a snapshot every this many events.
    pub snapshot_every: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReplayReport {
    /// Events read from the store (each applied to the read models that want it).
    pub events: u64,
    /// The sequence number the replay started after (0 from scratch).
    pub started_after: i64,
    pub snapshots_taken: u64,
}

/// Rebuilds the read models (see the module docs).
pub async fn rebuild(store: &Store, options: ReplayOptions) -> Result<ReplayReport> {
    let models = read_models();
    let names: Vec<&str> = models.iter().map(|m| m.name()).collect();
    let snapshot = if options.from_snapshot { latest_snapshot(store).await? } else { None };
    let started_after = snapshot.as_ref().map_or(0, |(seq, _)| *seq);
    store.reset_read_models(&names, snapshot).await?;
    tracing::info!(started_after, ?names, "replaying events into the read models");

    let (mut after, mut events, mut snapshots_taken) = (started_after, 0u64, 0u64);
    loop {
        let page = store.events_after(after, PAGE).await?;
        let full = page.len() as i64 == PAGE;
        for stored in page {
            after = stored.seq;
            let envelope = stored.into_envelope();
            for model in &models {
                process(store, model.as_ref(), &envelope).await?;
            }
            events += 1;
            if options.snapshot_every.is_some_and(|n| n > 0 && events % n == 0) {
                take_snapshot(store, after).await?;
                snapshots_taken += 1;
            }
        }
        if !full {
            break;
        }
    }
    metrics::counter!("events_replayed_total").increment(events);
    tracing::info!(events, snapshots_taken, "read models rebuilt");
    Ok(ReplayReport { events, started_after, snapshots_taken })
}

/// Saves the read models as they are after event `seq`.
pub async fn take_snapshot(store: &Store, seq: i64) -> Result<()> {
    Ok(store.save_read_models(seq, &store.read_models().await?).await?)
}

/// The newest snapshot, unless it is of an older shape than the read models now.
async fn latest_snapshot(store: &Store) -> Result<Option<(i64, ReadModels)>> {
    let Some(saved) = store.newest_read_models_snapshot().await? else { return Ok(None) };
    Ok(match serde_json::from_str(&saved.state) {
        Ok(models) => Some((saved.seq, models)),
        Err(error) => {
            // Taken before the read models changed shape (paid orders were added to the
            // analytics): rebuilding from scratch is slower but right.
            tracing::warn!(seq = saved.seq, %error, "the newest snapshot is of an older shape; replaying from the start");
            None
        }
    })
}
