//! Sessions: an HS256-signed JWT, sent back by browsers in an `HttpOnly; Secure; SameSite=Lax`
//! cookie and by API clients as `Authorization: Bearer`. The token carries the user id, role
//! and shop, so authorising a request needs no database round trip.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::FromRequestParts;
use axum::http::{HeaderValue, header, request::Parts};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use linkedall_shared::VendorId;
use serde::{Deserialize, Serialize};

use crate::accounts::Role;
use crate::error::{Error, Result};
use crate::routes::AppState;

/// The session cookie's name.
pub const COOKIE: &str = "linkedall_session";

/// How long a session lasts before the user signs in again.
pub const LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);

/// The signing keys for sessions, from the configured secret.
#[derive(Clone)]
pub struct SessionKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionKeys(..)")
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    vendor_id: Option<i64>,
    iat: u64,
    exp: u64,
}

impl SessionKeys {
    pub fn new(secret: &[u8]) -> Self {
        Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret) }
    }

    /// A signed token for `user`, valid for [`LIFETIME`].
    pub fn issue(&self, user: &CurrentUser) -> Result<String> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        let claims = Claims {
            sub: user.id.to_string(),
            role: user.role,
            vendor_id: user.vendor_id.map(VendorId::get),
            iat: now,
            exp: now + LIFETIME.as_secs(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| Error::Corrupt(format!("signing a session failed: {e}")))
    }

    fn verify(&self, token: &str) -> Result<CurrentUser> {
        let claims =
            jsonwebtoken::decode::<Claims>(token, &self.decoding, &Validation::new(Algorithm::HS256))
                .map_err(|_| Error::Unauthenticated("the session is invalid or has expired"))?
                .claims;
        let id = claims.sub.parse().map_err(|_| Error::Unauthenticated("the session is invalid"))?;
        Ok(CurrentUser { id, role: claims.role, vendor_id: claims.vendor_id.map(VendorId::new) })
    }

    /// `Set-Cookie` value carrying `token`.
    pub fn cookie(token: &str) -> HeaderValue {
        HeaderValue::from_str(&format!(
            "{COOKIE}={token}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age={}",
            LIFETIME.as_secs()
        ))
        .expect("a JWT is a valid header value")
    }

    /// `Set-Cookie` value that removes the session cookie.
    pub fn expired_cookie() -> HeaderValue {
        HeaderValue::from_static("linkedall_session=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0")
    }
}

/// The signed-in user of a request. Extracting it answers 401 when there is no valid session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrentUser {
    pub id: i64,
    pub role: Role,
    pub vendor_id: Option<VendorId>,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

fn bearer_or_cookie(parts: &Parts) -> Option<&str> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim);
    bearer.or_else(|| {
        parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|pair| pair.trim().strip_prefix(COOKIE)?.strip_prefix('='))
    })
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let token =
            bearer_or_cookie(parts).ok_or(Error::Unauthenticated("this needs a signed-in account"))?;
        state.sessions.verify(token)
    }
}

/// A signed-in vendor and their shop. Any other role answers 403.
#[derive(Debug, Clone, Copy)]
pub struct VendorUser {
    pub user: CurrentUser,
    pub vendor_id: VendorId,
}

impl FromRequestParts<AppState> for VendorUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        match (user.role, user.vendor_id) {
            (Role::Vendor, Some(vendor_id)) => Ok(VendorUser { user, vendor_id }),
            _ => Err(Error::Forbidden("only vendor accounts can manage products and ship orders".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_round_trips_and_a_forged_one_is_refused() {
        let keys = SessionKeys::new(b"secret-one");
        let user = CurrentUser { id: 7, role: Role::Vendor, vendor_id: Some(VendorId::new(3)) };
        assert_eq!(keys.verify(&keys.issue(&user).unwrap()).unwrap(), user);
        let other = SessionKeys::new(b"secret-two");
        assert!(other.verify(&keys.issue(&user).unwrap()).is_err());
        assert!(keys.verify("not.a.jwt").is_err());
    }
}
