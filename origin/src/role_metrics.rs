//! What the background roles (`relay`, `consumers`, `sweeper`) answer over HTTP: `/metrics`
//! for Prometheus, under the same rule as the API's (its bearer token when configured, else
//! this machine and the trusted edges only), and `/healthz` for probes. Nothing else: these
//! roles serve no shopper. The listener runs when `LINKEDALL_METRICS_LISTEN` names an address.

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::TcpListener;

use crate::client_address::TrustedEdges;
use crate::error::Result;
use crate::routes::InternalTokens;
use crate::routes::internal::admit_metrics_reader;
use crate::telemetry;

#[derive(Clone)]
struct Readers {
    handle: PrometheusHandle,
    tokens: InternalTokens,
    trusted: TrustedEdges,
}

/// Serves `/metrics` and `/healthz` on `listen` until `shutdown` resolves.
pub async fn serve(
    listen: SocketAddr,
    tokens: InternalTokens,
    trusted: TrustedEdges,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let readers = Readers { handle: telemetry::prometheus(), tokens, trusted };
    let app = Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(readers);
    let listener = TcpListener::bind(listen).await?;
    tracing::info!(addr = %listener.local_addr()?, "role metrics listening");
    let service = app.into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown).await?;
    Ok(())
}

async fn metrics(State(readers): State<Readers>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    match admit_metrics_reader(&parts, &readers.tokens, &readers.trusted) {
        Ok(()) => {
            ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], readers.handle.render()).into_response()
        }
        Err(refused) => refused.into_response(),
    }
}
