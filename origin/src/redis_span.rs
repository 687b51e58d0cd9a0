//! A span per Redis command (sessions, the catalog cache), in the trace of the request that
//! sent it; `debug`, so it costs nothing unless traces are exported.

/// The span of one `command` to Redis on behalf of `cache` (`session`, `catalog`).
pub fn redis_span(command: &'static str, cache: &'static str) -> tracing::Span {
    tracing::debug_span!(
        "redis",
        otel.name = command,
        otel.kind = "client",
        db.system.name = "redis",
        db.operation.name = command,
        cache,
    )
}
