//! The audit trail of admin actions: who (an admin account, or the operators' token), what
//! (the action and what it named), when, from which address, and how the shop answered.
//!
//! [`record`] appends one action; [`recent`] reads the newest for admins. Both are ordinary
//! functions: each statement is written once, and where the backends differ (how a timestamp
//! reads as text) the piece is named here.

use serde::Serialize;

use crate::Store;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::on_conn;
use crate::timing::QueryTimer;
use crate::write_tx::WriteTx;

/// The longest `detail` kept (a request body, shortened at a character boundary).
pub const MAX_DETAIL_CHARS: usize = 2_000;

/// Who acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// A signed-in admin account.
    AdminAccount(i64),
    /// The operators' bearer token: no account stands behind it.
    OperatorsToken,
}

impl Actor {
    fn kind(self) -> &'static str {
        match self {
            Actor::AdminAccount(_) => "admin_account",
            Actor::OperatorsToken => "operators_token",
        }
    }

    fn admin_id(self) -> Option<i64> {
        match self {
            Actor::AdminAccount(id) => Some(id),
            Actor::OperatorsToken => None,
        }
    }
}

/// One admin action, as it is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminAction<'a> {
    pub actor: Actor,
    /// The request's method and route, e.g. `POST /api/v1/admin/orders/{id}/release`.
    pub action: &'a str,
    /// What it named: the request's path, e.g. `/api/v1/admin/orders/77/release`.
    pub target: &'a str,
    /// The request's body (JSON), shortened to [`MAX_DETAIL_CHARS`].
    pub detail: &'a str,
    /// The status the shop answered with.
    pub status: u16,
    /// The client's address, as the API resolved it (through trusted edges).
    pub client_ip: Option<&'a str>,
}

/// An action read back from the trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RecordedAction {
    pub id: i64,
    /// The admin account's id; `None` when the operators' token acted.
    pub admin_id: Option<i64>,
    /// The account's email, when an account acted.
    pub admin_email: Option<String>,
    /// `admin_account` or `operators_token`.
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub status: i32,
    pub client_ip: Option<String>,
    /// When, RFC 3339 (UTC).
    pub at: String,
}

/// `at` as RFC 3339 text: PostgreSQL keeps a `timestamptz`, SQLite the text already.
fn at_as_text(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
        Dialect::Sqlite => "a.at",
    }
}

/// Appends `action` to the trail.
pub async fn record(store: &Store, action: &AdminAction<'_>) -> Result<()> {
    let mut tx = WriteTx::begin(store).await?;
    let _t = QueryTimer::start(tx.dialect().as_str(), "record_admin_action");
    let detail: String = action.detail.chars().take(MAX_DETAIL_CHARS).collect();
    on_conn!(&mut tx, conn => sqlx::query(
        "INSERT INTO admin_actions (admin_id, actor, action, target, detail, status, client_ip) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(action.actor.admin_id())
    .bind(action.actor.kind())
    .bind(action.action)
    .bind(action.target)
    .bind(&detail)
    .bind(i32::from(action.status))
    .bind(action.client_ip)
    .execute(&mut *conn)
    .await
    .map_err(Error::db("recording an admin action"))?
    .rows_affected());
    tx.commit().await
}

/// The newest `limit` actions, newest first; with `before`, only those older than that id
/// (the next page).
pub async fn recent(store: &Store, before: Option<i64>, limit: i64) -> Result<Vec<RecordedAction>> {
    let mut tx = WriteTx::begin(store).await?;
    let _t = QueryTimer::start(tx.dialect().as_str(), "recent_admin_actions");
    let sql = format!(
        "SELECT a.id, a.admin_id, u.email AS admin_email, a.actor, a.action, a.target, a.detail, a.status, \
         a.client_ip, {} AS at \
         FROM admin_actions a LEFT JOIN users u ON u.id = a.admin_id \
         WHERE a.id < $1 ORDER BY a.id DESC LIMIT $2",
        at_as_text(tx.dialect())
    );
    let actions = on_conn!(&mut tx, conn => sqlx::query_as::<_, RecordedAction>(&sql)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(&mut *conn)
        .await
        .map_err(Error::db("reading the audit trail"))?);
    tx.commit().await?;
    Ok(actions)
}
