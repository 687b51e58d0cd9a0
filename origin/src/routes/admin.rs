//! Who may use the operators' routes (purging the edge caches, setting exchange rates): the
//! operators' admin token or a signed-in admin.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::AppState;
use crate::error::{Error, Result};
use crate::session::Session;

/// An operator or admin: the operators' admin token (`Authorization: Bearer`, set by
/// `LINKEDALL_ADMIN_TOKEN`) or a signed-in admin. No credentials → 401; a signed-in account
/// that is not an admin → 403.
pub struct Admin;

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
            && constant_time_eq(given.as_bytes(), expected.as_bytes())
        {
            return Ok(Admin);
        }
        let session = Session::from_request_parts(parts, state).await?;
        if session.user.is_admin() {
            Ok(Admin)
        } else {
            Err(Error::Forbidden("this is for admins (or the operators' admin token)".into()))
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
