//! Building and running the origin: connect, migrate, route, serve until told to stop.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;

use crate::accounts::Passwords;
use crate::config::{AuthSettings, Settings};
use crate::error::Result;
use crate::login_limit::LoginLimiter;
use crate::payments::SandboxProvider;
use crate::routes::{AppState, router};
use crate::session::SessionKeys;
use crate::store::{PoolSettings, Store};
use crate::telemetry;

/// A ready-to-serve origin: database connected and migrated.
pub struct Origin {
    pub state: AppState,
}

impl Origin {
    /// Connects to the configured database and applies pending migrations.
    pub async fn build(settings: &Settings) -> Result<Origin> {
        let store = Store::connect(
            &settings.database_url,
            &PoolSettings { max_connections: settings.db_max_connections, schema: None },
        )
        .await?;
        Self::with_store_and_auth(store, AuthSettings::from_settings(settings)).await
    }

    /// An origin over an existing store, with the development secrets.
    pub async fn with_store(store: Store) -> Result<Origin> {
        Self::with_store_and_auth(store, AuthSettings::development()).await
    }

    /// An origin over an existing store (tests use this to pick a schema and cheap hashing).
    pub async fn with_store_and_auth(store: Store, auth: AuthSettings) -> Result<Origin> {
        store.migrate().await?;
        if auth.uses_development_secrets() {
            tracing::warn!(
                "running with the development session or webhook secret; set LINKEDALL_SESSION_SECRET and LINKEDALL_PAYMENT_WEBHOOK_SECRET in production"
            );
        }
        Ok(Origin {
            state: AppState {
                store,
                metrics: telemetry::prometheus(),
                sessions: SessionKeys::new(auth.session_secret.as_bytes()),
                passwords: Passwords::new(auth.password_cost),
                login_limit: Arc::new(LoginLimiter::default()),
                payments: Arc::new(SandboxProvider::new(auth.payment_webhook_secret.as_bytes())),
            },
        })
    }

    pub fn router(&self) -> Router {
        router(self.state.clone())
    }

    /// Serves on `listener` until `shutdown` resolves, then finishes in-flight requests.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<()> {
        let addr = listener.local_addr()?;
        tracing::info!(%addr, backend = ?self.state.store.backend(), "origin listening");
        // Connect info gives the login rate limiter the client's address.
        let service = self.router().into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, service).with_graceful_shutdown(shutdown).await?;
        tracing::info!("origin stopped");
        Ok(())
    }
}
