//! Database query timing: every store query is observed in `db_query_duration_seconds`,
//! labelled by query name and backend.

use std::time::Instant;

/// Records the elapsed time of one query when dropped, so early returns are timed too.
pub struct QueryTimer {
    query: &'static str,
    backend: &'static str,
    started: Instant,
}

impl QueryTimer {
    pub fn start(backend: &'static str, query: &'static str) -> Self {
        Self { query, backend, started: Instant::now() }
    }
}

impl Drop for QueryTimer {
    fn drop(&mut self) {
        metrics::histogram!("db_query_duration_seconds", "query" => self.query, "backend" => self.backend)
            .record(self.started.elapsed().as_secs_f64());
    }
}
