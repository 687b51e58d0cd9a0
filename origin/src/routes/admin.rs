//! The one rule for every admin route (`/admin/*` and `/api/v1/admin/*`): the operators'
//! bearer token or a signed-in admin account. Each admin handler takes an [`Admin`]; none
//! checks roles itself, so no admin route can drift to a rule of its own.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::AppState;
use crate::error::{Error, Result};
use crate::secret::same_secret;
use crate::session::{CurrentUser, Session};

/// Who is using an admin route. No credentials → 401; a signed-in account that is not an
/// admin → 403.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admin {
    /// The operators' token (`Authorization: Bearer`, set by `LINKEDALL_ADMIN_TOKEN`): no
    /// account stands behind it.
    Operator,
    /// A signed-in admin account.
    Account(CurrentUser),
}

impl Admin {
    /// The admin account's id; `None` for the operators' token.
    pub fn account_id(self) -> Option<i64> {
        match self {
            Admin::Operator => None,
            Admin::Account(user) => Some(user.id),
        }
    }

    /// How logs name who acted.
    pub fn kind(self) -> &'static str {
        match self {
            Admin::Operator => "operators_token",
            Admin::Account(_) => "admin_account",
        }
    }

    /// Writes `action` (with `detail`) to the audit stream: who (`user.id`, or the operators'
    /// token), what, when (`@timestamp`); where from (`client.ip`) and the request's id come
    /// from the request's span.
    pub fn audit(self, action: &'static str, detail: std::fmt::Arguments<'_>) {
        tracing::info!(
            target: "audit",
            action,
            actor = self.kind(),
            user_id = self.account_id(),
            outcome = "success",
            "{detail}"
        );
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let bearer = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        if let (Some(given), Some(expected)) = (bearer, state.admin_token.as_deref())
            && same_secret(given.as_bytes(), expected.as_bytes())
        {
            return Ok(Admin::Operator);
        }
        let session = Session::from_request_parts(parts, state).await?;
        if session.user.is_admin() {
            Ok(Admin::Account(session.user))
        } else {
            metrics::counter!("admin_access_refused_total").increment(1);
            tracing::warn!(
                target: "security",
                action = "admin-access",
                outcome = "failure",
                user_id = session.user.id,
                "admin route refused to a non-admin"
            );
            Err(Error::Forbidden("this is for admins (or the operators' admin token)".into()))
        }
    }
}
