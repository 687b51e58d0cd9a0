//! How far each event reader (consumer) is behind, as a table on the dead letters page:
//! `GET /api/v1/admin/events/lag/consumers`. An origin that cannot say (an older one, or a
//! failure) leaves a sentence instead of the table; the dead letters still show.

use serde::Deserialize;

use super::visit::Visit;
use crate::admin_ops_words::AdminOpsWords;
use crate::host::Host;
use crate::words::fill;

/// `GET /api/v1/admin/events/lag/consumers`
#[derive(Debug, Deserialize)]
struct ConsumerLags {
    consumers: Vec<ConsumerLag>,
}

#[derive(Debug, Deserialize)]
struct ConsumerLag {
    consumer: String,
    waiting: i64,
    oldest_waiting_secs: f64,
    last_processed_at: Option<String>,
    dead_letters: i64,
}

/// One reader's row, as the page shows it.
pub struct ReaderRow {
    pub consumer: String,
    pub waiting: i64,
    /// The oldest waiting event's age ("12 s"), empty when nothing waits.
    pub oldest: String,
    pub last_handled: String,
    pub dead_letters: i64,
    /// Whether it is behind (something waits, or a dead letter does).
    pub behind: bool,
}

/// The readers' rows, or `None` when the origin could not say.
pub async fn rows<H: Host>(visit: &Visit<'_, H>, says: &'static AdminOpsWords) -> Option<Vec<ReaderRow>> {
    let lags = match visit.get::<ConsumerLags>("/api/v1/admin/events/lag/consumers").await {
        Ok(lags) => lags.consumers,
        Err(_) => {
            metrics::counter!("edge_admin_panels_unavailable_total", "panel" => "readers").increment(1);
            tracing::warn!("event readers' lag unavailable");
            return None;
        }
    };
    Some(
        lags.into_iter()
            .map(|lag| ReaderRow {
                behind: lag.waiting > 0 || lag.dead_letters > 0,
                oldest: if lag.waiting > 0 {
                    fill(says.seconds, lag.oldest_waiting_secs.round() as u64)
                } else {
                    String::new()
                },
                last_handled: lag.last_processed_at.map_or_else(
                    || says.never.to_owned(),
                    |at| at.chars().take(19).map(|c| if c == 'T' { ' ' } else { c }).collect(),
                ),
                consumer: lag.consumer,
                waiting: lag.waiting,
                dead_letters: lag.dead_letters,
            })
            .collect(),
    )
}
