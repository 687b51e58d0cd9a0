//! Database query timing: every store query is observed in `db_query_duration_seconds`,
//! labelled by query name and backend, and is a span of its own in the request's trace
//! (`debug`, so it costs nothing unless traces are exported).

use std::time::Instant;

/// Records the elapsed time of one query when dropped, so early returns are timed too.
pub struct QueryTimer {
    query: &'static str,
    backend: &'static str,
    started: Instant,
    /// Open from start to drop; never entered, so it cannot become the parent of another
    /// task's work while the query awaits.
    _span: tracing::Span,
}

impl QueryTimer {
    pub fn start(backend: &'static str, query: &'static str) -> Self {
        let span = tracing::debug_span!(
            "sql",
            otel.name = query,
            otel.kind = "client",
            db.system.name = if backend == "postgres" { "postgresql" } else { backend },
            db.operation.name = query,
        );
        Self { query, backend, started: Instant::now(), _span: span }
    }
}

impl Drop for QueryTimer {
    fn drop(&mut self) {
        metrics::histogram!("db_query_duration_seconds", "query" => self.query, "backend" => self.backend)
            .record(self.started.elapsed().as_secs_f64());
    }
}
