//! Building and running the origin: connect, migrate, route, serve until told to stop.

use std::future::Future;

use axum::Router;
use tokio::net::TcpListener;

use crate::config::Settings;
use crate::error::Result;
use crate::routes::{AppState, router};
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
        Self::with_store(store).await
    }

    /// An origin over an existing store (tests use this to pick a schema).
    pub async fn with_store(store: Store) -> Result<Origin> {
        store.migrate().await?;
        Ok(Origin { state: AppState { store, metrics: telemetry::prometheus() } })
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
        axum::serve(listener, self.router()).with_graceful_shutdown(shutdown).await?;
        tracing::info!("origin stopped");
        Ok(())
    }
}
