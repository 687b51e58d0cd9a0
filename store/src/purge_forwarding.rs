//! What the Cloudflare purge forwarder last reported — its queue's depth and how long until
//! the plan's rate budget allows its next call — kept in the database because the forwarder
//! (the `sweeper` role) and the API that shows it to admins may run in different processes.

use serde::Serialize;

use super::Store;
use crate::error::{Error, Result};
use crate::on_pool;
use crate::timing::QueryTimer;

/// The forwarder's last report, as read back.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ForwardingReport {
    /// Purges waiting to be sent.
    pub queued: i64,
    /// Seconds until the next call is allowed, counted from now (0: allowed now).
    pub next_call_in_secs: f64,
    /// Seconds since the report was written.
    pub reported_secs_ago: f64,
}

impl Store {
    /// Records that the forwarder `name` holds `queued` purges and may call again in
    /// `next_call_in_secs` seconds.
    pub async fn report_purge_forwarding(
        &self,
        name: &str,
        queued: i64,
        next_call_in_secs: f64,
    ) -> Result<()> {
        let dialect = self.dialect();
        let _t = QueryTimer::start(dialect.as_str(), "report_purge_forwarding");
        let sql = format!(
            "INSERT INTO purge_forwarding (name, queued, next_call_in_secs, reported_at) VALUES ($1, $2, $3, {now}) \
             ON CONFLICT (name) DO UPDATE SET queued = excluded.queued, \
             next_call_in_secs = excluded.next_call_in_secs, reported_at = excluded.reported_at",
            now = dialect.now()
        );
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(name)
            .bind(queued)
            .bind(next_call_in_secs.max(0.0))
            .execute(pool)
            .await
            .map_err(Error::db("recording the purge forwarder's report"))?
            .rows_affected());
        Ok(())
    }

    /// The forwarder `name`'s last report, if it ever wrote one; the wait until its next call
    /// is counted down by the time since.
    pub async fn purge_forwarding(&self, name: &str) -> Result<Option<ForwardingReport>> {
        let dialect = self.dialect();
        let _t = QueryTimer::start(dialect.as_str(), "purge_forwarding");
        let sql = format!(
            "SELECT queued, next_call_in_secs, {} AS reported_secs_ago FROM purge_forwarding WHERE name = $1",
            dialect.seconds_since("reported_at")
        );
        let report: Option<ForwardingReport> = on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(name)
            .fetch_optional(pool)
            .await
            .map_err(Error::db("reading the purge forwarder's report"))?);
        Ok(report.map(|r| ForwardingReport {
            next_call_in_secs: (r.next_call_in_secs - r.reported_secs_ago).max(0.0),
            ..r
        }))
    }
}
