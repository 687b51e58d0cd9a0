//! The native edge server: N worker threads, each a single-threaded tokio runtime accepting
//! from one shared listening socket — the shape of an edge location's isolates, and the reason
//! the edge core needs no `Send` futures. The cache is shared by all workers.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use linkedall_edge::client_address::PeerAddr;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::sync::watch;
use tracing::Instrument;

use crate::config::EdgeDevConfig;
use crate::dev_host::DevHost;
use crate::memory_cache::MemoryCache;

/// Largest request body the edge accepts (product photo uploads pass through it).
pub const MAX_BODY_BYTES: usize = 25 * 1024 * 1024;

/// Pause after a failed accept (e.g. no file descriptors left) before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// How long shutdown waits for requests in flight.
const DRAIN: Duration = Duration::from_secs(10);

/// A running edge host. Dropping it stops the workers without waiting; [`EdgeServer::shutdown`]
/// waits for requests in flight.
pub struct EdgeServer {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

struct Worker {
    host: DevHost,
    metrics: PrometheusHandle,
    metrics_token: Option<String>,
}

impl EdgeServer {
    /// Starts serving on an already-bound listener (tests bind `127.0.0.1:0`).
    pub fn start(listener: std::net::TcpListener, config: EdgeDevConfig) -> std::io::Result<EdgeServer> {
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let cache = Arc::new(MemoryCache::new(config.cache_capacity));
        let metrics = config.metrics.clone().unwrap_or_else(linkedall_telemetry::prometheus);
        let geo_header = http::HeaderName::try_from(config.geo_header.to_ascii_lowercase()).map_err(|e| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("geo header name: {e}"))
        })?;
        let origin = origin_base(&config.origin_url)?;
        let sites = Arc::new(
            config
                .origin_sites
                .iter()
                .map(|(site, url)| Ok((*site, origin_base(url)?)))
                .collect::<std::io::Result<Vec<_>>>()?,
        );
        let (stop, stopped) = watch::channel(false);
        let mut threads = Vec::new();
        for index in 0..config.workers.max(1) {
            let listener = listener.try_clone()?;
            let (cache, metrics, geo_header, origin, sites, stopped) = (
                cache.clone(),
                metrics.clone(),
                geo_header.clone(),
                origin.clone(),
                sites.clone(),
                stopped.clone(),
            );
            let timeout = Duration::from_millis(config.origin_timeout_ms);
            let max_stale_secs = config.max_stale_secs;
            let image_signing_keys = config.image_signing_keys.clone();
            let purge_feed_token = config.purge_feed_token.clone();
            let metrics_token = config.metrics_token.clone();
            let thread =
                std::thread::Builder::new().name(format!("edge-worker-{index}")).spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("tokio runtime");
                    let local = tokio::task::LocalSet::new();
                    let worker = Rc::new(Worker {
                        host: DevHost {
                            cache,
                            client: DevHost::client(),
                            origin,
                            sites,
                            geo_header,
                            timeout,
                            max_stale_secs,
                            image_signing_keys,
                            purge_feed_token,
                        },
                        metrics,
                        metrics_token,
                    });
                    local.block_on(&runtime, accept_loop(listener, worker, stopped));
                })?;
            threads.push(thread);
        }
        tracing::info!(%addr, workers = threads.len(), origin = %config.origin_url, "edge listening");
        Ok(EdgeServer { addr, stop, threads })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets requests in flight finish (up to 10 s), joins the workers.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        let threads = std::mem::take(&mut self.threads);
        let _ = tokio::task::spawn_blocking(move || threads.into_iter().for_each(|t| drop(t.join()))).await;
        tracing::info!("edge stopped");
    }
}

impl Drop for EdgeServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// `scheme://authority` of the origin, checked once at start so a typo fails the start, not
/// every request: the client speaks plain HTTP only (TLS ends in front of the edge locally).
fn origin_base(url: &str) -> std::io::Result<String> {
    let invalid = |why: &str| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("origin URL {url:?}: {why}"))
    };
    let uri: http::Uri = url.parse().map_err(|_| invalid("not a URL"))?;
    if uri.scheme_str() != Some("http") {
        return Err(invalid("only http:// origins are supported"));
    }
    let authority = uri.authority().ok_or_else(|| invalid("no host"))?;
    if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
        return Err(invalid("give the base URL only, without a path"));
    }
    Ok(format!("http://{authority}"))
}

async fn accept_loop(
    listener: std::net::TcpListener,
    worker: Rc<Worker>,
    mut stopped: watch::Receiver<bool>,
) {
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(listener) => listener,
        Err(error) => return tracing::error!(%error, "edge worker could not use the listener"),
    };
    let graceful = GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        // E.g. out of file descriptors: back off instead of spinning on it.
                        tracing::warn!(%error, "accept failed");
                        tokio::time::sleep(ACCEPT_BACKOFF).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let worker = worker.clone();
                let service = service_fn(move |mut request: http::Request<Incoming>| {
                    let worker = worker.clone();
                    request.extensions_mut().insert(PeerAddr(peer.ip()));
                    async move { Ok::<_, Infallible>(serve(request, worker, peer.ip()).await) }
                });
                let connection = graceful.watch(
                    http1::Builder::new()
                        // With a timer, hyper drops connections that take over 30 s to send
                        // their request head (slowloris).
                        .timer(TokioTimer::new())
                        .serve_connection(TokioIo::new(stream), service),
                );
                tokio::task::spawn_local(async move {
                    if let Err(error) = connection.await {
                        tracing::debug!(%error, "connection ended with an error");
                    }
                });
            }
            _ = stopped.wait_for(|stop| *stop) => break,
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(DRAIN, graceful.shutdown()).await;
}

async fn serve(
    request: http::Request<Incoming>,
    worker: Rc<Worker>,
    peer: std::net::IpAddr,
) -> http::Response<Full<Bytes>> {
    match request.uri().path() {
        "/metrics" if may_read_metrics(worker.metrics_token.as_deref(), request.headers(), peer) => {
            return text(200, "text/plain; version=0.0.4", worker.metrics.render());
        }
        "/metrics" => {
            metrics::counter!("edge_metrics_refused_total").increment(1);
            let refused = linkedall_edge::problem::Problem::new(
                401,
                "unauthenticated",
                "send the edge's metrics token as `Authorization: Bearer <token>`",
            )
            .response();
            let (parts, body) = refused.into_parts();
            return http::Response::from_parts(parts, Full::new(body));
        }
        "/healthz" => return text(200, "application/json", r#"{"status":"ok"}"#.into()),
        _ => {}
    }
    // The edge's span: continues the shopper's trace, and is the parent the origin is given.
    // At `debug`, so without traces it is disabled here and costs a cached page nothing.
    let span = tracing::debug_span!(
        "edge request",
        otel.name = %format!("edge {}", request.method()),
        otel.kind = "server",
        method = %request.method(),
        path = %request.uri().path(),
        status = tracing::field::Empty,
    );
    let incoming = request.headers().get(linkedall_edge::trace::TRACEPARENT).and_then(|v| v.to_str().ok());
    linkedall_telemetry::continue_trace(&span, incoming);
    let mut request = request;
    if let Some(traceparent) = linkedall_telemetry::traceparent_of(&span) {
        request.extensions_mut().insert(linkedall_edge::trace::HostSpan(traceparent));
    }
    let response = proxy_or_render(request, worker).instrument(span.clone()).await;
    span.record("status", response.status().as_u16());
    response
}

/// Everything but `/metrics` and `/healthz`: the edge core's answer.
async fn proxy_or_render(
    request: http::Request<Incoming>,
    worker: Rc<Worker>,
) -> http::Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let accepts_gzip = crate::compression::accepts_gzip(&parts.headers);
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return text(
                413,
                "application/problem+json",
                format!(
                    r#"{{"type":"/problems/too-large","title":"Content Too Large","status":413,"detail":"request bodies are limited to {} MB"}}"#,
                    MAX_BODY_BYTES / 1024 / 1024
                ),
            );
        }
    };
    let served = linkedall_edge::serve(http::Request::from_parts(parts, body), &worker.host).await;
    if let Some(revalidation) = served.background {
        // After the answer: the shopper got the stale page at once.
        tokio::task::spawn_local(async move { revalidation.run(&worker.host).await });
    }
    crate::compression::gzip_if_accepted(accepts_gzip, served.response).map(Full::new)
}

/// `/metrics` is for operators: the holder of the metrics token, or — when none is configured
/// (the demo) — a client on this machine.
fn may_read_metrics(token: Option<&str>, headers: &http::HeaderMap, peer: std::net::IpAddr) -> bool {
    match token {
        Some(token) => linkedall_edge::instance_metrics::bears_token(headers, token),
        None => peer.to_canonical().is_loopback(),
    }
}

fn text(status: u16, content_type: &'static str, body: String) -> http::Response<Full<Bytes>> {
    let mut response = http::Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
    response.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(content_type));
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_origin_url_must_be_a_plain_http_base() {
        assert_eq!(super::origin_base("http://127.0.0.1:8080/").unwrap(), "http://127.0.0.1:8080");
        for bad in ["https://origin.example", "127.0.0.1:8080", "http://h/api", "not a url", ""] {
            assert!(super::origin_base(bad).is_err(), "{bad}");
        }
    }
}
