//! Event sourcing: the outbox keeps every event in commit order (`seq`), so the read models
//! (order history, vendor sales, order analytics) can be rebuilt from it alone — after a bug
//! fix in a projection, or to check that the live projections are right.
//!
//! `origin replay` empties the read models and applies every event through the same
//! consumers that keep them live (so processed ids are recorded too, and the live consumers
//! skip what the replay applied). With `--snapshot-every N` it saves the read models every N
//! events; `--from-snapshot` starts from the newest snapshot instead of from nothing.

use serde::{Deserialize, Serialize};

use crate::consumer::process;
use crate::consumers::read_models;
use crate::error::{Error, Result};
use crate::relay::{StoredEvent, stored_event_columns};
use linkedall_store::Store;

/// Events read per query while replaying.
const PAGE: i64 = 500;

/// The read models' rows, in a stable order: what a snapshot holds and what tests compare.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadModels {
    /// (order, shopper, state, currency, total minor)
    pub order_history: Vec<(i64, i64, String, String, i64)>,
    /// (vendor, currency, orders, gross minor)
    pub vendor_sales: Vec<(i64, String, i64, i64)>,
    /// (minute, currency, country, orders, gmv minor, paid)
    pub order_analytics: Vec<(String, String, String, i64, i64, i64)>,
}

const HISTORY: &str = "SELECT order_id, shopper_id, state, currency, CAST(total_minor AS BIGINT) FROM order_history ORDER BY order_id";
const SALES: &str = "SELECT vendor_id, currency, CAST(orders AS BIGINT), CAST(gross_minor AS BIGINT) FROM vendor_sales ORDER BY vendor_id, currency";
const ANALYTICS: &str = "SELECT minute, currency, country, CAST(orders AS BIGINT), CAST(gmv_minor AS BIGINT), CAST(paid AS BIGINT) FROM order_analytics ORDER BY minute, currency, country";

/// The read models as they are now.
pub async fn read_models_now(store: &Store) -> Result<ReadModels> {
    let db = || Error::db("reading the read models");
    macro_rules! read {
        ($pool:expr) => {
            ReadModels {
                order_history: sqlx::query_as(HISTORY).fetch_all($pool).await.map_err(db())?,
                vendor_sales: sqlx::query_as(SALES).fetch_all($pool).await.map_err(db())?,
                order_analytics: sqlx::query_as(ANALYTICS).fetch_all($pool).await.map_err(db())?,
            }
        };
    }
    Ok(match store {
        Store::Postgres(pool) => read!(pool),
        Store::Sqlite(pool) => read!(pool),
    })
}

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
    restore(store, &names, snapshot).await?;
    tracing::info!(started_after, ?names, "replaying events into the read models");

    let select =
        format!("SELECT {} FROM outbox WHERE seq > $1 ORDER BY seq LIMIT $2", stored_event_columns(store));
    let (mut after, mut events, mut snapshots_taken) = (started_after, 0u64, 0u64);
    loop {
        let db = Error::db("reading the event store");
        let page: Vec<StoredEvent> = match store {
            Store::Postgres(pool) => {
                sqlx::query_as(&select).bind(after).bind(PAGE).fetch_all(pool).await.map_err(db)?
            }
            Store::Sqlite(pool) => {
                sqlx::query_as(&select).bind(after).bind(PAGE).fetch_all(pool).await.map_err(db)?
            }
        };
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
    let state =
        serde_json::to_string(&read_models_now(store).await?).map_err(|e| Error::Corrupt(e.to_string()))?;
    let sql = "INSERT INTO read_model_snapshots (last_seq, state) VALUES ($1, $2)";
    let db = Error::db("saving a read-model snapshot");
    match store {
        Store::Postgres(pool) => {
            sqlx::query(sql).bind(seq).bind(state).execute(pool).await.map_err(db)?.rows_affected()
        }
        Store::Sqlite(pool) => {
            sqlx::query(sql).bind(seq).bind(state).execute(pool).await.map_err(db)?.rows_affected()
        }
    };
    Ok(())
}

async fn latest_snapshot(store: &Store) -> Result<Option<(i64, ReadModels)>> {
    let sql = "SELECT last_seq, state FROM read_model_snapshots ORDER BY last_seq DESC, id DESC LIMIT 1";
    let db = Error::db("reading the newest snapshot");
    let row: Option<(i64, String)> = match store {
        Store::Postgres(pool) => sqlx::query_as(sql).fetch_optional(pool).await.map_err(db)?,
        Store::Sqlite(pool) => sqlx::query_as(sql).fetch_optional(pool).await.map_err(db)?,
    };
    Ok(row.and_then(|(seq, state)| match serde_json::from_str(&state) {
        Ok(models) => Some((seq, models)),
        Err(error) => {
            // Taken before the read models changed shape (paid orders were added to the
            // analytics): rebuilding from scratch is slower but right.
            tracing::warn!(seq, %error, "the newest snapshot is of an older shape; replaying from the start");
            None
        }
    }))
}

/// Empties the read models and their processed ids, then loads `snapshot` (its events
/// counted as processed).
async fn restore(store: &Store, names: &[&str], snapshot: Option<(i64, ReadModels)>) -> Result<()> {
    let db = || Error::db("resetting the read models");
    macro_rules! restore {
        ($pool:expr) => {{
            let mut tx = $pool.begin().await.map_err(db())?;
            for table in ["order_history", "vendor_sales", "order_analytics"] {
                sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *tx).await.map_err(db())?;
            }
            for name in names {
                sqlx::query("DELETE FROM processed_events WHERE consumer = $1")
                    .bind(name)
                    .execute(&mut *tx)
                    .await
                    .map_err(db())?;
            }
            if let Some((seq, models)) = snapshot {
                for (order, shopper, state, currency, total) in models.order_history {
                    sqlx::query(
                        "INSERT INTO order_history (order_id, shopper_id, state, currency, total_minor, last_seq) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(order).bind(shopper).bind(state).bind(currency).bind(total).bind(seq)
                    .execute(&mut *tx).await.map_err(db())?;
                }
                for (vendor, currency, orders, gross) in models.vendor_sales {
                    sqlx::query("INSERT INTO vendor_sales (vendor_id, currency, orders, gross_minor) VALUES ($1, $2, $3, $4)")
                        .bind(vendor).bind(currency).bind(orders).bind(gross)
                        .execute(&mut *tx).await.map_err(db())?;
                }
                for (minute, currency, country, orders, gmv, paid) in models.order_analytics {
                    sqlx::query(
                        "INSERT INTO order_analytics (minute, currency, country, orders, gmv_minor, paid) VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(minute).bind(currency).bind(country).bind(orders).bind(gmv).bind(paid)
                    .execute(&mut *tx).await.map_err(db())?;
                }
                for name in names {
                    sqlx::query(
                        "INSERT INTO processed_events (consumer, event_id) \
                         SELECT $1, CAST(id AS TEXT) FROM outbox WHERE seq <= $2",
                    )
                    .bind(name)
                    .bind(seq)
                    .execute(&mut *tx)
                    .await
                    .map_err(db())?;
                }
            }
            tx.commit().await.map_err(db())?;
        }};
    }
    match store {
        Store::Postgres(pool) => restore!(pool),
        Store::Sqlite(pool) => restore!(pool),
    }
    Ok(())
}
