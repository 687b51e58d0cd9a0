//! The one rule for every admin route (`/admin/*` and `/api/v1/admin/*`): the operators'
//! bearer token or a signed-in admin account. Each admin handler takes an [`Admin`]; none
//! checks roles itself, so no admin route can drift to a rule of its own.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::AppState;
use crate::error::{Error, Result};
use crate::secret::bears_token;
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

    /// The account an admin action is taken as by store steps that need one: the admin's own,
    /// or, for the operators' token, an admin with no account (id 0, which is nobody's).
    pub fn as_user(self) -> CurrentUser {
        match self {
            Admin::Account(user) => user,
            Admin::Operator => CurrentUser { id: 0, role: crate::accounts::Role::Admin, vendor_id: None },
        }
    }

    /// How logs name who acted.
    pub fn kind(self) -> &'static str {
        match self {
            Admin::Operator => "operators_token",
            Admin::Account(_) => "admin_account",
        }
    }
}

/// Left in a request's extensions once a signed-in account was refused, so that a second
/// look (the audit trail's middleware, then the handler) refuses it without counting or
/// logging the refusal twice.
#[derive(Debug, Clone, Copy)]
struct RefusedNonAdmin;

fn refused() -> Error {
    Error::Forbidden("this is for admins (or the operators' admin token)".into())
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        if let Some(admin) = parts.extensions.get::<Admin>() {
            return Ok(*admin);
        }
        if parts.extensions.get::<RefusedNonAdmin>().is_some() {
            return Err(refused());
        }
        if state.admin_token.as_deref().is_some_and(|expected| bears_token(&parts.headers, expected)) {
            parts.extensions.insert(Admin::Operator);
            return Ok(Admin::Operator);
        }
        let session = Session::from_request_parts(parts, state).await?;
        if session.user.is_admin() {
            let admin = Admin::Account(session.user);
            parts.extensions.insert(admin);
            Ok(admin)
        } else {
            parts.extensions.insert(RefusedNonAdmin);
            metrics::counter!("admin_access_refused_total").increment(1);
            tracing::warn!(
                target: "security",
                action = "admin-access",
                outcome = "failure",
                user_id = session.user.id,
                "admin route refused to a non-admin"
            );
            Err(refused())
        }
    }
}
