//! HTTP routes: thin handlers that parse input into domain types, ask the [`Store`], and
//! answer in the negotiated format.

mod accounts;
mod addresses;
mod admin;
mod audit_trail;
mod cart;
mod catalog;
mod dead_letters;
mod event_reads;
mod fraud_review;
mod fx_rates;
mod health;
mod images;
pub mod internal;
mod media;
mod orders;
mod password_reset;
mod payments;
mod product_photos;
mod purge;
mod purge_forwarding;
mod refunds;
mod reviews;
mod search;
mod stock_sheets;
mod vendor;
mod vendor_suspensions;
mod vendors;
mod warmings;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::Method;
use axum::middleware;
use axum::routing::{get, patch, post, put};
use std::sync::Arc;

pub use internal::InternalTokens;

use metrics_exporter_prometheus::PrometheusHandle;

use crate::accounts::Passwords;
use crate::catalog_cache::CatalogCache;
use crate::client_address::TrustedEdges;
use crate::error::Error;
use crate::login_limit::LoginLimiter;
use crate::mail::Mailer;
use crate::media::MediaStore;
use crate::observe;
use crate::payments::PaymentProvider;
use crate::session::SessionKeys;
use crate::session_cache::SessionCache;
use crate::supabase::SupabaseVerifier;
use linkedall_events::consumer::Consumer;
use linkedall_store::Store;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub metrics: PrometheusHandle,
    pub sessions: SessionKeys,
    /// Who each session's user is, and which tokens were signed out.
    pub session_cache: SessionCache,
    /// Supabase Auth tokens, when configured.
    pub supabase: Option<Arc<SupabaseVerifier>>,
    pub passwords: Passwords,
    pub login_limit: Arc<LoginLimiter>,
    /// Whose `x-linkedall-client-ip` is believed (see `client_address`).
    pub trusted_edges: TrustedEdges,
    /// Encoded catalog answers; invalidated by the write routes after they commit.
    pub catalog_cache: CatalogCache,
    pub payments: Arc<dyn PaymentProvider>,
    /// The operators' token for `/admin/*` (besides signed-in admins); none means admins only.
    pub admin_token: Option<Arc<str>>,
    /// What `/metrics` and the purge feed ask of their readers (see `routes/internal.rs`).
    pub internal_tokens: internal::InternalTokens,
    /// This origin's site name (`lagos`, `nairobi` …), sent as `x-linkedall-site` on every
    /// response so edges and operators see which region answered.
    pub site: Arc<str>,
    /// The consumers of events, which dead letters are replayed into.
    pub consumers: Arc<Vec<Arc<dyn Consumer>>>,
    /// Product photos' object store and upload limits.
    pub media: MediaStore,
    /// Mail to shoppers (password reset links).
    pub mailer: Arc<Mailer>,
    /// The shop's public address, for links in mail.
    pub shop_url: Arc<str>,
}

/// The body a photo upload may send: the handler counts the photo's bytes itself, this only
/// bounds the multipart framing around them.
fn photo_body_limit(state: &AppState) -> usize {
    usize::try_from(state.media.settings.max_upload_bytes + product_photos::MULTIPART_OVERHEAD)
        .unwrap_or(usize::MAX)
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/v1/home", get(catalog::home))
        .route("/api/v1/categories", get(catalog::categories))
        .route("/api/v1/products", get(catalog::products))
        .route("/api/v1/products/{id}", get(catalog::product))
        .route("/api/v1/products/{id}/bought-together", get(event_reads::bought_together))
        .route("/api/v1/products/{id}/reviews", get(reviews::of_product).post(reviews::post))
        .route("/api/v1/vendors/{id}", get(vendors::storefront))
        .route("/api/v1/schemas", get(event_reads::schemas))
        .route("/api/v1/schemas/{kind}/{version}", get(event_reads::schema))
        .route("/api/v1/admin/analytics/orders", get(event_reads::order_analytics))
        .route("/api/v1/admin/orders/held", get(fraud_review::held))
        .route("/api/v1/admin/orders/{id}/release", post(fraud_review::release))
        .route("/api/v1/admin/orders/{id}/cancel", post(fraud_review::cancel))
        .route("/api/v1/admin/refunds/failed", get(refunds::failed))
        .route("/api/v1/admin/events/lag", get(event_reads::lag))
        .route("/api/v1/admin/events/lag/consumers", get(event_reads::consumer_lag))
        .route("/api/v1/admin/dead-letters", get(dead_letters::list))
        .route("/api/v1/admin/dead-letters/{id}/replay", post(dead_letters::replay))
        .route("/api/v1/admin/audit-trail", get(audit_trail::list))
        .route("/api/v1/admin/vendors", get(vendor_suspensions::list))
        .route("/api/v1/admin/vendors/{id}/suspend", post(vendor_suspensions::suspend))
        .route("/api/v1/admin/vendors/{id}/reinstate", post(vendor_suspensions::reinstate))
        .route("/api/v1/search", get(search::search))
        .route("/api/v1/auth/register", post(accounts::register))
        .route("/api/v1/auth/login", post(accounts::login))
        .route("/api/v1/auth/logout", post(accounts::logout))
        .route("/api/v1/addresses", get(addresses::list))
        .route("/api/v1/auth/password-reset", post(password_reset::request))
        .route("/api/v1/auth/password-reset/confirm", post(password_reset::confirm))
        .route("/api/v1/cart/guest", post(cart::guest))
        .route("/api/v1/cart/items", get(cart::show).post(cart::add).delete(cart::clear))
        .route("/api/v1/cart/items/{product_id}", axum::routing::delete(cart::remove))
        .route("/api/v1/orders", get(orders::list).post(orders::place))
        .route("/api/v1/orders/{id}", get(orders::show))
        .route("/api/v1/orders/{id}/cancel", post(orders::cancel))
        .route("/api/v1/orders/{id}/pay", post(orders::pay))
        .route("/api/v1/orders/{id}/payment", get(orders::open_payment))
        .route("/api/v1/orders/{id}/pay-on-delivery", post(orders::pay_on_delivery))
        .route("/api/v1/vendor/shop", put(vendor::update_shop))
        .route("/api/v1/vendor/standing", get(vendor_suspensions::own))
        .route("/api/v1/orders/{id}/reviews", get(reviews::of_order))
        .route("/api/v1/vendor/products", get(vendor::products).post(vendor::create_product))
        .route("/api/v1/vendor/products/{id}", patch(vendor::update_product))
        .route(
            "/api/v1/vendor/products/{id}/images",
            post(product_photos::upload)
                .delete(product_photos::delete)
                .layer(DefaultBodyLimit::max(photo_body_limit(&state))),
        )
        .route(
            "/api/v1/vendor/products/{id}/photos",
            post(product_photos::add).layer(DefaultBodyLimit::max(photo_body_limit(&state))),
        )
        .route(
            "/api/v1/vendor/products/{id}/photos/{hash}",
            put(product_photos::replace)
                .delete(product_photos::remove)
                .layer(DefaultBodyLimit::max(photo_body_limit(&state))),
        )
        .route("/api/v1/vendor/products/{id}/photos/{hash}/main", post(product_photos::make_main))
        .route("/api/v1/vendor/stock.csv", get(stock_sheets::download))
        .route("/api/v1/vendor/stock/preview", post(stock_sheets::preview))
        .route("/api/v1/vendor/stock", post(stock_sheets::apply))
        .route("/api/v1/vendor/earnings", get(vendor::earnings))
        .route("/api/v1/vendor/orders", get(vendor::orders))
        .route("/api/v1/vendor/orders/{id}/ship", post(vendor::ship))
        .route("/api/v1/vendor/orders/{id}/deliver", post(vendor::deliver))
        .route("/api/v1/vendor/orders/{id}/refused", post(vendor::refused))
        .route("/api/v1/vendor/reviews", get(reviews::of_vendor))
        .route("/api/v1/vendor/reviews/{id}/answer", put(reviews::answer))
        .route("/api/v1/payments/webhook", post(payments::webhook))
        .route("/api/v1/payments/sandbox/{reference}", post(payments::sandbox_approve))
        .route("/api/v1/payments/sandbox/{reference}/fail", post(payments::sandbox_fail))
        .route("/api/v1/cache/purges", get(purge::feed))
        .route("/api/v1/fx-rates", get(fx_rates::show))
        .route("/api/v1/admin/fx-rates", put(fx_rates::set))
        .route("/admin/purge", post(purge::purge))
        .route("/api/v1/admin/cache/cloudflare", get(purge_forwarding::show))
        .route("/api/v1/admin/cache/warmings", post(warmings::record))
        .route("/images/products/{file}", get(images::product_picture))
        .route("/media/products/{*rest}", get(media::serve))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route_layer(middleware::from_fn_with_state(state.clone(), audit_trail::record_admin_actions))
        .route_layer(middleware::from_fn(observe::label_route))
        .fallback(no_such_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(crate::cookie_writes::require_declared_body))
        .layer(middleware::from_fn(observe::observe))
        // Outside `observe`, so the client address it records trusts the configured edges.
        .layer(axum::Extension(state.trusted_edges.clone()))
        .layer(middleware::from_fn_with_state(state.site.clone(), name_site))
        .with_state(state)
}

/// Says which origin site answered.
async fn name_site(
    axum::extract::State(site): axum::extract::State<Arc<str>>,
    request: Request,
    next: middleware::Next,
) -> axum::response::Response {
    let mut response = next.run(request).await;
    if let Ok(value) = axum::http::HeaderValue::from_str(&site) {
        response.headers_mut().insert("x-linkedall-site", value);
    }
    response
}

async fn no_such_route(request: Request) -> Error {
    Error::NoSuchRoute { path: request.uri().path().chars().take(200).collect() }
}

async fn method_not_allowed(method: Method) -> Error {
    Error::MethodNotAllowed { method: method.to_string() }
}
