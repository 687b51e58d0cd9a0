//! Sessions: an HS256-signed JWT, sent back by browsers in an `HttpOnly; Secure; SameSite=Lax`
//! cookie and by API clients as `Authorization: Bearer`; or, when configured, a Supabase Auth
//! token ([`crate::supabase`]).
//!
//! The token says who the user is and carries a `jti` that names it; what the user may do
//! (role, shop, whether the account is active) comes from the [`SessionCache`], filled from
//! the database on a miss. The cache also holds the `jti`s of signed-out tokens, so signing out
//! ends a session everywhere, not just in the browser that dropped the cookie.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::FromRequestParts;
use axum::http::{HeaderValue, header, request::Parts};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use linkedall_shared::VendorId;
use serde::{Deserialize, Serialize};

use crate::accounts::{Email, Role};
use crate::error::{Error, Result};
use crate::routes::AppState;
pub use linkedall_store::account::CurrentUser;

use crate::session_cache::{Principal, SessionCache, SessionRecord};

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
    /// Names this token, so signing out can revoke it.
    jti: String,
    iat: u64,
    exp: u64,
}

/// What a valid token of ours says.
#[derive(Debug, Clone, PartialEq, Eq)]
struct VerifiedToken {
    user: i64,
    jti: String,
    /// When it was issued, Unix seconds: a password reset since ends it.
    issued_at: u64,
    expires_at: u64,
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
            jti: uuid::Uuid::new_v4().simple().to_string(),
            iat: now,
            exp: now + LIFETIME.as_secs(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| Error::Corrupt(format!("signing a session failed: {e}")))
    }

    fn verify(&self, token: &str) -> Result<VerifiedToken> {
        let claims =
            jsonwebtoken::decode::<Claims>(token, &self.decoding, &Validation::new(Algorithm::HS256))
                .map_err(|_| Error::Unauthenticated("the session is invalid or has expired"))?
                .claims;
        let user = claims.sub.parse().map_err(|_| Error::Unauthenticated("the session is invalid"))?;
        Ok(VerifiedToken { user, jti: claims.jti, issued_at: claims.iat, expires_at: claims.exp })
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

/// A request's verified session: its user, and what signing out needs to revoke it.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: CurrentUser,
    pub principal: Principal,
    /// The token's `jti` (for a Supabase token without one: its `session_id` or hash).
    pub jti: String,
    /// When the token expires, Unix seconds: the revocation mark lives until then.
    pub expires_at: u64,
}

impl Session {
    /// Verifies `token` (ours, then Supabase's when configured), refuses a signed-out token,
    /// and finds its user's record in the cache or, on a miss, in the database.
    async fn resolve(state: &AppState, token: &str) -> Result<Session> {
        // Supabase tokens have no issue time here: Supabase ends its own sessions.
        let (principal, jti, issued_at, expires_at, email) = match state.sessions.verify(token) {
            Ok(ours) => (Principal::User(ours.user), ours.jti, Some(ours.issued_at), ours.expires_at, None),
            Err(refused) => {
                let Some(supabase) = &state.supabase else { return Err(refused) };
                let identity = supabase.verify(token).await?;
                (
                    Principal::Supabase(identity.subject),
                    identity.revocation_id,
                    None,
                    identity.expires_at,
                    identity.email.map(|email| (email, identity.email_verified)),
                )
            }
        };
        let lookup = state.session_cache.lookup(&principal, &jti).await?;
        if lookup.revoked {
            tracing::warn!(target: "security", action = "session", outcome = "failure", "a revoked session token was used");
            return Err(Error::Unauthenticated("this session was signed out; sign in again"));
        }
        let record = match lookup.record {
            Some(record) => record,
            None => {
                let record = load_record(state, &principal, email.as_ref()).await?;
                state.session_cache.store(&principal, record).await?;
                record
            }
        };
        if !record.active {
            return Err(Error::Unauthenticated("this account is disabled"));
        }
        if issued_at.is_some_and(|issued_at| issued_at < record.sessions_since) {
            tracing::warn!(target: "security", action = "session", outcome = "failure", user = record.user.id, "a session begun before a password reset was used");
            return Err(Error::Unauthenticated(
                "the password was changed since this session began; sign in again",
            ));
        }
        Ok(Session { user: record.user, principal, jti, expires_at })
    }

    /// Signs this session out everywhere: its token is revoked until it expires, and its
    /// user's cached record dropped.
    pub async fn revoke(&self, cache: &SessionCache) -> Result<()> {
        cache.revoke(&self.jti, self.expires_at).await?;
        cache.forget(&self.principal).await
    }
}

async fn load_record(
    state: &AppState,
    principal: &Principal,
    email: Option<&(Email, bool)>,
) -> Result<SessionRecord> {
    match principal {
        Principal::User(id) => state
            .store
            .session_record(*id)
            .await?
            .ok_or(Error::Unauthenticated("the account of this session no longer exists")),
        Principal::Supabase(subject) => {
            let verified = email.is_some_and(|(_, verified)| *verified);
            Ok(state.store.supabase_account(*subject, email.map(|(email, _)| email), verified).await?)
        }
    }
}

impl FromRequestParts<AppState> for Session {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        // A handler taking both a Session and a CurrentUser (or VendorUser) looks it up once.
        if let Some(session) = parts.extensions.get::<Session>() {
            return Ok(session.clone());
        }
        let token =
            bearer_or_cookie(parts).ok_or(Error::Unauthenticated("this needs a signed-in account"))?;
        let session = Session::resolve(state, token).await?;
        parts.extensions.insert(session.clone());
        Ok(session)
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        Ok(Session::from_request_parts(parts, state).await?.user)
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
        let token = keys.verify(&keys.issue(&user).unwrap()).unwrap();
        assert_eq!(token.user, 7);
        assert_ne!(token.jti, keys.verify(&keys.issue(&user).unwrap()).unwrap().jti, "each token is named");
        let other = SessionKeys::new(b"secret-two");
        assert!(other.verify(&keys.issue(&user).unwrap()).is_err());
        assert!(keys.verify("not.a.jwt").is_err());
    }
}
