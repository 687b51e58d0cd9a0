//! HTTP routes: thin handlers that parse input into domain types, ask the [`Store`], and
//! answer in the negotiated format.

mod catalog;
mod health;
mod images;
mod search;
mod vendors;

use axum::Router;
use axum::extract::Request;
use axum::http::Method;
use axum::middleware;
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;

use crate::error::Error;
use crate::observe;
use crate::store::Store;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub metrics: PrometheusHandle,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/v1/home", get(catalog::home))
        .route("/api/v1/categories", get(catalog::categories))
        .route("/api/v1/products", get(catalog::products))
        .route("/api/v1/products/{id}", get(catalog::product))
        .route("/api/v1/vendors/{id}", get(vendors::storefront))
        .route("/api/v1/search", get(search::search))
        .route("/images/products/{file}", get(images::product_picture))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route_layer(middleware::from_fn(observe::label_route))
        .fallback(no_such_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(observe::observe))
        .with_state(state)
}

async fn no_such_route(request: Request) -> Error {
    Error::NoSuchRoute { path: request.uri().path().chars().take(200).collect() }
}

async fn method_not_allowed(method: Method) -> Error {
    Error::MethodNotAllowed { method: method.to_string() }
}
